import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGdf } from '../../../src/connectors/edf/gdf.js';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { GDF, fileBytes } from './fixture-path.js';

const gdf = fileBytes(GDF);
const view = new DataView(gdf.buffer, gdf.byteOffset, gdf.byteLength);

test('GDF 1.25 fixture: header, int16 samples scaled by hand, event table', () => {
  const rec = parseGdf(gdf, GDF);
  assert.equal(rec.format, 'GDF 1.25');
  assert.equal(rec.channels.length, view.getUint32(252, true));
  assert.equal(rec.recordCount, Number(view.getBigInt64(236, true)));
  assert.equal(rec.recordDuration, view.getUint32(244, true) / view.getUint32(248, true));
  assert.equal(rec.channels[0].sampleRate, 256);
  assert.equal(rec.channels[3].label, 'Channel 5');
  assert.equal(rec.channels[0].physicalDimension, 'µV');
  assert.equal(rec.patient, 'Eva Höfler');
  // All four channels are GDF type 3 (int16): type field at 256 + 4·(16+80+8+8+8+8+8+80+4).
  for (let s = 0; s < 4; s++) assert.equal(view.getUint32(256 + 4 * 220 + 4 * s, true), 3);
  for (const [r, s] of [[0, 0], [5000, 1], [97418, 3]]) {
    const d = view.getInt16(1280 + 8 * r + 2 * s, true);
    assert.equal(rec.channels[s].samples[r], ((d + 32768) * 200) / 65535 - 100);
  }
  const events = 1280 + 8 * 97419;
  assert.equal(gdf[events], 3); // mode 3
  const n = view.getUint32(events + 4, true);
  assert.equal(rec.annotations.length, n);
  assert.equal(n, 200);
  const count = (t: string) => rec.annotations.filter((a) => a.text === t).length;
  assert.equal(count('769'), 20);
  assert.equal(count('770'), 20);
  assert.equal(rec.annotations[1].onset, view.getUint32(events + 8 + 4, true) / 256);
  assert.equal(rec.annotations[1].duration, view.getUint32(events + 8 + 10 * n + 4, true) / 256);
});

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseGdf(bytes, 'bad.gdf'), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && pattern.test(`${e.message} ${e.where}`));
}

test('GDF: unsupported versions and malformed files are named errors', () => {
  const v2 = gdf.slice();
  v2.set(Buffer.from('GDF 2.20'), 0);
  rejects(v2, /GDF 2\.20 is not supported: medfed reads GDF 1\.x only/);
  rejects(gdf.subarray(0, 200), /shorter than the 256-byte GDF header/);
  rejects(gdf.subarray(0, 500_000), /header says 97419 data records of 8 bytes but only 62340 whole records/);
  const badType = gdf.slice();
  new DataView(badType.buffer).setUint32(256 + 4 * 220 + 4, 31, true);
  rejects(badType, /signal 2 \("Channel 2"\): GDF data type 31 is not supported/);
  const badEvents = gdf.subarray(0, gdf.length - 6);
  rejects(badEvents, /200 mode-3 events need 2408 bytes but 2402 follow/);
  const badHeader = gdf.slice();
  new DataView(badHeader.buffer).setBigInt64(184, 1024n, true);
  rejects(badHeader, /header byte count is 1024/);
});
