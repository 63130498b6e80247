import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/fhir, found from dist/test/connectors/fhir or test/connectors/fhir. */
export function fhirFixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      readdirSync(join(dir, 'test', 'fixtures', 'fhir'));
      return join(dir, 'test', 'fixtures', 'fhir');
    } catch {
      const up = dirname(dir);
      if (up === dir) throw new Error('test/fixtures/fhir not found');
      dir = up;
    }
  }
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
