import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { SignalAnnotation, SignalChannel, SignalRecording } from './types.js';
import { channelOf, type ChannelHeader } from './channel.js';

/**
 * GDF 1.x reader (Schlögl's General Data Format, the layout BioSig writes as "GDF 1.25"),
 * isomorphic. Fixed header (256 bytes, binary little endian): version "GDF 1.xx", patient (80),
 * recording (80), start "YYYYMMDDhhmmsscc" (16), header bytes int64 at 184, equipment/lab/
 * technician ids, number of records int64 at 236, record duration uint32 numerator/denominator at
 * 244, number of signals uint32 at 252. Then 256 bytes per signal, field by field: label 16,
 * transducer 80, physical dimension 8, physical min/max float64, digital min/max int64,
 * prefiltering 80, samples per record uint32, GDF type uint32, reserved 32. Data records follow;
 * after them an optional event table (mode 1: positions + types; mode 3: + channels + durations).
 * GDF 2.x and 3.x lay out the fixed and signal headers differently and are refused with an error
 * naming the version.
 */

/** GDF data types: code → [name, bytes]. */
const GDF_TYPES: Record<number, readonly [string, number]> = {
  1: ['int8', 1],
  2: ['uint8', 1],
  3: ['int16', 2],
  4: ['uint16', 2],
  5: ['int32', 4],
  6: ['uint32', 4],
  16: ['float32', 4],
  17: ['float64', 8],
};

function invalid(source: string, where: string, message: string, hint: string): MedfedError {
  return new MedfedError(ErrorCodes.DATA_INVALID, `${source}: ${message}`, { where: `${source} ${where}`, hint });
}

const HINT = 'the file is not a valid GDF 1.x file (truncated or edited): re-export it, e.g. with BioSig (save2gdf)';

function latin1(bytes: Uint8Array): string {
  // GDF text fields carry no declared encoding; BioSig writes Latin-1 (e.g. "µV" as 0xB5 0x56).
  return String.fromCharCode(...bytes).replace(/\0+$/, '').trim();
}

