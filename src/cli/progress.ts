/**
 * Progress for long work: a redrawn bar on a terminal, plain lines when output is not a TTY
 * (CI logs, files). Writes to stderr so stdout stays clean for results.
 */
export interface Progress {
  start(label: string, total: number): void;
  tick(done: number, detail?: string): void;
  done(summary?: string): void;
  log(line: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const tty = stream.isTTY === true;
  let label = '';
  let total = 1;
  let startedAt = 0;
  const write = (s: string) => {
    if (!quiet) stream.write(s);
  };
  return {
    start(l, t) {
      label = l;
      total = Math.max(1, t);
      startedAt = Date.now();
      if (!tty) write(`${label}: started (${total} rounds)\n`);
    },
    tick(done, detail = '') {
      if (tty) {
        const width = 24;
        const filled = Math.round((done / total) * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        write(`\r\x1b[2K${label.padEnd(28)} ${bar} ${String(done).padStart(3)}/${total} ${detail}`);
      } else {
        write(`${label}: round ${done}/${total} ${detail}\n`);
      }
    },
    done(summary = '') {
      const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
      if (tty) write(`\r\x1b[2K${label.padEnd(28)} done in ${secs}s ${summary}\n`);
      else write(`${label}: done in ${secs}s ${summary}\n`);
    },
    log(line) {
      write(`${tty ? '\r\x1b[2K' : ''}${line}\n`);
    },
  };
}
