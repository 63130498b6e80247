import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadSiteConfig } from '../../site/agent/site-config.js';
import { startSiteAgent } from '../../site/agent/site-agent.js';
import { addApproval } from '../../site/policy/approvals.js';

export function registerSiteCommand(program: Command): void {
  const site = program.command('site').description("Run a hospital's site agent, and approve jobs for it");
  site
    .command('start')
    .description('Start the site agent: connects out to the coordinator and trains on local data as the site policy allows')
    .requiredOption('--config <file>', 'site.yaml (see docs/deployment.md)')
    .option('--kit <dir>', "the site's startup kit (default: \"kit\" in site.yaml)")
    .action((opts: { config: string; kit?: string }) => {
      const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
      const agent = startSiteAgent(loadSiteConfig(opts.config, opts.kit), log);
      log(`site agent ${agent.siteId} started`);
      const stop = () => {
        agent.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  site
    .command('approve')
    .description("Approve a job hash for this site (policy approval mode manual); the agent picks it up for the job's next request")
    .argument('<jobHash>', 'the job hash (sha256), from "medfed job status" or the site audit log')
    .requiredOption('--config <file>', 'site.yaml of this site')
    .option('--by <name>', 'who approves (recorded in the approvals file and the audit log)', userInfo().username)
    .option('--note <text>', 'why (kept with the approval)')
    .action((jobHash: string, opts: { config: string; by: string; note?: string }) => {
      const cfg = loadSiteConfig(opts.config, undefined, false);
      const { added } = addApproval(cfg.approvalsFile, { jobHash, by: opts.by, at: new Date().toISOString(), ...(opts.note ? { note: opts.note } : {}) });
      process.stdout.write(added ? `approved ${jobHash} (by ${opts.by}) in ${cfg.approvalsFile}\n` : `${jobHash} was already approved\n`);
    });
}
