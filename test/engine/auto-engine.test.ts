import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultEngine, engineNames, getEngine } from '../../src/engine/registry.js';

test('getEngine("auto") is the fastest engine this process can load: libtorch where its addon loads, else tfjs-wasm', async () => {
  assert.ok(engineNames().includes('auto'));
  const libtorchLoads = await getEngine('libtorch').then(
    () => true,
    () => false,
  );
  const auto = await getEngine('auto');
  assert.equal(auto.name, libtorchLoads ? 'libtorch' : 'tfjs-wasm');
  assert.equal(auto.name, (await defaultEngine(() => {})).name);
});

test('getEngine("auto") without the native addon falls back to tfjs-wasm and says so once', () => {
  const registry = fileURLToPath(new URL('../../src/engine/registry.js', import.meta.url));
  const script = `import('${registry}').then(async (r) => { const a = await r.getEngine('auto'); const b = await r.getEngine('auto'); console.log('auto', a.name, b.name); })`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, MEDFED_LIBTORCH_ADDON: '/nonexistent/medfed_torch.node' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = (r.stdout + r.stderr).trim().split('\n');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('medfed: training engine')).map((l) => l.slice(0, 'medfed: training engine tfjs-wasm (native libtorch engine unavailable'.length)),
    ['medfed: training engine tfjs-wasm (native libtorch engine unavailable'],
  );
  assert.ok(lines.includes('auto tfjs-wasm tfjs-wasm'), r.stdout);
});
