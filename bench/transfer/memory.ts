import { readFileSync, writeFileSync } from 'node:fs';

const MiB = 1024 * 1024;

function statusKb(field: 'VmHWM' | 'VmRSS'): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

/**
 * Peak resident memory of this process over a phase: the kernel's high-water mark (reset at the
 * start through /proc/self/clear_refs where Linux allows it) and a 20 ms sampler as a cross-check.
 */
export class PeakRss {
  private sampled = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly hwmReset: boolean;
  readonly baselineMiB: number;

  constructor() {
    let reset = false;
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      reset = true;
    } catch {
      reset = false;
    }
    this.hwmReset = reset;
    this.baselineMiB = process.memoryUsage.rss() / MiB;
    this.sampled = this.baselineMiB;
    this.timer = setInterval(() => {
      this.sampled = Math.max(this.sampled, process.memoryUsage.rss() / MiB);
    }, 20);
  }

  /** Stop sampling; the peak in MiB (kernel high-water mark when it could be reset, else sampled). */
  stop(): { peakMiB: number; sampledMiB: number; source: 'VmHWM' | 'sampled' } {
    clearInterval(this.timer);
    this.sampled = Math.max(this.sampled, process.memoryUsage.rss() / MiB);
    const hwmKb = this.hwmReset ? statusKb('VmHWM') : null;
    if (hwmKb !== null) return { peakMiB: Math.max(hwmKb / 1024, this.sampled), sampledMiB: this.sampled, source: 'VmHWM' };
    return { peakMiB: this.sampled, sampledMiB: this.sampled, source: 'sampled' };
  }
}
