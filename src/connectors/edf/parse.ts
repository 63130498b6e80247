import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SignalAnnotation, SignalChannel, SignalRecording } from './types.js';
import { channelOf, type ChannelHeader } from './channel.js';

/**
 * A strict EDF / EDF+ reader (isomorphic: parses bytes). Layout (EDF spec, Kemp 1992; EDF+ 2003):
 * a 256-byte ASCII header, 256 ASCII bytes per signal (field by field: 16 label, 80 transducer,
 * 8 physical dimension, 8 physical min, 8 physical max, 8 digital min, 8 digital max,
 * 80 prefiltering, 8 samples per record, 32 reserved), then data records holding, signal after
 * signal, samplesPerRecord 16-bit little-endian two's-complement integers. EDF+ "EDF Annotations"
 * signals carry TALs (+onset[\x15duration]\x14text\x14...\x00) that become `annotations`.
 * Any malformed input is DATA_INVALID naming the file and the field or byte offset.
 */
export const EDF_ANNOTATIONS_LABEL = 'EDF Annotations';

const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['samples per record', 8],
  ['reserved', 32],
] as const;

function invalid(source: string, where: string, message: string, hint: string): MedfedError {
  return new MedfedError(ErrorCodes.DATA_INVALID, `${source}: ${message}`, { where: `${source} ${where}`, hint });
}

const NOT_EDF_HINT = 'the file is not a valid EDF/EDF+ file (truncated, edited or written by a faulty exporter): re-export it from the recording software';

