import type { Command } from 'commander';
import { loadStudySpec } from '../../node/load-study-spec.js';
import { packagePath } from '../../node/tool-version.js';
import { runStudyToDirectory } from '../run-study-command.js';

export const DEMO_SPEC = 'examples/heart/study.yaml';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Heart-disease study on bundled real data (UCI Statlog Heart): 4 clinics split by Dirichlet label skew, ' +
        'logistic regression and an MLP, FedAvg, FedProx, FedYogi and SCAFFOLD against pooled and local-only training',
    )
    .option('-o, --out <dir>', 'write results.json, report.html and final models here', 'out/demo')
    .option('-q, --quiet', 'no progress output')
    .action(async (opts: { out: string; quiet?: boolean }) => {
      await runStudyToDirectory(loadStudySpec(packagePath(DEMO_SPEC)), opts);
    });
}
