import type { Command } from 'commander';
import { loadStudySpec } from '../../node/load-study-spec.js';
import { runStudyToDirectory } from '../run-study-command.js';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Run a study spec (YAML) in the simulator: every site in a worker thread, every strategy and baseline')
    .argument('<spec>', 'study spec file (YAML); see docs/job-spec.md')
    .requiredOption('-o, --out <dir>', 'write results.json, report.html and final models here')
    .option('-q, --quiet', 'no progress output')
    .option('--rounds <n>', 'override federation.rounds', (v) => Number.parseInt(v, 10))
    .action(async (specFile: string, opts: { out: string; quiet?: boolean; rounds?: number }) => {
      const loaded = loadStudySpec(specFile);
      await runStudyToDirectory(loaded, opts);
    });
}
