// A minimal medfed program holding only the audit command, run as a child process by
// cli.test.ts to check exit statuses; error handling mirrors src/cli/main.ts.
import { Command } from 'commander';
import { MedfedError, asMedfedError } from '../../src/core/errors.js';
import { registerAuditCommand } from '../../src/cli/commands/audit.js';

const program = new Command().name('medfed').showHelpAfterError();
registerAuditCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = asMedfedError(e);
  process.stderr.write(`\nmedfed: ${err.describe()}\n`);
  if (!(e instanceof MedfedError) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 2;
}
