import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoleUri, roleUri } from '../../src/pki/roles.js';

test('role URIs round-trip and malformed ones decode to null', () => {
  assert.equal(roleUri({ role: 'site', site: 'bern' }), 'medfed:role=site;site=bern');
  assert.equal(roleUri({ role: 'researcher' }), 'medfed:role=researcher');
  assert.deepEqual(parseRoleUri('medfed:role=site-admin;site=bern'), { role: 'site-admin', site: 'bern' });
  assert.deepEqual(parseRoleUri('medfed:role=project-admin'), { role: 'project-admin' });
  for (const bad of [
    'https://example.org/',
    'medfed:role=site', // a site role without its site
    'medfed:role=researcher;site=bern', // a site on a role that has none
    'medfed:role=site;site=', // empty site
    'medfed:role=site;site=a;site=b', // duplicate field
    'medfed:role=site;site=a;extra=1',
    'medfed:role=owner',
    'medfed:site=a',
  ]) {
    assert.equal(parseRoleUri(bad), null, bad);
  }
  assert.throws(() => roleUri({ role: 'site' }), /needs site/);
});
