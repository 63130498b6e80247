import type { ChildProcess } from 'node:child_process';

/** A tiny request/reply protocol over a forked child's IPC channel (bench processes only). */
interface Call {
  readonly id: number;
  readonly cmd: string;
  readonly args: unknown;
}
interface Answer {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** In the child: answer each command with its handler; the process exits on `stop`. */
export function serveIpc(handlers: Record<string, (args: never) => Promise<unknown> | unknown>): void {
  process.on('message', (m: Call) => {
    void (async () => {
      try {
        if (m.cmd === 'stop') {
          process.send?.({ id: m.id, result: null } satisfies Answer, () => process.exit(0));
          return;
        }
        const h = handlers[m.cmd];
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        process.send?.({ id: m.id, result: (await h(m.args as never)) ?? null } satisfies Answer);
      } catch (e) {
        process.send?.({ id: m.id, error: (e as Error).stack ?? String(e) } satisfies Answer);
      }
    })();
  });
}

let nextId = 1;

/** In the parent: send a command to a child and wait for its answer. */
export function callChild<T>(child: ChildProcess, cmd: string, args: unknown = null): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: Answer) => {
      if (m.id !== id) return;
      cleanup();
      if (m.error !== undefined) reject(new Error(`bench process (${cmd}): ${m.error}`));
      else resolve(m.result as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench process exited (code ${code}) during ${cmd}`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ id, cmd, args } satisfies Call);
  });
}
