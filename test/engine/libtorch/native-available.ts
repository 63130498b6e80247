import { tryLoadLibtorchAddon } from '../../../src/node/libtorch-addon.js';
import type { NativeAddon } from '../../../src/engine/libtorch/addon-types.js';

const loaded = tryLoadLibtorchAddon();

/** node:test `skip` value: false when the native addon loads, else why (build it with `npm run build:native`). */
export const skipNative: string | false = 'addon' in loaded ? false : `libtorch engine not available: ${loaded.why}; run \`npm run build:native\` (docs/native-engine.md)`;

export function nativeAddon(): NativeAddon {
  if (!('addon' in loaded)) throw new Error(loaded.why);
  return loaded.addon;
}
