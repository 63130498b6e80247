import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { NativeAddon } from '../engine/libtorch/addon-types.js';

/** Where scripts/build-native.mjs puts the addon (MEDFED_LIBTORCH_ADDON overrides). */
export function addonPath(): string {
  return process.env.MEDFED_LIBTORCH_ADDON ?? fileURLToPath(new URL('../../../native/build/Release/medfed_torch.node', import.meta.url));
}

let cached: { addon: NativeAddon } | { why: string } | undefined;

/** The addon, or why it cannot be loaded (not built, libtorch missing at run time). Loads once. */
export function tryLoadLibtorchAddon(): { addon: NativeAddon } | { why: string } {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    cached = { why: `the native addon is not built (${path} is missing)` };
  } else {
    try {
      const addon = createRequire(import.meta.url)(path) as NativeAddon;
      const threads = Number(process.env.MEDFED_TORCH_THREADS ?? 1);
      if (Number.isInteger(threads) && threads >= 1) addon.setNumThreads(threads);
      cached = { addon };
    } catch (e) {
      cached = { why: `the native addon at ${path} failed to load: ${(e as Error).message.split('\n')[0]}` };
    }
  }
  return cached;
}

/** The addon; ENGINE_FAILURE naming why and how to get it when it is unavailable. */
export function loadLibtorchAddon(): NativeAddon {
  const r = tryLoadLibtorchAddon();
  if ('addon' in r) return r.addon;
  throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `the libtorch engine is unavailable: ${r.why}`, {
    where: 'engine libtorch',
    hint: 'install libtorch (Debian/Ubuntu: apt-get install libtorch-dev, or set LIBTORCH to a libtorch directory), then run `npm run build:native`; see docs/native-engine.md. Or use the "tfjs-wasm" engine',
  });
}
