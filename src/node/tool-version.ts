import { readFileSync } from 'node:fs';

/** medfed's version, from its package.json. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A path inside the installed medfed package (examples, bundled data). */
export function packagePath(relative: string): string {
  return new URL(`../../../${relative}`, import.meta.url).pathname;
}
