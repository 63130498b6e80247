import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { readSignalFile } from '../../connectors/edf/read-file.js';
import { rateFromFileName } from '../../connectors/edf/detect.js';
import type { SignalChannel, SignalRecording } from '../../connectors/edf/types.js';
import { ECG_LABEL } from '../../signals/ecg/lead-names.js';
import { rhythmSummary } from '../../signals/ecg/rhythm.js';
import { registerSignalsClassifyCommand } from './signals-classify.js';


function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : 'n/a';
}

function observedRange(c: SignalChannel): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of c.samples) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The report `medfed signals inspect` prints (also used by its test). */
export function describeRecording(rec: SignalRecording, ecgChannels: readonly string[] = []): string {
  const out: string[] = [];
  out.push(`${rec.source}: ${rec.format}, ${rec.channels.length} channel${rec.channels.length === 1 ? '' : 's'}, ${rec.recordCount} records × ${fmt(rec.recordDuration, 6)} s = ${rec.durationSeconds.toFixed(2)} s`);
  if (rec.patient || rec.recording || rec.start) out.push(`  patient "${rec.patient}", recording "${rec.recording}", start ${rec.start || 'n/a'}`);
  out.push('  channel            rate Hz    samples  unit    physical range          observed range');
  for (const c of rec.channels) {
    const [lo, hi] = observedRange(c);
    out.push(
      `  ${c.label.padEnd(18)} ${fmt(c.sampleRate, 6).padStart(7)} ${String(c.samples.length).padStart(10)}  ${(c.physicalDimension || '-').padEnd(6)}  ${`${fmt(c.physicalMin)} .. ${fmt(c.physicalMax)}`.padEnd(22)}  ${fmt(lo)} .. ${fmt(hi)}`,
    );
  }
  const byText = new Map<string, number>();
  for (const a of rec.annotations) byText.set(a.text, (byText.get(a.text) ?? 0) + 1);
  const top = [...byText].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, n]) => `${t} ×${n}`).join(', ');
  out.push(`  annotations: ${rec.annotations.length}${top ? ` (${top}${byText.size > 8 ? ', …' : ''})` : ''}`);
  for (const w of rec.warnings) out.push(`  warning: ${w}`);
  const wanted = new Set(ecgChannels);
  for (const c of rec.channels) {
    if (!(wanted.has(c.label) || (wanted.size === 0 && ECG_LABEL.test(c.label)))) continue;
    const r = rhythmSummary(Float32Array.from(c.samples), c.sampleRate);
    out.push(`  ECG ${c.label}: ${r.beats} beats detected, mean heart rate ${fmt(r.meanHeartRate)} bpm (RR ${fmt(r.meanRrMs)} ms), median ${fmt(r.medianHeartRate)} bpm, SDNN ${fmt(r.sdnnMs)} ms, RMSSD ${fmt(r.rmssdMs)} ms, ${(100 * r.prematureFraction).toFixed(1)}% of RR intervals < 80% of the median (premature), ${r.longGaps} RR > 1.5× the median (missed beats or pauses)`);
  }
  for (const name of wanted) {
    if (!rec.channels.some((c) => c.label === name)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${rec.source} has no channel "${name}"`, { hint: `channels: ${rec.channels.map((c) => c.label).join(', ')}` });
    }
  }
  return out.join('\n') + '\n';
}

export function registerSignalsCommand(program: Command): void {
  const signals = program.command('signals').description('Physiological signal files: EDF/EDF+, GDF 1.x, signal CSV (docs/signals.md)');
  signals
    .command('inspect')
    .description('Print channels, sampling rates, duration, physical ranges and annotations; for ECG leads, detected beats, heart rate and RR variability')
    .argument('<file>', '.edf, .gdf or a CSV with one column per channel')
    .option('--rate <hz>', 'sampling rate of a CSV (default: from a file name like …_360hz.csv)', Number.parseFloat)
    .option('--ecg <channel...>', 'analyse these channels as ECG (default: channels labelled ECG, EKG, MLII, lead names)')
    .action(async (file: string, opts: { rate?: number; ecg?: string[] }) => {
      const rec = await readSignalFile(file, { sampleRate: opts.rate });
      if (rec.format === 'CSV' && opts.rate === undefined) process.stdout.write(`(sampling rate ${rateFromFileName(file)} Hz taken from the file name; --rate overrides it)\n`);
      process.stdout.write(describeRecording(rec, opts.ecg ?? []));
    });
  registerSignalsClassifyCommand(signals);
}