/** Parses an EDF or EDF+ file's bytes; `source` (a path) names the file in errors. */
export function parseEdf(bytes: Uint8Array, source: string): SignalRecording {
  if (bytes.length < 256) {
    throw invalid(source, `(length ${bytes.length})`, `file is ${bytes.length} bytes, shorter than the 256-byte EDF header`, NOT_EDF_HINT);
  }
  const text = (offset: number, length: number, field: string): string => {
    for (let i = offset; i < offset + length; i++) {
      const b = bytes[i];
      if (b < 0x20 || b > 0x7e) {
        throw invalid(source, `byte ${i}`, `header field "${field}" holds byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}; EDF headers are printable ASCII (0x20–0x7E)`, NOT_EDF_HINT);
      }
    }
    return String.fromCharCode(...bytes.subarray(offset, offset + length)).trimEnd();
  };
  const integer = (offset: number, length: number, field: string): number => {
    const s = text(offset, length, field).trim();
    if (!/^[+-]?\d+$/.test(s)) throw invalid(source, `byte ${offset}`, `header field "${field}" at offset ${offset} is "${s}", not an integer`, NOT_EDF_HINT);
    return Number.parseInt(s, 10);
  };
  const decimal = (offset: number, length: number, field: string): number => {
    const s = text(offset, length, field).trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw invalid(source, `byte ${offset}`, `header field "${field}" at offset ${offset} is "${s}", not a number`, NOT_EDF_HINT);
    return Number.parseFloat(s);
  };

  const version = text(0, 8, 'version').trim();
  if (version !== '0') throw invalid(source, 'byte 0', `version field is "${version}", EDF requires "0"`, NOT_EDF_HINT);
  const patient = text(8, 80, 'patient').trim();
  const recording = text(88, 80, 'recording').trim();
  const startDate = text(168, 8, 'start date');
  if (!/^\d\d\.\d\d\.\d\d$/.test(startDate)) throw invalid(source, 'byte 168', `start date "${startDate}" is not dd.mm.yy`, NOT_EDF_HINT);
  const startTime = text(176, 8, 'start time');
  if (!/^\d\d\.\d\d\.\d\d$/.test(startTime)) throw invalid(source, 'byte 176', `start time "${startTime}" is not hh.mm.ss`, NOT_EDF_HINT);
  const headerBytes = integer(184, 8, 'number of header bytes');
  const reserved = text(192, 44, 'reserved').trim();
  let recordCount = integer(236, 8, 'number of data records');
  const recordDuration = decimal(244, 8, 'duration of a data record');
  const ns = integer(252, 4, 'number of signals');
  if (ns < 1) throw invalid(source, 'byte 252', `number of signals is ${ns}; at least 1 is required`, NOT_EDF_HINT);
  if (headerBytes !== 256 * (ns + 1)) {
    throw invalid(source, 'byte 184', `header byte count is ${headerBytes} but ${ns} signals need 256 × (${ns} + 1) = ${256 * (ns + 1)}`, NOT_EDF_HINT);
  }
  if (bytes.length < headerBytes) {
    throw invalid(source, `(length ${bytes.length})`, `file is ${bytes.length} bytes, shorter than its ${headerBytes}-byte header (${ns} signals)`, NOT_EDF_HINT);
  }
  const format = reserved.startsWith('EDF+C') ? 'EDF+C' : reserved.startsWith('EDF+D') ? 'EDF+D' : 'EDF';
  const isPlus = format !== 'EDF';

  // Signal headers: field by field, each field repeated ns times.
  const fields: Record<string, { offset: number; length: number }[]> = {};
  let offset = 256;
  for (const [name, length] of SIGNAL_FIELDS) {
    fields[name] = [];
    for (let s = 0; s < ns; s++) {
      fields[name].push({ offset, length });
      offset += length;
    }
  }
  const at = (name: string, s: number) => fields[name][s];
  interface Header extends ChannelHeader { annotations: boolean }
  const headers: Header[] = [];
  for (let s = 0; s < ns; s++) {
    const f = (name: string) => `signal ${s + 1} ${name}`;
    const label = text(at('label', s).offset, 16, f('label')).trim();
    const annotations = isPlus && label === EDF_ANNOTATIONS_LABEL;
    const h: Header = {
      label,
      transducer: text(at('transducer', s).offset, 80, f('transducer')).trim(),
      dim: text(at('physical dimension', s).offset, 8, f('physical dimension')).trim(),
      pmin: decimal(at('physical minimum', s).offset, 8, f('physical minimum')),
      pmax: decimal(at('physical maximum', s).offset, 8, f('physical maximum')),
      dmin: integer(at('digital minimum', s).offset, 8, f('digital minimum')),
      dmax: integer(at('digital maximum', s).offset, 8, f('digital maximum')),
      prefilter: text(at('prefiltering', s).offset, 80, f('prefiltering')).trim(),
      spr: integer(at('samples per record', s).offset, 8, f('samples per record')),
      annotations,
    };
    text(at('reserved', s).offset, 32, f('reserved'));
    const where = (name: string) => `byte ${at(name, s).offset}`;
    if (h.dmin >= h.dmax) {
      throw invalid(source, where('digital minimum'), `signal ${s + 1} ("${label}"): digital minimum ${h.dmin} is not below digital maximum ${h.dmax}`, NOT_EDF_HINT);
    }
    if (h.dmin < -32768 || h.dmax > 32767) {
      throw invalid(source, where('digital minimum'), `signal ${s + 1} ("${label}"): digital range ${h.dmin}..${h.dmax} does not fit 16-bit integers`, NOT_EDF_HINT);
    }
    if (h.pmin === h.pmax && !annotations) {
      throw invalid(source, where('physical minimum'), `signal ${s + 1} ("${label}"): physical minimum equals physical maximum (${h.pmin}), so no value can be scaled`, NOT_EDF_HINT);
    }
    if (h.spr < 1) throw invalid(source, where('samples per record'), `signal ${s + 1} ("${label}"): samples per record is ${h.spr}; at least 1 is required`, NOT_EDF_HINT);
    headers.push(h);
  }

  const recordBytes = headers.reduce((a, h) => a + 2 * h.spr, 0);
  const dataBytes = bytes.length - headerBytes;
  if (recordCount === -1) {
    if (dataBytes % recordBytes !== 0) {
      throw invalid(source, 'byte 236', `number of data records is -1 (unknown) and the ${dataBytes} data bytes are not a whole number of ${recordBytes}-byte records`, NOT_EDF_HINT);
    }
    recordCount = dataBytes / recordBytes;
  } else if (recordCount < 0) {
    throw invalid(source, 'byte 236', `number of data records is ${recordCount}`, NOT_EDF_HINT);
  }
  const expected = recordCount * recordBytes;
  if (dataBytes < expected) {
    const whole = Math.floor(dataBytes / recordBytes);
    const cut = headerBytes + whole * recordBytes;
    throw invalid(
      source,
      `byte ${cut}`,
      dataBytes % recordBytes === 0
        ? `header says ${recordCount} data records of ${recordBytes} bytes but the file holds ${whole}`
        : `data record ${whole + 1} (of ${recordCount}) starting at offset ${cut} is truncated: ${dataBytes - whole * recordBytes} of its ${recordBytes} bytes are present`,
      'the file was cut short (interrupted copy or recording): copy it again from the source',
    );
  }
  if (dataBytes > expected) {
    throw invalid(source, `byte ${headerBytes + expected}`, `${dataBytes - expected} bytes follow the ${recordCount} data records the header declares`, NOT_EDF_HINT);
  }
  const hasOrdinary = headers.some((h) => !h.annotations);
  if (!(recordDuration > 0) && (hasOrdinary || recordDuration < 0)) {
    throw invalid(source, 'byte 244', `duration of a data record is ${recordDuration}; it must be positive when the file holds signals`, NOT_EDF_HINT);
  }

  const warnings: string[] = [];
  if (isPlus && !headers.some((h) => h.annotations)) {
    warnings.push(`${format} file without an "${EDF_ANNOTATIONS_LABEL}" signal (EDF+ requires one): read as plain EDF, no annotations`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const channels: SignalChannel[] = [];
  const annotations: SignalAnnotation[] = [];
  let signalOffset = 0;
  for (let s = 0; s < ns; s++) {
    const h = headers[s];
    if (h.annotations) {
      for (let r = 0; r < recordCount; r++) {
        const start = headerBytes + r * recordBytes + signalOffset;
        annotations.push(...parseTals(bytes.subarray(start, start + 2 * h.spr), source, r, start));
      }
    } else {
      const samples = new Float64Array(recordCount * h.spr);
      const scale = (h.pmax - h.pmin) / (h.dmax - h.dmin);
      let outside = 0;
      for (let r = 0; r < recordCount; r++) {
        const start = headerBytes + r * recordBytes + signalOffset;
        for (let k = 0; k < h.spr; k++) {
          const d = view.getInt16(start + 2 * k, true);
          if (d < h.dmin || d > h.dmax) outside++;
          samples[r * h.spr + k] = (d - h.dmin) * scale + h.pmin;
        }
      }
      if (outside > 0) warnings.push(`signal ${s + 1} ("${h.label}"): ${outside} samples lie outside the digital range ${h.dmin}..${h.dmax} (scaled linearly all the same)`);
      channels.push(channelOf(h, recordDuration, samples));
    }
    signalOffset += 2 * h.spr;
  }
  return {
    source,
    format,
    patient,
    recording,
    start: `${startDate} ${startTime}`,
    recordCount,
    recordDuration,
    durationSeconds: recordCount * recordDuration,
    channels,
    annotations,
    warnings,
  };
}

const ONSET = /^[+-]\d+(\.\d+)?$/;
const DURATION = /^\d+(\.\d+)?$/;

/**
 * The annotations in one record's "EDF Annotations" bytes. Each TAL is
 * +onset[\x15duration]\x14[text\x14]*\x00; the first TAL of a record, with no text, only keeps time
 * (it is not an annotation); the rest of the record is \x00 padding.
 */
export function parseTals(bytes: Uint8Array, source: string, record: number, fileOffset: number): SignalAnnotation[] {
  const out: SignalAnnotation[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < bytes.length && bytes[end] !== 0) end++;
    const bad = (what: string) =>
      invalid(source, `byte ${fileOffset + i}`, `EDF+ annotation (TAL) in data record ${record + 1} at offset ${fileOffset + i}: ${what}`, NOT_EDF_HINT);
    if (end === bytes.length) throw bad('not terminated by a 0 byte');
    const tal = bytes.subarray(i, end);
    const first20 = tal.indexOf(0x14);
    if (first20 < 0) throw bad('no 0x14 byte after the onset');
    if (tal[tal.length - 1] !== 0x14) throw bad('does not end with 0x14 before its 0 byte');
    const time = String.fromCharCode(...tal.subarray(0, first20));
    const [onsetText, durationText, extra] = time.split('\x15');
    if (extra !== undefined || !ONSET.test(onsetText)) throw bad(`onset "${onsetText}" is not +seconds or -seconds`);
    if (durationText !== undefined && !DURATION.test(durationText)) throw bad(`duration "${durationText}" is not a non-negative number of seconds`);
    let texts: string[];
    try {
      texts = decoder.decode(tal.subarray(first20 + 1, tal.length - 1)).split('\x14');
    } catch (e) {
      throw bad('its text is not UTF-8');
    }
    const onset = Number.parseFloat(onsetText);
    const duration = durationText === undefined ? null : Number.parseFloat(durationText);
    for (const t of texts) if (t.length > 0) out.push({ onset, duration, text: t });
    i = end + 1;
  }
  return out;
}
