#!/usr/bin/env node
import { Command } from 'commander';
import { MedfedError, asMedfedError } from '../core/errors.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerStrategiesCommand } from './commands/strategies.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerProvisionCommand } from './commands/provision.js';
import { registerCoordinatorCommand } from './commands/coordinator.js';
import { registerSiteCommand } from './commands/site.js';
import { registerJobCommand } from './commands/job.js';
import { registerFhirCommand } from './commands/fhir.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerRedteamCommand } from './commands/redteam.js';
import { registerImagingCommand } from './commands/imaging.js';
import { registerSignalsCommand } from './commands/signals.js';
import { toolVersion } from '../node/tool-version.js';

const program = new Command();
program
  .name('medfed')
  .description('Federated learning for healthcare and life sciences: sites keep their data, only model updates travel.')
  .version(toolVersion())
  .showHelpAfterError();

registerDemoCommand(program);
registerSimulateCommand(program);
registerValidateCommand(program);
registerStrategiesCommand(program);
registerInspectCommand(program);
registerAuditCommand(program);
registerProvisionCommand(program);
registerCoordinatorCommand(program);
registerSiteCommand(program);
registerJobCommand(program);
registerFhirCommand(program);
registerStatsCommand(program);
registerRedteamCommand(program);
registerImagingCommand(program);
registerSignalsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = asMedfedError(e);
  process.stderr.write(`\nmedfed: ${err.describe()}\n`);
  if (!(e instanceof MedfedError) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 2;
}
