import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { ErrorCodes, MedfedError } from '../core/errors.js';

function write(path: string, text: string, mode: number): void {
  try {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode); // the umask may have narrowed or widened the create mode
    renameSync(tmp, path);
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write ${path}: ${(e as Error).message}`, { where: path, cause: e });
  }
}

/** A private key or other secret: owner read/write only (0600), written atomically. */
export function writeSecretFile(path: string, text: string): void {
  write(path, text, 0o600);
}

/** A certificate, CRL or config: world-readable (0644), written atomically. */
export function writePublicFile(path: string, text: string): void {
  write(path, text, 0o644);
}

/** A directory only its owner can enter (0700): the CA folder and every kit. */
export function makePrivateDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create the folder ${path}: ${(e as Error).message}`, { where: path, cause: e });
  }
}
