import { ErrorCodes, MedfedError } from '../core/errors.js';

/** The MedfedError for an aborted run: the signal's reason when it is one, else JOB_ABORTED. */
export function abortError(signal: AbortSignal): MedfedError {
  const r: unknown = signal.reason;
  if (r instanceof MedfedError) return r;
  return new MedfedError(ErrorCodes.JOB_ABORTED, r instanceof Error ? r.message : typeof r === 'string' ? r : 'the run was aborted');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * `work`, unless the deadline (epoch ms) passes or the signal aborts first: then a rejection
 * (SITE_FAILURE naming the deadline, or the abort reason). The work itself is not cancelled —
 * a site cannot be interrupted — and its late result or failure is dropped: Promise.race has
 * subscribed to it, so a late rejection is never unhandled, and nothing else ever reads it.
 */
export function beforeDeadline<T>(work: Promise<T>, deadlineAt: number | undefined, what: string, signal?: AbortSignal): Promise<T> {
  if (deadlineAt === undefined && !signal) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (deadlineAt !== undefined) {
      const ms = Math.max(0, deadlineAt - Date.now());
      timer = setTimeout(
        () => reject(new MedfedError(ErrorCodes.SITE_FAILURE, `${what}: no reply before the round deadline; its late reply, if any, is ignored`)),
        ms,
      );
    }
    if (signal) {
      onAbort = () => reject(abortError(signal));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return Promise.race([work, stop]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}
