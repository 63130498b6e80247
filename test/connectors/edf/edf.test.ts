import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEdf } from '../../../src/connectors/edf/parse.js';
import { parseGdf } from '../../../src/connectors/edf/gdf.js';
import { readEdfFile } from '../../../src/connectors/edf/read-file.js';
import { ErrorCodes, MedfedError } from '../../../src/core/errors.js';
import { EDF, GDF, ascii, fileBytes, tempCopy, withField } from './fixture-path.js';

const edf = fileBytes(EDF);

test('EDF fixture: header fields match the bytes read independently', async () => {
  const rec = await readEdfFile(EDF);
  const ns = Number(ascii(edf, 252, 4));
  assert.equal(ns, 4);
  assert.equal(rec.channels.length, ns);
  assert.equal(rec.format, 'EDF+C');
  assert.equal(rec.recordCount, Number(ascii(edf, 236, 8)));
  assert.equal(rec.recordCount, 97419);
  assert.equal(rec.recordDuration, Number(ascii(edf, 244, 8)));
  assert.deepEqual(rec.channels.map((c) => c.label), [0, 1, 2, 3].map((s) => ascii(edf, 256 + 16 * s, 16)));
  assert.deepEqual(rec.channels.map((c) => c.label), ['Channel 1', 'Channel 2', 'Channel 3', 'Channel 5']);
  const pminOffset = 256 + ns * (16 + 80 + 8);
  assert.equal(rec.channels[2].physicalMin, Number(ascii(edf, pminOffset + 8 * 2, 8)));
  assert.equal(rec.channels[0].physicalDimension, 'uV');
  assert.equal(rec.channels[0].sampleRate, 1 / Number(ascii(edf, 244, 8)));
  assert.equal(rec.annotations.length, 0);
  assert.match(rec.warnings.join('\n'), /EDF\+C file without an "EDF Annotations" signal/);
});

test('EDF fixture: samples are the int16 values scaled by hand', () => {
  const rec = parseEdf(edf, EDF);
  const ns = 4;
  const headerBytes = 256 * (ns + 1);
  const view = new DataView(edf.buffer, edf.byteOffset, edf.byteLength);
  const fieldAt = (fieldOffset: number, s: number) => Number(ascii(edf, 256 + ns * fieldOffset + 8 * s, 8));
  for (const [r, s] of [[0, 0], [1234, 3], [97418, 2]]) {
    // Each record holds one sample per signal (samples per record = 1): 8 bytes.
    const d = view.getInt16(headerBytes + r * 8 + s * 2, true);
    const pmin = fieldAt(104, s), pmax = fieldAt(112, s), dmin = fieldAt(120, s), dmax = fieldAt(128, s);
    assert.equal(dmin, -32767);
    const expected = ((d - dmin) * (pmax - pmin)) / (dmax - dmin) + pmin;
    assert.ok(Math.abs(rec.channels[s].samples[r] - expected) < 1e-12, `record ${r} signal ${s}`);
  }
  assert.equal(edf[headerBytes], 7340 & 0xff); // first stored value of Channel 1 is 7340
});

test('EDF and GDF copies of the recording agree within the EDF quantisation step', () => {
  const a = parseEdf(edf, EDF);
  const b = parseGdf(fileBytes(GDF), GDF);
  for (let s = 0; s < 4; s++) {
    const c = a.channels[s];
    const step = (c.physicalMax - c.physicalMin) / (c.digitalMax - c.digitalMin);
    let worst = 0;
    for (let i = 0; i < c.samples.length; i++) worst = Math.max(worst, Math.abs(c.samples[i] - b.channels[s].samples[i]));
    // GDF holds the original int16 grid (200/65535 µV); the EDF export re-quantised it to its own
    // range, so each value moved by at most about one EDF step.
    assert.ok(worst <= 1.5 * step, `channel ${s}: ${worst} > 1.5 × step ${step}`);
    assert.ok(worst > 0);
  }
});

/** A small EDF+ file: "ECG" (4 samples per 1-s record) and an annotation signal, 2 records. */
function buildEdfPlus(tals: string[], opts: { records?: string } = {}): Uint8Array {
  const ns = 2;
  const spr = [4, 30];
  const field = (v: string, n: number) => v.padEnd(n, ' ').slice(0, n);
  let h = field('0', 8) + field('X X X X', 80) + field('Startdate X X X X', 80) + '01.02.03' + '04.05.06';
  h += field(String(256 * (ns + 1)), 8) + field('EDF+C', 44) + field(opts.records ?? '2', 8) + field('1', 8) + field(String(ns), 4);
  const sig = (vals: string[], n: number) => vals.map((v) => field(v, n)).join('');
  h += sig(['ECG', 'EDF Annotations'], 16) + sig(['AgAgCl', ''], 80) + sig(['mV', ''], 8) + sig(['-5', '-1'], 8) + sig(['5', '1'], 8);
  h += sig(['-2048', '-32768'], 8) + sig(['2047', '32767'], 8) + sig(['HP:0.5Hz', ''], 80) + sig(spr.map(String), 8) + sig(['', ''], 32);
  const header = Buffer.from(h, 'latin1');
  assert.equal(header.length, 768);
  const records = tals.map((t, r) => {
    const rec = Buffer.alloc(2 * (spr[0] + spr[1]));
    for (let k = 0; k < 4; k++) rec.writeInt16LE(-2048 + 1365 * k + r, 2 * k);
    Buffer.from(t, 'latin1').copy(rec, 8);
    return rec;
  });
  return new Uint8Array(Buffer.concat([header, ...records]));
}

