import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WeightedFloat32Sum } from '../../bench/transfer/weighted-sum.js';

/** Feed `bytes` to a sink in pieces of the given sizes, each copied to `shift` bytes into a fresh buffer (misaligned views). */
function feed(sink: { chunk(blob: number, offset: number, bytes: Uint8Array): void }, bytes: Uint8Array, sizes: number[], shift: number): void {
  let off = 0;
  let k = 0;
  while (off < bytes.byteLength) {
    const n = Math.min(sizes[k++ % sizes.length], bytes.byteLength - off);
    const frame = new Uint8Array(n + shift);
    frame.set(bytes.subarray(off, off + n), shift);
    sink.chunk(0, off, frame.subarray(shift));
    off += n;
  }
}

test('the benchmark\'s running weighted sum gives the same mean for aligned, misaligned and split chunks', () => {
  const n = 1000;
  const a = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
  const b = Float32Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const want = (i: number) => (2 * a[i] + 3 * b[i]) / 5;
  for (const [sizes, shift] of [[[4000], 0], [[400, 800], 0], [[7, 13, 1], 0], [[400], 1], [[4001, 3], 3]] as Array<[number[], number]>) {
    const acc = new WeightedFloat32Sum(n);
    feed(acc.update(2, a.byteLength), new Uint8Array(a.buffer), sizes, shift);
    feed(acc.update(3, b.byteLength), new Uint8Array(b.buffer), sizes, shift);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(acc.mean(i) - want(i)) <= 1e-6 * Math.max(1, Math.abs(want(i))), `sizes ${sizes}, shift ${shift}, element ${i}: ${acc.mean(i)} vs ${want(i)}`);
  }
  // A chunk larger than the sum's scratch buffer (1 MiB), as when a whole update is added at once.
  const big = Float32Array.from({ length: 300_000 }, (_, i) => (i % 11) - 5);
  const whole = new WeightedFloat32Sum(big.length);
  whole.addWhole(2, new Uint8Array(big.buffer));
  feed(whole.update(6, big.byteLength), new Uint8Array(big.buffer), [(1 << 20) + 5, 3], 1);
  for (const i of [0, 1, 262_143, 262_144, 262_145, big.length - 1]) assert.equal(whole.mean(i), big[i], `element ${i}`);
  const acc = new WeightedFloat32Sum(4);
  const sink = acc.update(1, 16);
  assert.throws(() => sink.chunk(0, 4, new Uint8Array(4)), /out of order/);
});
