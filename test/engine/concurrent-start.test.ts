import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getEngine } from '../../src/engine/registry.js';

test('several sites starting the wasm engine at once in one thread all get it', async () => {
  const engines = await Promise.all([1, 2, 3, 4].map(() => getEngine('tfjs-wasm')));
  assert.equal(engines.length, 4);
  for (const e of engines) assert.equal(e.name, 'tfjs-wasm');
});
