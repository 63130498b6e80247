import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalBytes, canonicalJson } from '../../src/audit/canonical-json.js';

test('canonicalJson sorts keys at every depth and writes no whitespace (expected text written by hand)', () => {
  const v = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' } };
  assert.equal(canonicalJson(v), '{"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
});

test('canonicalJson does not depend on key insertion order', () => {
  const keys = ['seq', 'ts', 'node', 'event', 'prev', 'alpha', 'Zeta', 'é', '10', '9'];
  const reference = canonicalJson(Object.fromEntries(keys.map((k, i) => [k, { n: i, inner: { q: k, p: [i, k] } }])));
  // every rotation and the reversal of the insertion order give the same bytes
  for (let r = 0; r < keys.length; r++) {
    const order = [...keys.slice(r), ...keys.slice(0, r)];
    for (const o of [order, [...order].reverse()]) {
      const obj: Record<string, unknown> = {};
      for (const k of o) obj[k] = { inner: { p: [keys.indexOf(k), k], q: k }, n: keys.indexOf(k) };
      assert.equal(canonicalJson(obj), reference);
    }
  }
  // UTF-16 code unit order: digits < upper case < lower case < é; "10" < "9" as strings
  const written = [...reference.matchAll(/"([^"]+)":\{"inner"/g)].map((m) => m[1]);
  assert.deepEqual(written, ['10', '9', 'Zeta', 'alpha', 'event', 'node', 'prev', 'seq', 'ts', 'é']);
});

test('canonicalJson is stable: parse then re-serialise gives the same bytes, and numbers keep JSON form', () => {
  const v = { x: 0.1 + 0.2, y: -0, z: 1e21, w: 5e-7, s: 'quote " backslash \\ newline \n tab \t ✓', u: undefined };
  const once = canonicalJson(v);
  assert.equal(once, '{"s":"quote \\" backslash \\\\ newline \\n tab \\t ✓","w":5e-7,"x":0.30000000000000004,"y":0,"z":1e+21}');
  assert.equal(canonicalJson(JSON.parse(once)), once);
  assert.deepEqual([...canonicalBytes({ a: 'é' })], [...Buffer.from('{"a":"é"}', 'utf8')]);
});

test('canonicalJson refuses values JSON cannot hold exactly', () => {
  for (const bad of [{ a: Number.NaN }, { a: Infinity }, { a: [1, undefined] }, { a: new Date(0) }, { a: new Map() }, { a: 1n }, { a: () => 1 }]) {
    assert.throws(() => canonicalJson(bad), /cannot write canonical JSON/);
  }
});
