import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerProvisionCommand } from '../../src/cli/commands/provision.js';
import { MedfedError } from '../../src/core/errors.js';
import { exampleYaml } from './fixture.js';

/** Run `medfed provision ...` in-process and return what it printed. */
async function medfed(...args: string[]): Promise<string> {
  const program = new Command().name('medfed').exitOverride();
  registerProvisionCommand(program);
  let printed = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'medfed', 'provision', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return printed;
}

const work = mkdtempSync(join(tmpdir(), 'medfed-pki-cli-'));
const out = join(work, 'kits');
writeFileSync(join(work, 'project.yaml'), exampleYaml);

test('provision, add-site, revoke and list work from the command line', async () => {
  const made = await medfed(join(work, 'project.yaml'), '--out', out);
  assert.match(made, /provisioned project "heart-study"/);
  assert.match(made, /hungary\s+site\s+serial 04\s+\S+sites\/hungary/);
  assert.match(await medfed('add-site', 'bern', '--project', out, '--org', 'Inselspital'), /bern\s+site\s+serial 0a/);
  assert.match(readFileSync(join(out, 'sites/bern/cert.pem'), 'utf8'), /BEGIN CERTIFICATE/);
  assert.match(await medfed('revoke', 'hungary', '--project', out, '--reason', 'superseded', '--note', 'new server'), /revoked hungary serial 04 \(superseded\)/);
  const listing = await medfed('list', '--project', out);
  assert.match(listing, /^04\s+hungary\s+site\s+hungary\s+revoked \(superseded\)/m);
  assert.match(listing, /^0a\s+bern\s+site\s+bern\s+valid/m);
  const rows = JSON.parse(await medfed('list', '--project', out, '--json')) as Array<{ name: string; effectiveStatus: string }>;
  assert.equal(rows.length, 9);
  assert.equal(rows.filter((r) => r.effectiveStatus === 'valid').length, 8);
});

test('a bad project.yaml fails with the path of the bad field; a bad reason lists the allowed ones', async () => {
  const bad = join(work, 'bad.yaml');
  writeFileSync(bad, exampleYaml.replace('port: 8443', 'port: 99999'));
  await assert.rejects(medfed(bad, '--out', join(work, 'never')), (e: unknown) => {
    assert.ok(e instanceof MedfedError);
    assert.match(e.describe(), /MEDFED_ERR_CONFIG_INVALID at .*bad\.yaml: coordinator\.port: .*coordinator\.port: Too big/);
    return true;
  });
  await assert.rejects(medfed('revoke', 'bern', '--project', out, '--reason', 'because'), /unknown revocation reason "because"; use one of: unspecified, key-compromise/);
  await assert.rejects(medfed('list', '--project', work), /is not a provisioned medfed project/);
});
