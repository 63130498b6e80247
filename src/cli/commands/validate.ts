import type { Command } from 'commander';
import { loadStudySpec } from '../../node/load-study-spec.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check a study spec without running it: YAML, every field, strategy names and options')
    .argument('<spec>', 'study spec file (YAML)')
    .action((specFile: string) => {
      const { spec } = loadStudySpec(specFile);
      process.stdout.write(
        `${specFile}: valid — ${spec.models.length} model(s), strategies ${spec.strategies.map((s) => s.label ?? s.name).join(', ')}, ` +
          `baselines ${spec.baselines.join(', ') || 'none'}, ${spec.federation.rounds} rounds\n`,
      );
    });
}
