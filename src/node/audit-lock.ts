import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * One writer per audit log: `<log>.lock` holds the writer's pid, created exclusively. A lock
 * left by a process that no longer runs (a crash) is taken over.
 */
export function acquireAuditLock(logPath: string): void {
  const lock = `${logPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create lock file ${lock}: ${(e as Error).message}`, { where: lock, cause: e });
      }
      const holder = Number.parseInt(readText(lock), 10);
      if (Number.isInteger(holder) && holder !== process.pid && processRuns(holder)) {
        throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `audit log ${logPath} is already open for writing by process ${holder}`, {
          where: lock, hint: 'run one node per audit log; if that process is not a medfed node, delete the lock file',
        });
      }
      if (holder === process.pid) {
        throw new MedfedError(ErrorCodes.INTERNAL, `audit log ${logPath} is already open in this process`, { where: lock, hint: 'close the first writer before opening another' });
      }
      rmSync(lock, { force: true });
    }
  }
  throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `could not take the lock ${lock}`, { where: lock });
}

export function releaseAuditLock(logPath: string): void {
  rmSync(`${logPath}.lock`, { force: true });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
