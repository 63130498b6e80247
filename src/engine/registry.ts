import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { TrainingEngine } from './engine.js';
import { TfjsEngine } from './tfjs/tfjs-engine.js';

const factories: Record<string, () => TrainingEngine | Promise<TrainingEngine>> = {
  'tfjs-wasm': () => new TfjsEngine('wasm'),
  'tfjs-cpu': () => new TfjsEngine('cpu'),
  // Native (Node only): the addon is loaded through a dynamic import, so browser builds never load it.
  libtorch: async () => {
    const [{ loadLibtorchAddon }, { LibtorchEngine }] = await Promise.all([import('../node/libtorch-addon.js'), import('./libtorch/libtorch-engine.js')]);
    return new LibtorchEngine(loadLibtorchAddon());
  },
};

/** Names getEngine accepts ("auto": the fastest available, see defaultEngine). */
export function engineNames(): string[] {
  return [...Object.keys(factories), 'auto'];
}

/** A training engine by name, its backend started in this thread; unknown name -> UNKNOWN_NAME. */
export async function getEngine(name: string = 'tfjs-wasm'): Promise<TrainingEngine> {
  if (name === 'auto') return defaultEngine();
  const make = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (!make) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown training engine "${name}"; known engines: ${engineNames().join(', ')}`, {
      where: 'engine',
      hint: 'use "tfjs-wasm" (default), "tfjs-cpu", "libtorch" (native, docs/native-engine.md) or "auto" (libtorch if its addon loads, else tfjs-wasm)',
    });
  }
  const engine = await make();
  if (engine instanceof TfjsEngine) await engine.init();
  return engine;
}

let announced = false;

/**
 * The fastest engine this process can run: "libtorch" when its native addon loads, else
 * "tfjs-wasm". Says once (through `log`) which engine it uses and, on fallback, why.
 */
export async function defaultEngine(log: (message: string) => void = (m) => console.error(m)): Promise<TrainingEngine> {
  let engine: TrainingEngine;
  let why = '';
  try {
    engine = await getEngine('libtorch');
  } catch (e) {
    why = e instanceof MedfedError ? `: ${e.message}` : '';
    engine = await getEngine('tfjs-wasm');
  }
  if (!announced) {
    announced = true;
    log(`medfed: training engine ${engine.name}${why ? ` (native libtorch engine unavailable${why})` : ''}`);
  }
  return engine;
}
