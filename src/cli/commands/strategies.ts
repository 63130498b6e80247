import type { Command } from 'commander';
import { listStrategies } from '../../strategies/registry.js';

export function registerStrategiesCommand(program: Command): void {
  program
    .command('strategies')
    .description('List the federated strategies (and baselines) and what they do')
    .action(() => {
      for (const s of listStrategies()) process.stdout.write(`${s.name.padEnd(12)} ${s.description}\n`);
    });
}
