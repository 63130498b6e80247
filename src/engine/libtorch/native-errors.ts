import { ErrorCodes, MedfedError, type ErrorCode } from '../../core/errors.js';

const codes = new Set<string>(Object.values(ErrorCodes));

/** A failure thrown by the addon (carrying code, where, hint) as a MedfedError. */
export function fromNative(e: unknown): MedfedError {
  if (e instanceof MedfedError) return e;
  const err = e as { code?: unknown; where?: unknown; hint?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const code = typeof err?.code === 'string' && codes.has(err.code) ? (err.code as ErrorCode) : ErrorCodes.ENGINE_FAILURE;
  return new MedfedError(code, message, {
    where: typeof err?.where === 'string' ? err.where : 'engine libtorch',
    hint: typeof err?.hint === 'string' ? err.hint : undefined,
    cause: e,
  });
}

/** Runs `f`, rethrowing addon failures as MedfedErrors. */
export function native<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

export async function nativeAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw fromNative(e);
  }
}
