/** Heartbeat timing of a Connect stream. */
export interface HeartbeatOptions {
  /** How often each side sends a heartbeat. */
  readonly intervalMs: number;
  /** A side that has heard nothing (no frame at all) for this long counts the other as gone. */
  readonly timeoutMs: number;
}

export const defaultHeartbeat: HeartbeatOptions = { intervalMs: 5_000, timeoutMs: 20_000 };

/**
 * Sends a heartbeat every interval and calls `onTimeout` once when no frame arrived within the
 * timeout. Any frame counts as a sign of life, so a long transfer never times out.
 */
export class HeartbeatMonitor {
  private lastHeard = Date.now();
  private readonly sender: NodeJS.Timeout;
  private readonly watcher: NodeJS.Timeout;
  private stopped = false;

  constructor(opts: HeartbeatOptions, send: () => void, onTimeout: (silentMs: number) => void) {
    this.sender = setInterval(send, opts.intervalMs);
    this.watcher = setInterval(() => {
      const silent = Date.now() - this.lastHeard;
      if (silent > opts.timeoutMs) {
        this.stop();
        onTimeout(silent);
      }
    }, Math.max(10, Math.min(opts.intervalMs, opts.timeoutMs / 4)));
    this.sender.unref();
    this.watcher.unref();
  }

  heard(): void {
    this.lastHeard = Date.now();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sender);
    clearInterval(this.watcher);
  }
}
