import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of USER_HZ, 100 on every architecture Node runs on. */
const ticksPerSecond = 100;

/** CPU seconds (user + system) process `pid` has used so far, from /proc/<pid>/stat; null where there is none. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used by a group of processes over a phase: call `start()` before and the returned
 * function after. On a shared machine this is steadier than wall time: what other work takes
 * from the cores stretches the wall clock, not the CPU each byte costs.
 */
export function cpuMeter(pids: readonly (number | undefined)[]): () => number | null {
  const read = () => {
    let total = 0;
    for (const pid of pids) {
      const s = cpuSecondsOf(pid);
      if (s === null) return null;
      total += s;
    }
    return total;
  };
  const before = read();
  return () => {
    const after = read();
    return before === null || after === null ? null : after - before;
  };
}