test('EDF+ annotations: TALs become events, time-keeping TALs do not', () => {
  const bytes = buildEdfPlus(['+0\x14\x14\x00+0.5\x151.2\x14Apnea\x14\x00', '+1\x14\x14\x00+1.25\x14R wave\x14Beat\x14\x00']);
  const rec = parseEdf(bytes, 'mem.edf');
  assert.equal(rec.channels.length, 1);
  assert.deepEqual(rec.annotations, [
    { onset: 0.5, duration: 1.2, text: 'Apnea' },
    { onset: 1.25, duration: null, text: 'R wave' },
    { onset: 1.25, duration: null, text: 'Beat' },
  ]);
  assert.deepEqual(rec.warnings, ['signal 1 ("ECG"): 1 samples lie outside the digital range -2048..2047 (scaled linearly all the same)']);
  // digital -2048 → -5 mV, 2047 → 5 mV; record 1 sample 3: -2048 + 4095 + 1 = 2048 (outside, warned)
  assert.equal(rec.channels[0].samples[0], -5);
  assert.equal(rec.channels[0].samples[3], ((-2048 + 4095 + 2048) * 10) / 4095 - 5);
  assert.equal(rec.channels[0].samples[7], ((2048 + 2048) * 10) / 4095 - 5);
});

function rejects(bytes: Uint8Array, pattern: RegExp, name = 'bad.edf'): void {
  assert.throws(
    () => parseEdf(bytes, name),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && e.message.includes(name) && pattern.test(`${e.message} ${e.where}`),
  );
}

test('malformed EDF: short file, header byte count, non-ASCII, digital range, record count, truncation', async () => {
  rejects(edf.subarray(0, 100), /100 bytes, shorter than the 256-byte EDF header/);
  rejects(edf.subarray(0, 1000), /shorter than its 1280-byte header/);
  rejects(withField(edf, 184, 8, '1024'), /header byte count is 1024 but 4 signals need .* 1280.*byte 184/);
  const nonAscii = edf.slice();
  nonAscii[20] = 0xe9;
  rejects(nonAscii, /"patient" holds byte 0xe9 at offset 20/);
  // digital minimum of signal 2 (offset 256 + 4·(16+80+8+8+8) + 8) set equal to its maximum
  rejects(withField(edf, 256 + 4 * 120 + 8, 8, '32767'), /signal 2 \("Channel 2"\): digital minimum 32767 is not below digital maximum 32767.*byte 744/);
  rejects(withField(edf, 252, 4, 'four'), /"number of signals" at offset 252 is "four"/);
  rejects(withField(edf, 244, 8, '0'), /duration of a data record is 0/);
  // record count -1: accepted when the data are whole records, refused when they are not
  const unknown = withField(edf, 236, 8, '-1');
  assert.equal(parseEdf(unknown, 'ok.edf').recordCount, 97419);
  rejects(unknown.subarray(0, unknown.length - 3), /-1 \(unknown\) and the 779349 data bytes are not a whole number of 8-byte records/);
  // truncated last record: names the record and its offset
  rejects(edf.subarray(0, edf.length - 3), /data record 97419 \(of 97419\) starting at offset 780624 is truncated: 5 of its 8 bytes/);
  rejects(edf.subarray(0, edf.length - 8), /header says 97419 data records of 8 bytes but the file holds 97418/);
  rejects(new Uint8Array([...edf, 1, 2]), /2 bytes follow the 97419 data records/);
  rejects(buildEdfPlus(['+0\x14\x14\x00+x\x14A\x14\x00', '+1\x14\x14\x00']), /TAL\) in data record 1 at offset 781: onset "\+x"/);
  rejects(buildEdfPlus(['+0\x14\x14\x00+0.5\x14' + 'A'.repeat(50), '+1\x14\x14\x00']), /not terminated by a 0 byte/);
  rejects(buildEdfPlus(['+0\x14\x14\x00+0.5\x14A\x00', '+1\x14\x14\x00']), /does not end with 0x14/);
  rejects(buildEdfPlus(['+0\x14\x14\x00', '+1\x14\x14\x00'], { records: '3' }), /header says 3 data records of 68 bytes but the file holds 2/);
  // the Node reader: same errors for a corrupted copy on disk, and DATA_UNREADABLE for a missing file
  const path = tempCopy('cut.edf', edf.subarray(0, edf.length - 3));
  await assert.rejects(readEdfFile(path), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && e.message.startsWith(path));
  await assert.rejects(readEdfFile(path + '.missing'), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_UNREADABLE);
});
