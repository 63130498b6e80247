import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../../..');
/** The CLI entry compiled beside this file (whatever the build's output folder). */
const entry = join(import.meta.dirname, 'cli-entry.js');

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  kill9(): Promise<void>;
}

const all = new Set<ChildProcess>();

/** Start `medfed ARGS` as a separate OS process; its stdout+stderr are kept for assertions. */
export function startMedfed(args: string[]): Proc {
  const child = spawn(process.execPath, [entry, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  all.add(child);
  child.on('exit', () => all.delete(child));
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    output: () => out,
    waitForLine: (re, timeoutMs) =>
      new Promise((res, rej) => {
        const check = () => {
          const m = out.match(re);
          if (m) {
            cleanup();
            res(m);
          }
        };
        const onExit = () => {
          cleanup();
          rej(new Error(`process exited before printing ${re}:\n${out}`));
        };
        const t = setTimeout(() => {
          cleanup();
          rej(new Error(`no ${re} within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(t);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    kill9: () =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGKILL');
      }),
  };
}

/** Run `medfed ARGS` to completion. */
export function runMedfed(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Kill every child still running (test teardown). */
export function killAll(): void {
  for (const c of all) c.kill('SIGKILL');
}

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
