import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSignalFile } from '../../src/connectors/edf/read-file.js';
import { parseSignalCsv } from '../../src/connectors/edf/detect.js';
import { describeRecording } from '../../src/cli/commands/signals.js';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { rhythmSummary } from '../../src/signals/ecg/rhythm.js';
import { EDF, GDF, MITBIH } from '../connectors/edf/fixture-path.js';

test('MIT-BIH record 208 CSV: 108,000 samples at 360 Hz, beats and heart rate in the plausible range', async () => {
  const rec = await readSignalFile(MITBIH);
  assert.equal(rec.channels.length, 1);
  assert.equal(rec.channels[0].label, 'mlii_adu');
  assert.equal(rec.channels[0].sampleRate, 360);
  assert.equal(rec.channels[0].samples.length, 108000);
  assert.equal(rec.durationSeconds, 300);
  assert.equal(rec.channels[0].samples[0], 975); // first data row of the file
  const r = rhythmSummary(Float32Array.from(rec.channels[0].samples), 360);
  // Record 208 runs at about 98 bpm (2,955 beats in 30 min); detector accuracy: test/signals/pan-tompkins.test.ts.
  assert.ok(r.medianHeartRate > 85 && r.medianHeartRate < 115, `median HR ${r.medianHeartRate}`);
  assert.ok(r.beats > 380 && r.beats < 520, `${r.beats} beats`);
  const text = describeRecording(rec);
  assert.match(text, /CSV, 1 channel, 108000 records/);
  assert.match(text, /ECG mlii_adu: \d+ beats detected, mean heart rate/);
});

test('describeRecording lists EDF and GDF channels, rates and annotations', async () => {
  const e = describeRecording(await readSignalFile(EDF));
  assert.match(e, /EDF\+C, 4 channels, 97419 records/);
  assert.match(e, /annotations: 0/);
  const g = describeRecording(await readSignalFile(GDF));
  assert.match(g, /GDF 1\.25, 4 channels/);
  assert.match(g, /annotations: 200 \(.*769 ×20.*770 ×20/);
  assert.doesNotMatch(g, /ECG/);
});

test('signal CSV errors name the line and column', () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(() => parseSignalCsv(text, 'x.csv', 360), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && re.test(e.message));
  bad('mlii_adu\n975\nabc\n', /x\.csv:3:1: "abc" in column mlii_adu is not a number/);
  bad('975\n981\n', /first row "975" holds numbers/);
  bad('a,b\n1,2\n3\n', /x\.csv:3: 1 fields where the header has 2/);
  assert.throws(() => parseSignalCsv('a\n1\n', 'x.csv', 0), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.CONFIG_INVALID);
});
