import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * Bulk streams: the tensor bytes (blobs) of a message travel on a plain HTTP/2 stream of the
 * coordinator's mTLS server, next to the site's Connect stream, instead of in CHUNK frames on it.
 * The Connect stream still carries the message's HEADER frame (schema-checked, blob sizes
 * announced and checked against the wire limits first); the bulk stream carries only the blobs'
 * bytes, concatenated in blob order. The site opens every bulk stream (outbound only):
 *   GET  `bulkPath` with `bulkTokenHeader`: the blobs of a request the coordinator announced
 *        with `bulk: token` in its header;
 *   POST `bulkPath` with `bulkTokenHeader`: the blobs of the site's reply, with the token the
 *        request carried as `upload` (echoed as `bulk` in the reply's header).
 * Each token is random, one-time, issued on one site's Connect stream, and valid only on a
 * stream whose client certificate names that site (bulk-router.ts).
 */
export const bulkPath = '/medfed.v1.Bulk/Transfer';
export const bulkTokenHeader = 'medfed-bulk-token';

/** 24 random bytes, base64url: 32 characters. */
export const bulkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'a bulk token is 32 base64url characters');

export function newBulkToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Views of at most this many bytes are handed to the HTTP/2 stream per write. */
const writeBytes = 4 * 1024 * 1024;

/** Write the blobs to `out` as views (no copy), waiting for 'drain' whenever the stream is full. */
export async function writeBlobs(out: Writable, blobs: readonly Uint8Array[]): Promise<void> {
  for (const blob of blobs) {
    for (let off = 0; off < blob.byteLength; off += writeBytes) {
      if (out.destroyed) throw new MedfedError(ErrorCodes.SITE_FAILURE, 'the bulk stream closed while a message was being sent');
      if (!out.write(blob.subarray(off, Math.min(blob.byteLength, off + writeBytes)))) await drained(out);
    }
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new MedfedError(ErrorCodes.SITE_FAILURE, 'the bulk stream closed while a message was being sent'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

function refuse(message: string): MedfedError {
  return new MedfedError(ErrorCodes.FORMAT_INVALID, message, { where: 'medfed bulk stream' });
}

/**
 * Read a bulk stream carrying blobs of the given sizes (concatenated) and hand each received
 * piece to `piece(blob, offset, bytes)` (a view into what HTTP/2 delivered: use it during the
 * call). Resolves once every announced byte arrived and the stream ended; rejects with
 * FORMAT_INVALID when the stream carries more bytes than announced or ends short of them, and
 * with whatever `piece` throws (the stream is destroyed then).
 */
export function readBlobs(stream: Readable, sizes: readonly number[], piece: (blob: number, offset: number, bytes: Uint8Array) => void): Promise<void> {
  const total = sizes.reduce((a, b) => a + b, 0);
  let blob = 0;
  let offset = 0;
  let received = 0;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      reject(e);
    };
    stream.on('data', (buf: Uint8Array) => {
      if (settled) return;
      try {
        if (received + buf.byteLength > total) throw refuse(`the bulk stream carries more than the ${total} bytes announced`);
        let pos = 0;
        while (pos < buf.byteLength) {
          while (offset === sizes[blob]) {
            blob++;
            offset = 0;
          }
          const n = Math.min(buf.byteLength - pos, sizes[blob] - offset);
          piece(blob, offset, buf.subarray(pos, pos + n));
          offset += n;
          pos += n;
        }
        received += buf.byteLength;
      } catch (e) {
        fail(e as Error);
      }
    });
    stream.on('end', () => {
      if (settled) return;
      if (received !== total) return fail(refuse(`the bulk stream ended after ${received} of the ${total} bytes announced`));
      settled = true;
      resolve();
    });
    stream.on('error', (e: Error) => fail(refuse(`the bulk stream failed after ${received} of ${total} bytes: ${e.message}`)));
    stream.on('close', () => fail(refuse(`the bulk stream closed after ${received} of ${total} bytes`)));
  });
}
