import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { encodeSafetensors } from '../core/safetensors.js';
import type { Results } from '../report/results-schema.js';
import { renderReport } from '../report/html.js';
import type { RunOutcome } from '../simulator/run-outcome.js';

/**
 * Writes a finished study: results.json, report.html and models/<run>.safetensors. Everything is
 * written to a staging folder first and moved into place at the end, so a failed or interrupted
 * run never leaves files that look complete.
 */
export function writeStudyOutput(outDir: string, results: Results, runs: readonly RunOutcome[]): { results: string; report: string } {
  const staging = join(outDir, `.staging-${process.pid}`);
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(join(staging, 'models'), { recursive: true });
    for (const run of runs) {
      const file = `${run.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.safetensors`;
      // No metadata: the file's sha256 is the run's finalWeightsSha256.
      writeFileSync(join(staging, 'models', file), encodeSafetensors(run.weights));
    }
    writeFileSync(join(staging, 'report.html'), renderReport(results));
    writeFileSync(join(staging, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    rmSync(join(outDir, 'models'), { recursive: true, force: true });
    renameSync(join(staging, 'models'), join(outDir, 'models'));
    renameSync(join(staging, 'report.html'), join(outDir, 'report.html'));
    renameSync(join(staging, 'results.json'), join(outDir, 'results.json'));
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write the study output to ${outDir}: ${(e as Error).message}`, {
      where: outDir,
      cause: e,
      hint: 'check that the folder is writable and the disk has space',
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { results: join(outDir, 'results.json'), report: join(outDir, 'report.html') };
}
