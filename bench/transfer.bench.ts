import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProjectConfig } from '../src/pki/project-config.js';
import { provisionProject } from '../src/pki/provision-project.js';
import { callChild } from './transfer/ipc.js';
import { modelBytes, siteCount } from './transfer/payload.js';
import type { BenchEntry, Benchmark } from './result.js';

const MiB = 1024 * 1024;
const repeats = 3;
const script = (name: string) => fileURLToPath(new URL(`./transfer/${name}.js`, import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timed {
  readonly seconds: number;
  readonly bytes: number;
}
interface Gathered extends Timed {
  readonly baselineMiB: number;
  readonly peakMiB: number;
  readonly sampledMiB: number;
  readonly source: string;
}

const siteNames = Array.from({ length: siteCount }, (_, k) => `site-${k + 1}`);
const projectYaml = ['project: transfer-bench', 'coordinator:', '  hosts: [127.0.0.1, localhost]', '  port: 8443', 'sites:', ...siteNames.map((s) => `  - name: ${s}`), 'users:', '  - email: lead@example.org', '    role: project-admin'].join('\n');

/** Forked children of this run; all are ended (by their handle) when the benchmark ends. */
function spawner() {
  const children: ChildProcess[] = [];
  const spawn = (name: string, args: string[] = [], execArgv: string[] = []) => {
    const c = fork(script(name), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(c);
    return c;
  };
  const endAll = () =>
    children.forEach((c) => {
      if (c.connected) c.disconnect();
      if (c.exitCode === null) c.kill();
    });
  return { spawn, endAll };
}

/**
 * Issue 3: move a 200 MiB model (50 float32 tensors of 4 MiB) to and from 8 site processes over
 * the real mTLS gRPC transport on 127.0.0.1; measure throughput each way and the coordinator's
 * peak RSS while all 8 sites send at once; compare with a raw node:tls copy (8 senders, one
 * discarding receiver, same certificates) measured in the same run.
 */
export const transferBench: Benchmark = {
  id: 'transfer',
  async run(): Promise<BenchEntry[]> {
    const tmp = mkdtempSync(join(tmpdir(), 'medfed-transfer-bench-'));
    const procs = spawner();
    try {
      const project = join(tmp, 'project');
      await provisionProject(parseProjectConfig(projectYaml, 'project.yaml'), project);
      const coordinator = procs.spawn('coordinator-process', [], ['--expose-gc']);
      const { port } = await callChild<{ port: number }>(coordinator, 'start', { kitDir: join(project, 'coordinator') });
      siteNames.forEach((s, k) => procs.spawn('site-process', [join(project, 'sites', s), `127.0.0.1:${port}`, String(k)]));
      await callChild(coordinator, 'waitSites');
      const sink = procs.spawn('tls-sink-process');
      const tls = await callChild<{ port: number }>(sink, 'start', { kitDir: join(project, 'coordinator') });
      siteNames.forEach((s, k) => procs.spawn('tls-source-process', [join(project, 'sites', s), String(tls.port), String(k)]));
      await callChild(sink, 'waitSources', { count: siteCount });

      const mibps = (t: Timed) => t.bytes / MiB / t.seconds;
      const broadcast: number[] = [];
      const gather: Gathered[] = [];
      const raw: number[] = [];
      let buffered: Gathered | null = null;
      for (let r = 0; r < repeats; r++) {
        broadcast.push(mibps(await callChild<Timed>(coordinator, 'broadcast')));
        gather.push(await callChild<Gathered>(coordinator, 'gather', { mode: 'streamed' }));
        raw.push(mibps(await callChild<Timed>(sink, 'round', { bytesEach: modelBytes })));
        process.stderr.write(`  repeat ${r + 1}: broadcast ${broadcast[r].toFixed(0)} MiB/s, gather ${mibps(gather[r]).toFixed(0)} MiB/s (peak RSS ${gather[r].peakMiB.toFixed(0)} MiB), raw TLS ${raw[r].toFixed(0)} MiB/s\n`);
      }
      // Once, for comparison: each update received whole before it is added (8 updates in memory at once).
      buffered = await callChild<Gathered>(coordinator, 'gather', { mode: 'buffered' });

      const modelMiB = modelBytes / MiB;
      const rawMedian = median(raw);
      const gatherMedian = median(gather.map(mibps));
      const peak = median(gather.map((g) => g.peakMiB));
      const idle = median(gather.map((g) => g.baselineMiB));
      const detail = `${siteCount} sites x ${modelMiB} MiB, 127.0.0.1, mTLS`;
      return [
        { id: 'transfer.broadcast', value: median(broadcast), unit: 'MiB/s', baseline: rawMedian, ratio: median(broadcast) / rawMedian, repeats, note: `coordinator -> ${detail}; baseline raw TLS copy` },
        { id: 'transfer.gather', value: gatherMedian, unit: 'MiB/s', baseline: rawMedian, ratio: gatherMedian / rawMedian, repeats, note: `${detail} -> coordinator, streamed into a running weighted sum; baseline raw TLS copy` },
        {
          id: 'transfer.coordinator_peak_rss',
          value: peak,
          unit: 'MiB',
          baseline: modelMiB,
          ratio: peak / modelMiB,
          repeats,
          note: `during gather, whole process (${gather[0].source}), idle before ${idle.toFixed(0)} MiB incl. the ${modelMiB} MiB model; above idle ${(peak - idle).toFixed(0)} MiB = ${((peak - idle) / modelMiB).toFixed(2)}x`,
        },
        { id: 'transfer.gather_buffered', value: mibps(buffered), unit: 'MiB/s', baseline: rawMedian, ratio: mibps(buffered) / rawMedian, repeats: 1, note: 'each update received whole, then added' },
        {
          id: 'transfer.coordinator_peak_rss_buffered',
          value: buffered.peakMiB,
          unit: 'MiB',
          baseline: modelMiB,
          ratio: buffered.peakMiB / modelMiB,
          repeats: 1,
          note: `whole updates held while they arrive; idle before ${buffered.baselineMiB.toFixed(0)} MiB`,
        },
      ];
    } finally {
      procs.endAll();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
