import { readFile } from 'node:fs/promises';
import { ErrorCodes, MedfedError } from '../core/errors.js';

function unreadable(path: string, e: unknown): MedfedError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
  return new MedfedError(ErrorCodes.DATA_UNREADABLE, `data file ${path} ${why}`, {
    where: path,
    hint: 'check the path (relative paths are resolved from the working directory)',
    cause: e,
  });
}

/** The bytes of a data file, or DATA_UNREADABLE naming it (missing, a directory, no permission). */
export async function readDataBytes(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/** The UTF-8 text of a data file, or DATA_UNREADABLE naming it. */
export async function readDataText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw unreadable(path, e);
  }
}
