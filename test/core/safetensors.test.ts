import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedfedError } from '../../src/core/errors.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/core/safetensors.js';
import { tensor } from '../../src/core/tensors.js';
import { weightsSha256 } from '../../src/core/weights-hash.js';

function hand(header: string, data: number[]): Uint8Array {
  // Builds a file by hand from the format description: u64 LE length, JSON, f32 LE data.
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length * 4);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  data.forEach((x, i) => v.setFloat32(8 + json.length + i * 4, x, true));
  return out;
}

test('writes the exact bytes the format specifies (compact JSON, space padding to 8, LE data)', () => {
  const bytes = encodeSafetensors(new Map([['weight', tensor([1, 3], [3, 7, 11])]]));
  const header = '{"weight":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]}}';
  // 62 bytes of JSON, padded with two spaces to 64.
  assert.equal(header.length, 62);
  assert.deepEqual(bytes, hand(header + '  ', [3, 7, 11]));
});

test('orders tensors by name and puts sorted metadata first', () => {
  const w = new Map([
    ['1.weight', tensor([2], [1, 2])],
    ['0.bias', tensor([1], [5])],
  ]);
  const bytes = encodeSafetensors(w, { round: '3', format: 'pt' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  assert.equal(
    text,
    '{"__metadata__":{"format":"pt","round":"3"},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"1.weight":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}',
  );
  assert.equal((8 + n) % 8, 0, 'data starts 8-byte aligned');
  const back = decodeSafetensors(bytes);
  assert.deepEqual([...back.tensors.get('1.weight')!.data], [1, 2]);
  assert.deepEqual([...back.tensors.get('0.bias')!.data], [5]);
  assert.deepEqual(back.metadata, { format: 'pt', round: '3' });
});

test('round-trips shapes and values, including scalars and empty tensors', () => {
  const w = new Map([
    ['a', tensor([2, 2, 3], Array.from({ length: 12 }, (_, i) => i * 0.5 - 2))],
    ['s', tensor([], [42])],
    ['e', tensor([0, 4], [])],
  ]);
  const back = decodeSafetensors(encodeSafetensors(w)).tensors;
  for (const [k, t] of w) {
    assert.deepEqual(back.get(k)!.shape, t.shape);
    assert.deepEqual([...back.get(k)!.data], [...t.data]);
  }
});

test('reads F64, F16 and BF16 as float32 and reports integer tensors as skipped', () => {
  const header = JSON.stringify({
    a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
    b: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
    c: { dtype: 'BF16', shape: [1], data_offsets: [12, 14] },
    n: { dtype: 'I64', shape: [], data_offsets: [14, 22] },
  });
  const json = new TextEncoder().encode(header);
  const buf = new Uint8Array(8 + json.length + 22);
  const v = new DataView(buf.buffer);
  v.setBigUint64(0, BigInt(json.length), true);
  buf.set(json, 8);
  const d = 8 + json.length;
  v.setFloat64(d, 1.25, true);
  v.setUint16(d + 8, 0x3c00, true); // 1.0 in half precision
  v.setUint16(d + 10, 0xc000, true); // -2.0
  v.setUint16(d + 12, 0x4049, true); // bfloat16 of 3.140625
  v.setBigInt64(d + 14, 7n, true);
  const f = decodeSafetensors(buf);
  assert.deepEqual([...f.tensors.get('a')!.data], [1.25]);
  assert.deepEqual([...f.tensors.get('b')!.data], [1, -2]);
  assert.deepEqual([...f.tensors.get('c')!.data], [3.140625]);
  assert.deepEqual(f.skipped, { n: 'I64' });
});

const bad: [string, () => Uint8Array, RegExp][] = [
  ['too short', () => new Uint8Array(5), /too short/],
  ['header longer than the file', () => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; }, /exceeds/],
  ['header not JSON', () => hand('{nope', []), /not valid UTF-8 JSON/],
  ['unknown dtype', () => hand('{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}', [1]), /unknown dtype/],
  ['size disagrees with shape', () => hand('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [1]), /expected 8/],
  ['hole between tensors', () => hand('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', [1, 2]), /hole/],
  ['trailing bytes', () => hand('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [1, 2]), /not indexed/],
  ['offset past the data', () => hand('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [1]), /past the data/],
];
for (const [name, make, re] of bad) {
  test(`rejects a malformed file: ${name}`, () => {
    assert.throws(() => decodeSafetensors(make(), 'm.safetensors'), (e: unknown) => {
      assert.ok(e instanceof MedfedError);
      assert.equal(e.code, 'MEDFED_ERR_FORMAT_INVALID');
      assert.match(e.message, re);
      return true;
    });
  });
}

test('the weights hash depends on values and names, not on insertion order', () => {
  const a = new Map([['x', tensor([2], [1, 2])], ['y', tensor([1], [3])]]);
  const b = new Map([['y', tensor([1], [3])], ['x', tensor([2], [1, 2])]]);
  const c = new Map([['x', tensor([2], [1, 2.0001])], ['y', tensor([1], [3])]]);
  assert.equal(weightsSha256(a), weightsSha256(b));
  assert.notEqual(weightsSha256(a), weightsSha256(c));
  assert.match(weightsSha256(a), /^[0-9a-f]{64}$/);
});
