import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { startCoordinator } from '../../node/coordinator-server.js';

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${flag} must be a whole number, got "${v}"`, { where: flag });
  return n;
}

export function registerCoordinatorCommand(program: Command): void {
  const coordinator = program.command('coordinator').description('Run the federation coordinator (gRPC with mutual TLS, job engine)');
  coordinator
    .command('start')
    .description('Start the coordinator: sites and admins connect to it with their startup kits')
    .requiredOption('--kit <dir>', "the coordinator's startup kit (kits/coordinator)")
    .requiredOption('--data-dir <dir>', 'where the job database, checkpoints, results and the audit log live')
    .option('--port <n>', "port to listen on (default: the kit's; 0: any free port)")
    .option('--host <addr>', 'address to listen on', '0.0.0.0')
    .option('--heartbeat-ms <n>', 'heartbeat interval', '5000')
    .option('--heartbeat-timeout-ms <n>', 'a site silent this long is disconnected', '20000')
    .option('--wait-for-sites-ms <n>', 'how long a starting job waits for its quorum of sites', '600000')
    .action(async (opts: { kit: string; dataDir: string; port?: string; host: string; heartbeatMs: string; heartbeatTimeoutMs: string; waitForSitesMs: string }) => {
      const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
      const c = await startCoordinator({
        kitDir: opts.kit,
        dataDir: opts.dataDir,
        host: opts.host,
        port: opts.port === undefined ? undefined : positiveInt(opts.port, '--port'),
        heartbeat: { intervalMs: positiveInt(opts.heartbeatMs, '--heartbeat-ms'), timeoutMs: positiveInt(opts.heartbeatTimeoutMs, '--heartbeat-timeout-ms') },
        waitForSitesMs: positiveInt(opts.waitForSitesMs, '--wait-for-sites-ms'),
        log,
      });
      log(`coordinator listening on ${opts.host}:${c.port} (mTLS); audit log ${c.auditLog}`);
      // Machine-readable line for scripts and tests that start the coordinator on port 0.
      process.stdout.write(`MEDFED_COORDINATOR_PORT=${c.port}\n`);
      const stop = () => {
        log('shutting down; running jobs resume at the next start');
        void c.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
