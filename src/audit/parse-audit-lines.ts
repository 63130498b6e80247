import { formatZodIssues } from '../core/zod-errors.js';
import { auditEnvelopeSchema, type AuditEntry } from './entry.js';
import { auditEventSchema } from './events.js';
import type { AuditProblem } from './verify-types.js';

/** One line of a log after parsing. */
export interface ParsedAuditLine {
  line: number;
  raw: string;
  /** The envelope parsed (seq, ts, node, prev, sig valid); the event may still be bad. */
  entry: AuditEntry | null;
  /** True when the event fits its kind's schema too. */
  eventValid: boolean;
  /** Why the event does not fit its schema (null when it does). */
  eventError: string | null;
  /** The seq field when it could be read, even from a bad line. */
  seq: number | null;
  /** Set when the line is unreadable (bad JSON, bad envelope, cut off). */
  problem: AuditProblem | null;
}

/**
 * Split a log into lines and parse each. `text` is the file's content; a complete log ends
 * with a newline, so a last line without one was cut off. An array is taken as complete lines.
 */
export function parseAuditLines(input: string | readonly string[]): ParsedAuditLine[] {
  const lines = typeof input === 'string' ? input.split('\n') : [...input, ''];
  const terminated = lines[lines.length - 1] === '';
  const count = terminated ? lines.length - 1 : lines.length;
  const out: ParsedAuditLine[] = [];
  for (let i = 0; i < count; i++) {
    const isLast = i === count - 1;
    out.push(parseLine(lines[i], i + 1, isLast && !terminated));
  }
  return out;
}

function parseLine(raw: string, line: number, cutOff: boolean): ParsedAuditLine {
  const base = { line, raw, entry: null, eventValid: false, eventError: null, seq: null };
  if (raw.trim() === '') return { ...base, problem: { kind: 'malformed', line, seq: null, message: `line ${line} is blank` } };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const seq = readSeq(raw);
    const named = seq === null ? `line ${line}` : `line ${line} (seq ${seq}?)`;
    const problem: AuditProblem = cutOff
      ? { kind: 'truncated', line, seq, message: `${named}, the last line, is cut off (incomplete JSON, no line end): the file was truncated or a write was interrupted` }
      : { kind: 'malformed', line, seq, message: `${named} is not valid JSON (${why})` };
    return { ...base, seq, problem };
  }
  const env = auditEnvelopeSchema.safeParse(data);
  if (!env.success) {
    const seq = readSeq(data);
    return { ...base, seq, problem: { kind: 'malformed', line, seq, message: `line ${line} is not an audit entry: ${formatZodIssues(env.error)}` } };
  }
  const entry = env.data as AuditEntry;
  if (cutOff) {
    return { ...base, entry, seq: entry.seq, problem: { kind: 'truncated', line, seq: entry.seq, message: `line ${line} (seq ${entry.seq}), the last line, has no line end: the file was cut off or a write was interrupted` } };
  }
  const ev = auditEventSchema.safeParse(entry.event);
  return { ...base, entry, seq: entry.seq, eventValid: ev.success, eventError: ev.success ? null : formatZodIssues(ev.error, 'event'), problem: null };
}

/** Best-effort seq of a broken line, so the problem can name it. */
function readSeq(data: unknown): number | null {
  if (typeof data === 'string') {
    const m = /"seq"\s*:\s*(\d+)/.exec(data);
    return m ? Number(m[1]) : null;
  }
  if (data && typeof data === 'object' && 'seq' in data && Number.isInteger((data as { seq: unknown }).seq)) return (data as { seq: number }).seq;
  return null;
}
