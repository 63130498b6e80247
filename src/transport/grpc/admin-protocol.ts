import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { formatZodIssues } from '../../core/zod-errors.js';

/**
 * Admin calls (job submit, list, status, abort, logs; download): one JSON document each way,
 * length-capped and schema-checked on both ends.
 */
export const maxAdminRequestBytes = 8 * 1024 * 1024;

const jobId = z.string().min(1).max(256);

export const adminRequestSchema = z.discriminatedUnion('op', [
  /** `spec`: the job spec file's text (its schema is inline, it names no other file). */
  z.strictObject({ op: z.literal('submit'), spec: z.string().min(1) }),
  z.strictObject({ op: z.literal('list') }),
  z.strictObject({ op: z.literal('status'), jobId }),
  z.strictObject({ op: z.literal('abort'), jobId }),
  z.strictObject({ op: z.literal('logs'), jobId, since: z.number().int().nonnegative().optional() }),
]);
export type AdminRequest = z.input<typeof adminRequestSchema>;
export type ParsedAdminRequest = z.output<typeof adminRequestSchema>;

export const downloadRequestSchema = z.strictObject({ jobId });

const serializedError = z.strictObject({
  code: z.enum(Object.values(ErrorCodes) as [string, ...string[]]),
  message: z.string(),
  where: z.string().optional(),
  hint: z.string().optional(),
});

export const adminReplySchema = z.union([
  z.strictObject({ ok: z.literal(true), result: z.json() }),
  z.strictObject({ ok: z.literal(false), error: serializedError }),
]);
export type AdminReply = z.output<typeof adminReplySchema>;

/** One file of a download: its header announces the path and size (blob 0), chunks follow. */
export const downloadFileHeaderSchema = z.strictObject({
  id: z.number().int().nonnegative().max(0xffffffff),
  blobs: z.array(z.number().int().nonnegative()).length(1),
  body: z.strictObject({ path: z.string().min(1).max(512) }),
});
export type DownloadFileHeader = z.output<typeof downloadFileHeaderSchema>;

/** Parse a JSON document against a schema; FORMAT_INVALID naming what is wrong. */
export function parseJsonDocument<S extends z.ZodType>(bytes: Uint8Array, schema: S, what: string, maxBytes: number): z.output<S> {
  if (bytes.byteLength > maxBytes) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${what} of ${bytes.byteLength} bytes exceeds ${maxBytes}`);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (e) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${what} is not JSON: ${(e as Error).message}`);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${what} does not fit the protocol: ${formatZodIssues(r.error)}`);
  return r.data;
}

/** A relative path inside a download folder: no absolute paths, no "..", no odd characters. */
export function safeRelativePath(p: string): boolean {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && /^[A-Za-z0-9._@+-]+$/.test(part));
}
