import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { EMPTY_AUDIT_HEAD, headAfter, nextAuditEntry, type AuditHead } from '../audit/chain.js';
import { auditEntrySchema, type AuditEntry } from '../audit/entry.js';
import type { AuditEvent } from '../audit/events.js';
import { auditPublicKey } from '../audit/keys.js';
import { auditSignatureValid } from '../audit/sign.js';
import { acquireAuditLock, releaseAuditLock } from './audit-lock.js';

export interface AuditWriterOptions {
  /** The id of this node (coordinator or site); every entry carries it. */
  node: string;
  /** The node's 32-byte Ed25519 private key. */
  privateKey: Uint8Array;
  /** Clock in epoch milliseconds (default Date.now). */
  now?: () => number;
}

/**
 * The append-only audit log of one node. Opening an existing log continues its chain from
 * the last line (seq and prev), after checking that line is intact and signed by this node's
 * key; a tampered or cut-off end is refused. Each entry is appended with one write and then
 * fsync'ed, so an entry that `append` returned is on disk. Nothing is ever rewritten.
 * One writer per file: a `<log>.lock` file holds the writer's pid.
 */
export class AuditLogWriter {
  private head: AuditHead;
  private fd: number | null;
  private failure: unknown = null;

  private constructor(readonly path: string, private readonly opts: AuditWriterOptions, fd: number, head: AuditHead) {
    this.fd = fd;
    this.head = head;
  }

  static open(path: string, opts: AuditWriterOptions): AuditLogWriter {
    const publicKey = auditPublicKey(opts.privateKey);
    acquireAuditLock(path);
    try {
      const created = !existsSync(path);
      const fd = openSync(path, 'a+', 0o640);
      if (created) syncDirectory(dirname(path));
      try {
        const last = readLastLine(fd, path);
        const head = last === null ? EMPTY_AUDIT_HEAD : headAfter(checkLastEntry(last, path, opts.node, publicKey));
        return new AuditLogWriter(path, opts, fd, head);
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    } catch (e) {
      releaseAuditLock(path);
      throw e;
    }
  }

  /** The seq the next entry will get. */
  get nextSeq(): number {
    return this.head.nextSeq;
  }

  /** The hash of the last entry written (64 zeros for an empty log): the value to anchor. */
  get headHash(): string {
    return this.head.prev;
  }

  /** Sign and append one event; returns the entry once it is durably on disk. */
  append(event: AuditEvent): AuditEntry {
    if (this.fd === null) throw new MedfedError(ErrorCodes.INTERNAL, `audit log ${this.path} is closed`, { where: this.path });
    if (this.failure !== null) {
      throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `audit log ${this.path} had a failed write; no further entries are appended`, {
        where: this.path, hint: 'check the disk, run "medfed audit verify" on the log and restart the node', cause: this.failure,
      });
    }
    const next = nextAuditEntry(this.head, this.opts.node, event, (this.opts.now ?? Date.now)(), this.opts.privateKey);
    try {
      appendFileSync(this.fd, next.line, 'utf8');
      fsyncSync(this.fd);
    } catch (e) {
      this.failure = e;
      throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `could not append to audit log ${this.path}: ${(e as Error).message}`, { where: this.path, cause: e });
    }
    this.head = next.head;
    return next.entry;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    releaseAuditLock(this.path);
  }
}

/** Open (or create) a node's audit log for appending. */
export function openAuditLog(path: string, opts: AuditWriterOptions): AuditLogWriter {
  return AuditLogWriter.open(path, opts);
}

/** Read a whole log file as text (for verification and export). */
export function readAuditLogText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `cannot read audit log ${path}: ${(e as Error).message}`, { where: path, hint: 'check the path', cause: e });
  }
}

function tampered(path: string, message: string): MedfedError {
  return new MedfedError(ErrorCodes.AUDIT_TAMPERED, message, {
    where: `${path} (last line)`,
    hint: `run "medfed audit verify ${path} --keys KEYS" to see what is wrong; keep this file as evidence and start a new log file`,
  });
}

function checkLastEntry(line: string, path: string, node: string, publicKey: string): AuditEntry {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw tampered(path, `the last line of audit log ${path} is not valid JSON: refusing to append`);
  }
  const r = auditEntrySchema.safeParse(data);
  if (!r.success) throw tampered(path, `the last line of audit log ${path} is not a valid audit entry (${formatZodIssues(r.error)}): refusing to append`);
  const entry = r.data as AuditEntry;
  if (entry.node !== node) throw tampered(path, `the last entry of audit log ${path} (seq ${entry.seq}) belongs to node "${entry.node}", not "${node}": refusing to append`);
  if (!auditSignatureValid(entry, publicKey)) {
    throw tampered(path, `the last entry of audit log ${path} (seq ${entry.seq}) fails its signature check with this node's key: it was edited, or the key is not the one that wrote the log; refusing to append`);
  }
  return entry;
}

/** The last line of the file without its newline; null for an empty file. Reads only the tail. */
function readLastLine(fd: number, path: string): string | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  const chunk = 64 * 1024;
  const parts: Buffer[] = [];
  let pos = size;
  let text = '';
  while (pos > 0) {
    const len = Math.min(chunk, pos);
    pos -= len;
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, pos);
    parts.unshift(buf);
    text = Buffer.concat(parts).toString('utf8');
    if (!text.endsWith('\n')) throw tampered(path, `audit log ${path} does not end with a line end: its last entry was cut off; refusing to append`);
    if (text.lastIndexOf('\n', text.length - 2) >= 0) break;
  }
  return text.slice(text.lastIndexOf('\n', text.length - 2) + 1, -1);
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file's own fsync still holds.
  }
}
