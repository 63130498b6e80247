import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { parseProjectConfig } from '../../src/pki/project-config.js';
import { exampleYaml } from './fixture.js';

function configError(yaml: string): MedfedError {
  try {
    parseProjectConfig(yaml, 'project.yaml');
  } catch (e) {
    assert.ok(e instanceof MedfedError, `a MedfedError, got ${String(e)}`);
    assert.equal(e.code, 'MEDFED_ERR_CONFIG_INVALID');
    return e;
  }
  assert.fail('expected the project file to be refused');
}

const minimal = 'project: p\ncoordinator:\n  hosts: [localhost]\nsites:\n  - name: a\n';

test('the example project parses and defaults are filled in', () => {
  const c = parseProjectConfig(exampleYaml);
  assert.equal(c.project, 'heart-study');
  assert.deepEqual(c.sites.map((s) => s.name), ['cleveland', 'hungary', 'switzerland', 'long-beach']);
  assert.equal(c.users[1].site, 'cleveland');
  const m = parseProjectConfig(minimal);
  assert.deepEqual(m.validity, { caDays: 3650, certDays: 365, crlDays: 30 });
  assert.equal(m.coordinator.port, 8443);
  assert.equal(m.coordinator.name, 'coordinator');
  assert.equal(m.policyDefaults.approval, 'manual');
  assert.deepEqual(m.users, []);
});

test('a site-admin of an undeclared site is refused, naming users[i].site', () => {
  const e = configError(`${minimal}users:\n  - email: x@y.org\n    role: researcher\n  - email: z@y.org\n    role: site-admin\n    site: nowhere\n`);
  assert.match(e.message, /users\[1\]\.site: unknown site "nowhere"; declared sites: a/);
  assert.match(e.where ?? '', /project\.yaml: users\[1\]\.site/);
});

test('wrong types, unknown keys, bad hosts and duplicates each name their path', () => {
  assert.match(configError(minimal.replace('[localhost]', '[localhost, "bad host!"]')).message, /coordinator\.hosts\[1\]: expected a DNS host name or an IPv4\/IPv6 address/);
  assert.match(configError(`${minimal}  - name: a\n`).message, /sites\[1\]\.name: site "a" is declared twice/);
  assert.match(configError(minimal.replace('hosts: [localhost]', 'hosts: [localhost]\n  prot: 1')).message, /coordinator: Unrecognized key: "prot"/);
  assert.match(configError(minimal.replace('name: a', 'name: "../etc"')).message, /sites\[0\]\.name: expected 1-63 letters/);
  assert.match(configError(`${minimal}users:\n  - email: not-an-email\n    role: researcher\n`).message, /users\[0\]\.email/);
  assert.match(configError(`${minimal}users:\n  - email: a@b.org\n    role: owner\n`).message, /users\[0\]\.role/);
  assert.match(configError(minimal.replace('project: p\n', '')).message, /project: /);
  assert.match(configError(`${minimal}policyDefaults:\n  allowedStrategies: [fedavg, fedmagic]\n`).message, /policyDefaults\.allowedStrategies\[1\]: unknown strategy "fedmagic"/);
});

test('broken YAML names file:line:column', () => {
  const e = configError('project: p\ncoordinator: [\n');
  assert.match(e.where ?? '', /^project\.yaml:\d+:\d+$/);
});
