import { pino } from 'pino';
import type { Logger } from '../core/logger.js';

/** A pino logger writing JSON lines (UTC ISO timestamps) to `file`, synchronously so nothing is lost on exit. */
export function fileLogger(file: string, base: Record<string, unknown> = {}): Logger & { flush(): void } {
  const dest = pino.destination({ dest: file, sync: true, mkdir: true });
  const log = pino({ base, timestamp: pino.stdTimeFunctions.isoTime }, dest);
  return {
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
    flush: () => dest.flushSync(),
  };
}
