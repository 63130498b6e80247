import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseGdf } from './gdf.js';
import { parseEdf } from './parse.js';
import type { SignalChannel, SignalRecording } from './types.js';

export type SignalFormat = 'edf' | 'gdf' | 'csv';

/** EDF starts with "0" and seven spaces, GDF with "GDF "; anything else is read as CSV text. */
export function signalFormatOf(bytes: Uint8Array): SignalFormat {
  const head = String.fromCharCode(...bytes.subarray(0, 8));
  if (head === '0       ') return 'edf';
  if (head.startsWith('GDF ')) return 'gdf';
  return 'csv';
}

/** The sampling rate a file name states, e.g. "record208_360hz.csv" → 360; undefined if none. */
export function rateFromFileName(source: string): number | undefined {
  const base = source.split(/[\\/]/).pop() ?? source;
  const m = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)\s*hz(?![a-z])/i.exec(base.replace(/_/g, ' '));
  return m ? Number.parseFloat(m[1]) : undefined;
}

function unitOf(column: string): string {
  const m = /_(adu|mv|uv|µv)$/i.exec(column);
  if (!m) return '';
  const u = m[1].toLowerCase();
  return u === 'adu' ? 'adu' : u === 'mv' ? 'mV' : 'uV';
}

/**
 * A signal CSV: a header row of column names, then one row per sample, every cell a number, each
 * column one channel sampled at `sampleRate` Hz (e.g. the MIT-BIH record 208 export: "mlii_adu",
 * then 108,000 ADC values at 360 Hz). A column name ending in _adu/_mv/_uv gives its unit.
 */
export function parseSignalCsv(text: string, source: string, sampleRate: number): SignalRecording {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${source}: sampling rate ${sampleRate} is not a positive number of Hz`, { where: source, hint: 'pass --rate HZ' });
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((c) => c.trim());
  if (lines.length < 2 || header.some((c) => c === '')) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${source}: a signal CSV needs a header row of column names and at least one row of samples`, {
      where: `${source}:1`,
      hint: 'write one column per channel with a name in the first row, one sample per row',
    });
  }
  if (header.some((c) => /^[+-]?(\d|\.\d)/.test(c))) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${source}:1: the first row "${lines[0]}" holds numbers, not column names`, {
      where: `${source}:1`,
      hint: 'add a header row naming each channel (e.g. mlii_adu)',
    });
  }
  const n = lines.length - 1;
  const data = header.map(() => new Float64Array(n));
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== header.length) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${source}:${i + 1}: ${cells.length} fields where the header has ${header.length}`, { where: `${source}:${i + 1}`, hint: 'every row needs one number per channel' });
    }
    for (let c = 0; c < cells.length; c++) {
      const s = cells[c].trim();
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : Number.NaN;
      if (!Number.isFinite(v)) {
        throw new MedfedError(ErrorCodes.DATA_INVALID, `${source}:${i + 1}:${c + 1}: "${s}" in column ${header[c]} is not a number`, {
          where: `${source}:${i + 1}:${c + 1}`,
          hint: 'signal CSVs hold one number per cell; gaps must be filled before reading',
        });
      }
      data[c][i - 1] = v;
    }
  }
  const channels: SignalChannel[] = header.map((label, c) => {
    let lo = Infinity, hi = -Infinity;
    for (const v of data[c]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // A CSV has no declared ranges: the observed range stands for both.
    return { label, transducer: '', physicalDimension: unitOf(label), physicalMin: lo, physicalMax: hi, digitalMin: lo, digitalMax: hi, prefiltering: '', samplesPerRecord: 1, sampleRate, samples: data[c] };
  });
  return { source, format: 'CSV', patient: '', recording: '', start: '', recordCount: n, recordDuration: 1 / sampleRate, durationSeconds: n / sampleRate, channels, annotations: [], warnings: [] };
}

/** Reads EDF, GDF or CSV by content; a CSV's rate comes from `options.sampleRate` or its file name. */
export function parseSignalFile(bytes: Uint8Array, source: string, options: { sampleRate?: number } = {}): SignalRecording {
  const format = signalFormatOf(bytes);
  if (format === 'edf') return parseEdf(bytes, source);
  if (format === 'gdf') return parseGdf(bytes, source);
  const rate = options.sampleRate ?? rateFromFileName(source);
  if (rate === undefined) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${source}: a CSV signal has no sampling rate in it and none was given`, {
      where: source,
      hint: 'pass --rate HZ (or name the file …_360hz.csv)',
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${source} is neither EDF ("0" header), GDF ("GDF " header) nor UTF-8 CSV text`, {
      where: `${source} byte 0`,
      hint: 'medfed signals reads EDF/EDF+, GDF 1.x and single-column CSV signals',
      cause: e,
    });
  }
  return parseSignalCsv(text, source, rate);
}
