import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProjectConfig } from '../src/pki/project-config.js';
import { provisionProject } from '../src/pki/provision-project.js';
import { cpuMeter } from './transfer/cpu.js';
import { callChild } from './transfer/ipc.js';
import { modelBytes, siteCount } from './transfer/payload.js';
import type { BenchEntry, Benchmark } from './result.js';

const MiB = 1024 * 1024;
const repeats = 3;
const script = (name: string) => fileURLToPath(new URL(`./transfer/${name}.js`, import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GiB = 1024 * MiB;

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
      const sitePids = siteNames.map((s, k) => procs.spawn('site-process', [join(project, 'sites', s), `127.0.0.1:${port}`, String(k)]).pid);
      await callChild(coordinator, 'waitSites');
      const sink = procs.spawn('tls-sink-process');
      const tls = await callChild<{ port: number }>(sink, 'start', { kitDir: join(project, 'coordinator') });
      const sourcePids = siteNames.map((s, k) => procs.spawn('tls-source-process', [join(project, 'sites', s), String(tls.port), String(k)]).pid);
      const cipher = await callChild<string>(sink, 'waitSources', { count: siteCount });
      // CPU seconds of every process on each path (medfed: coordinator + 8 sites; raw: sink + 8 sources).
      const medfedPids = [coordinator.pid, ...sitePids];
      const rawPids = [sink.pid, ...sourcePids];
      const cpuPerGiB = async <T extends Timed>(pids: readonly (number | undefined)[], phase: () => Promise<T>): Promise<{ result: T; cpu: number | null }> => {
        const stop = cpuMeter(pids);
        const result = await phase();
        const used = stop();
        return { result, cpu: used === null ? null : used / (result.bytes / GiB) };
      };

      const mibps = (t: Timed) => t.bytes / MiB / t.seconds;
      const broadcast: number[] = [];
      const gather: Gathered[] = [];
      const raw: number[] = [];
      const cpu = { broadcast: [] as number[], gather: [] as number[], raw: [] as number[] };
      const keep = (xs: number[], v: number | null) => (v === null ? undefined : xs.push(v));
      let buffered: Gathered | null = null;
      for (let r = 0; r < repeats; r++) {
        const b = await cpuPerGiB(medfedPids, () => callChild<Timed>(coordinator, 'broadcast'));
        const g = await cpuPerGiB(medfedPids, () => callChild<Gathered>(coordinator, 'gather', { mode: 'streamed' }));
        const t = await cpuPerGiB(rawPids, () => callChild<Timed>(sink, 'round', { bytesEach: modelBytes }));
        broadcast.push(mibps(b.result));
        gather.push(g.result);
        raw.push(mibps(t.result));
        keep(cpu.broadcast, b.cpu);
        keep(cpu.gather, g.cpu);
        keep(cpu.raw, t.cpu);
        const c = (v: number | null) => (v === null ? '?' : v.toFixed(1));
        process.stderr.write(`  repeat ${r + 1}: broadcast ${broadcast[r].toFixed(0)} MiB/s (${c(b.cpu)} CPU-s/GiB), gather ${mibps(gather[r]).toFixed(0)} MiB/s (${c(g.cpu)} CPU-s/GiB, peak RSS ${gather[r].peakMiB.toFixed(0)} MiB), raw TLS ${raw[r].toFixed(0)} MiB/s (${c(t.cpu)} CPU-s/GiB)\n`);
      }
      // Once, for comparison: each update received whole before it is added (8 updates in memory at once).
      buffered = await callChild<Gathered>(coordinator, 'gather', { mode: 'buffered' });

      const modelMiB = modelBytes / MiB;
      const rawMedian = median(raw);
      const gatherMedian = median(gather.map(mibps));
      const peak = median(gather.map((g) => g.peakMiB));
      const idle = median(gather.map((g) => g.baselineMiB));
      const detail = `${siteCount} sites x ${modelMiB} MiB, 127.0.0.1, mTLS`;
      const cpuEntries: BenchEntry[] = [];
      if (cpu.raw.length === repeats && cpu.broadcast.length === repeats && cpu.gather.length === repeats) {
        const rawCpu = median(cpu.raw);
        const costNote = (what: string) => `CPU seconds of all processes per GiB moved (${what}; coordinator + ${siteCount} sites), baseline the raw TLS copy's (sink + ${siteCount} sources); ratio = times the raw cost, lower is better`;
        cpuEntries.push(
          { id: 'transfer.broadcast_cpu', value: median(cpu.broadcast), unit: 'CPU-s/GiB', baseline: rawCpu, ratio: median(cpu.broadcast) / rawCpu, repeats, note: costNote('broadcast') },
          { id: 'transfer.gather_cpu', value: median(cpu.gather), unit: 'CPU-s/GiB', baseline: rawCpu, ratio: median(cpu.gather) / rawCpu, repeats, note: costNote('gather incl. the weighted sum') },
        );
      }
      return [
        { id: 'transfer.broadcast', value: median(broadcast), unit: 'MiB/s', baseline: rawMedian, ratio: median(broadcast) / rawMedian, repeats, note: `coordinator -> ${detail}; baseline raw TLS copy (${cipher}, same certificates, ${siteCount} connections)` },
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
        ...cpuEntries,
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
