import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { readStartupKit } from '../../pki/startup-kit.js';
import { adminCall, coordinatorAddress, downloadJob } from '../../transport/grpc/admin-client.js';
import type { AdminRequest } from '../../transport/grpc/admin-protocol.js';

interface ClientOpts {
  kit: string;
  coordinator?: string;
  json?: boolean;
}

async function call(opts: ClientOpts, req: AdminRequest): Promise<unknown> {
  const kit = readStartupKit(opts.kit);
  return adminCall(kit, coordinatorAddress(kit, opts.coordinator), req);
}

function print(opts: ClientOpts, value: unknown, text: (v: never) => string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : text(value as never));
}

interface StatusLike {
  id: string; name: string; state: string; jobHash: string; submitter: string; round: number; rounds: number; error: string | null;
  sites?: { id: string; connected: boolean }[];
}

const statusLine = (s: StatusLike) => `${s.id.padEnd(30)} ${s.state.padEnd(10)} round ${`${s.round}/${s.rounds}`.padEnd(7)} ${s.submitter}\n`;

function withClient(cmd: Command): Command {
  return cmd
    .requiredOption('--kit <dir>', 'your startup kit (researcher or project admin)')
    .option('--coordinator <host:port>', "the coordinator (default: the kit's)")
    .option('--json', 'print JSON');
}

export function registerJobCommand(program: Command): void {
  const job = program.command('job').description('Submit and follow jobs at the coordinator (with your startup kit)');
  withClient(job.command('submit').description('Submit a job spec (docs/jobs.md)').argument('<spec>', 'job spec YAML')).action(async (spec: string, opts: ClientOpts) => {
    let text: string;
    try {
      text = readFileSync(spec, 'utf8');
    } catch (e) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the job spec ${spec}: ${(e as Error).message}`, { where: spec, cause: e });
    }
    const r = await call(opts, { op: 'submit', spec: text });
    print(opts, r, (v: { jobId: string; jobHash: string }) => `submitted job ${v.jobId}\njob hash ${v.jobHash} (sites with manual approval need it)\n`);
  });
  withClient(job.command('list').description('List jobs')).action(async (opts: ClientOpts) => {
    const r = await call(opts, { op: 'list' });
    print(opts, r, (v: StatusLike[]) => (v.length === 0 ? 'no jobs\n' : v.map(statusLine).join('')));
  });
  withClient(job.command('status').description("Show a job's state").argument('<id>', 'job id')).action(async (id: string, opts: ClientOpts) => {
    const r = await call(opts, { op: 'status', jobId: id });
    print(opts, r, (s: StatusLike) =>
      `${statusLine(s)}hash ${s.jobHash}\n${s.sites?.length ? `sites ${s.sites.map((x) => `${x.id}${x.connected ? '' : ' (disconnected)'}`).join(', ')}\n` : ''}${s.error ? `error ${s.error}\n` : ''}`,
    );
  });
  withClient(job.command('abort').description('Abort a job').argument('<id>', 'job id')).action(async (id: string, opts: ClientOpts) => {
    const r = await call(opts, { op: 'abort', jobId: id });
    print(opts, r, (s: StatusLike) => statusLine(s));
  });
  withClient(job.command('logs').description("Print a job's log").argument('<id>', 'job id')).action(async (id: string, opts: ClientOpts) => {
    const r = await call(opts, { op: 'logs', jobId: id });
    print(opts, r, (events: { ts: string; level: string; message: string }[]) => events.map((e) => `${e.ts} ${e.level.padEnd(5)} ${e.message}\n`).join(''));
  });
  withClient(job.command('download').description("Download a completed job's results (final.safetensors, results.json, report.html)").argument('<id>', 'job id'))
    .requiredOption('--out <dir>', 'folder for the files')
    .action(async (id: string, opts: ClientOpts & { out: string }) => {
      const kit = readStartupKit(opts.kit);
      const files = await downloadJob(kit, coordinatorAddress(kit, opts.coordinator), id, opts.out);
      print(opts, files, (v: string[]) => v.map((f) => `${opts.out}/${f}\n`).join(''));
    });
}
