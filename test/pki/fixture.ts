import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseProjectConfig } from '../../src/pki/project-config.js';
import { provisionProject } from '../../src/pki/provision-project.js';

export const root = resolve(import.meta.dirname, '../../..');
export const exampleYaml = readFileSync(join(root, 'examples/project.yaml'), 'utf8');

/** A fresh project provisioned from examples/project.yaml (or `yaml`) in a temp folder. */
export async function provisionTemp(yaml = exampleYaml, now = new Date()): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'medfed-pki-')), 'project');
  await provisionProject(parseProjectConfig(yaml, 'project.yaml'), dir, now);
  return dir;
}

export function readKit(dir: string, kit: string, file: string): string {
  return readFileSync(join(dir, kit, file), 'utf8');
}

export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

export function openssl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
