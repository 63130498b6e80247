import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * Write a file so that a crash leaves either the old file or the complete new one, never a part:
 * write a temporary file beside it, fsync it, rename it over the target, then fsync the folder
 * so the rename itself is durable.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dir);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write ${path}: ${(e as Error).message}`, {
      where: path,
      cause: e,
      hint: 'check that the folder is writable and the disk has space',
    });
  }
}

/** fsync a folder (its entries); a no-op where the platform cannot open folders (Windows). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Folders cannot be fsync'ed on every platform; the file itself was.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
