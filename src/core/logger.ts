/**
 * The structured-log interface the core and the simulator write to (pino's shape: a fields object
 * and a message). The CLI backs it with pino (JSON lines); tests and browsers may pass `silentLogger`.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
