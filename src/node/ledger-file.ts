import { readFile } from 'node:fs/promises';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { LedgerStorage } from '../privacy/ledger/types.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * A site's privacy ledger in a file (DATA_DIR/privacy-ledger.json): read whole, written whole
 * atomically (a crash leaves the old ledger or the new one, never a part). A missing file is a
 * new ledger; any other read failure is an error (never start over: the budget would reset).
 */
export function fileLedgerStorage(path: string): LedgerStorage {
  return {
    load: async () => {
      try {
        return await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the privacy ledger ${path}: ${(e as Error).message}`, {
          where: path,
          cause: e,
          hint: 'check the file permissions of the site data folder; do not delete the ledger (its budget would start over)',
        });
      }
    },
    save: async (json) => writeFileAtomic(path, `${json}\n`),
  };
}
