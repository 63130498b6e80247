import { Command } from 'commander';
import { asMedfedError } from '../../src/core/errors.js';
import { registerCoordinatorCommand } from '../../src/cli/commands/coordinator.js';
import { registerJobCommand } from '../../src/cli/commands/job.js';
import { registerSiteCommand } from '../../src/cli/commands/site.js';

/**
 * The network commands as the integration tests run them (the same register functions that
 * src/cli/main.ts uses), so these tests do not depend on which other commands main.ts has.
 */
const program = new Command().name('medfed').exitOverride();
registerCoordinatorCommand(program);
registerSiteCommand(program);
registerJobCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`medfed: ${asMedfedError(e).describe()}\n`);
  process.exitCode = 2;
}