/** Parses a GDF 1.x file's bytes; `source` (a path) names the file in errors. */
export function parseGdf(bytes: Uint8Array, source: string): SignalRecording {
  if (bytes.length < 256) throw invalid(source, `(length ${bytes.length})`, `file is ${bytes.length} bytes, shorter than the 256-byte GDF header`, HINT);
  const version = String.fromCharCode(...bytes.subarray(0, 8));
  const m = /^GDF ([0-9])\.([0-9]{2})$/.exec(version);
  if (!m) throw invalid(source, 'byte 0', `version field is "${latin1(bytes.subarray(0, 8))}", not "GDF x.yy"`, HINT);
  if (m[1] !== '1') {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${source}: ${version} is not supported: medfed reads GDF 1.x only (GDF 2.x/3.x use another header layout)`, {
      where: `${source} byte 0`,
      hint: 'convert the file to EDF or GDF 1.25, e.g. with BioSig: save2gdf -f=EDF FILE OUT.edf',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const int64 = (o: number, field: string): number => {
    const v = view.getBigInt64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw invalid(source, `byte ${o}`, `${field} is ${v}, out of range`, HINT);
    return Number(v);
  };
  const headerBytes = int64(184, 'number of header bytes');
  const recordCountRaw = int64(236, 'number of data records');
  const durNum = view.getUint32(244, true);
  const durDen = view.getUint32(248, true);
  const ns = view.getUint32(252, true);
  if (ns < 1 || ns > 65535) throw invalid(source, 'byte 252', `number of signals is ${ns}`, HINT);
  if (headerBytes !== 256 * (ns + 1)) {
    throw invalid(source, 'byte 184', `header byte count is ${headerBytes} but ${ns} signals need 256 × (${ns} + 1) = ${256 * (ns + 1)}`, HINT);
  }
  if (bytes.length < headerBytes) throw invalid(source, `(length ${bytes.length})`, `file is ${bytes.length} bytes, shorter than its ${headerBytes}-byte header`, HINT);
  if (durDen === 0 || durNum === 0) throw invalid(source, 'byte 244', `duration of a data record is ${durNum}/${durDen} s`, HINT);
  const recordDuration = durNum / durDen;

  let o = 256;
  const field = (size: number) => {
    const starts = Array.from({ length: ns }, (_, s) => o + s * size);
    o += size * ns;
    return starts;
  };
  const fLabel = field(16), fTrans = field(80), fDim = field(8), fPmin = field(8), fPmax = field(8), fDmin = field(8), fDmax = field(8), fPre = field(80), fSpr = field(4), fType = field(4);
  interface Header extends ChannelHeader { type: number }
  const headers: Header[] = [];
  for (let s = 0; s < ns; s++) {
    const label = latin1(bytes.subarray(fLabel[s], fLabel[s] + 16));
    const h: Header = {
      label,
      transducer: latin1(bytes.subarray(fTrans[s], fTrans[s] + 80)),
      dim: latin1(bytes.subarray(fDim[s], fDim[s] + 8)),
      pmin: view.getFloat64(fPmin[s], true),
      pmax: view.getFloat64(fPmax[s], true),
      dmin: int64(fDmin[s], `signal ${s + 1} digital minimum`),
      dmax: int64(fDmax[s], `signal ${s + 1} digital maximum`),
      prefilter: latin1(bytes.subarray(fPre[s], fPre[s] + 80)),
      spr: view.getUint32(fSpr[s], true),
      type: view.getUint32(fType[s], true),
    };
    const name = `signal ${s + 1} ("${label}")`;
    if (h.dmin >= h.dmax) throw invalid(source, `byte ${fDmin[s]}`, `${name}: digital minimum ${h.dmin} is not below digital maximum ${h.dmax}`, HINT);
    if (!Number.isFinite(h.pmin) || !Number.isFinite(h.pmax) || h.pmin === h.pmax) {
      throw invalid(source, `byte ${fPmin[s]}`, `${name}: physical range ${h.pmin}..${h.pmax} cannot scale values`, HINT);
    }
    if (h.spr < 1) throw invalid(source, `byte ${fSpr[s]}`, `${name}: samples per record is ${h.spr}`, HINT);
    if (!GDF_TYPES[h.type]) {
      throw invalid(source, `byte ${fType[s]}`, `${name}: GDF data type ${h.type} is not supported (medfed reads ${Object.entries(GDF_TYPES).map(([k, [n]]) => `${k} ${n}`).join(', ')})`, 'convert the file with BioSig to int16 or float32 channels');
    }
    headers.push(h);
  }

  const recordBytes = headers.reduce((a, h) => a + GDF_TYPES[h.type][1] * h.spr, 0);
  const dataBytes = bytes.length - headerBytes;
  let recordCount = recordCountRaw;
  if (recordCount === -1) {
    // Unknown count: no event table can be told apart from data, so the data must fill the file.
    if (dataBytes % recordBytes !== 0) {
      throw invalid(source, 'byte 236', `number of data records is -1 (unknown) and the ${dataBytes} data bytes are not a whole number of ${recordBytes}-byte records`, HINT);
    }
    recordCount = dataBytes / recordBytes;
  } else if (recordCount < 0) throw invalid(source, 'byte 236', `number of data records is ${recordCount}`, HINT);
  if (dataBytes < recordCount * recordBytes) {
    const whole = Math.floor(dataBytes / recordBytes);
    throw invalid(source, `byte ${headerBytes + whole * recordBytes}`, `header says ${recordCount} data records of ${recordBytes} bytes but only ${whole} whole records (and ${dataBytes - whole * recordBytes} bytes) are present`, 'the file was cut short: copy it again from the source');
  }

  const channels: SignalChannel[] = [];
  let signalOffset = 0;
  for (const h of headers) {
    const [typeName, size] = GDF_TYPES[h.type];
    const read = reader(view, typeName);
    const samples = new Float64Array(recordCount * h.spr);
    const scale = (h.pmax - h.pmin) / (h.dmax - h.dmin);
    for (let r = 0; r < recordCount; r++) {
      const start = headerBytes + r * recordBytes + signalOffset;
      for (let k = 0; k < h.spr; k++) samples[r * h.spr + k] = (read(start + size * k) - h.dmin) * scale + h.pmin;
    }
    channels.push(channelOf(h, recordDuration, samples));
    signalOffset += size * h.spr;
  }

  const eventStart = headerBytes + recordCount * recordBytes;
  const annotations = eventStart < bytes.length ? parseEventTable(bytes, view, eventStart, source, channels[0].sampleRate) : [];
  return {
    source,
    format: version,
    patient: latin1(bytes.subarray(8, 88)),
    recording: latin1(bytes.subarray(88, 168)),
    start: latin1(bytes.subarray(168, 184)),
    recordCount,
    recordDuration,
    durationSeconds: recordCount * recordDuration,
    channels,
    annotations,
    warnings: [],
  };
}

function reader(view: DataView, type: string): (o: number) => number {
  switch (type) {
    case 'int8': return (o) => view.getInt8(o);
    case 'uint8': return (o) => view.getUint8(o);
    case 'int16': return (o) => view.getInt16(o, true);
    case 'uint16': return (o) => view.getUint16(o, true);
    case 'int32': return (o) => view.getInt32(o, true);
    case 'uint32': return (o) => view.getUint32(o, true);
    case 'float32': return (o) => view.getFloat32(o, true);
    default: return (o) => view.getFloat64(o, true);
  }
}

/**
 * GDF 1.x event table: mode byte, event sample rate (uint24; 0 = the signals' rate), number of
 * events (uint32), positions (uint32, samples from the start), types (uint16), and for mode 3
 * channels (uint16) and durations (uint32, samples). Each event becomes an annotation whose text is
 * its type code in decimal (e.g. 769 = left-hand cue, 770 = right-hand cue in BCI recordings).
 */
function parseEventTable(bytes: Uint8Array, view: DataView, start: number, source: string, signalRate: number): SignalAnnotation[] {
  const left = bytes.length - start;
  const bad = (msg: string) => invalid(source, `byte ${start}`, `event table at offset ${start}: ${msg}`, HINT);
  if (left < 8) throw bad(`${left} bytes follow the data records, too few for an event table header (8)`);
  const mode = bytes[start];
  if (mode !== 1 && mode !== 3) throw bad(`mode is ${mode}; GDF 1.x event tables have mode 1 or 3`);
  const rateField = bytes[start + 1] | (bytes[start + 2] << 8) | (bytes[start + 3] << 16);
  const rate = rateField === 0 ? signalRate : rateField;
  const n = view.getUint32(start + 4, true);
  const per = mode === 1 ? 6 : 12;
  if (left !== 8 + n * per) throw bad(`${n} mode-${mode} events need ${8 + n * per} bytes but ${left} follow the data records`);
  const pos = start + 8;
  const typ = pos + 4 * n;
  const dur = typ + 4 * n; // mode 3: channels (2n bytes) at typ + 2n, durations after them
  const out: SignalAnnotation[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      onset: view.getUint32(pos + 4 * i, true) / rate,
      duration: mode === 3 ? view.getUint32(dur + 4 * i, true) / rate : null,
      text: String(view.getUint16(typ + 2 * i, true)),
    });
  }
  return out;
}
