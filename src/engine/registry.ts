import { ErrorCodes, MedfedError } from '../core/errors.js';
import type { TrainingEngine } from './engine.js';
import { TfjsEngine } from './tfjs/tfjs-engine.js';

const factories: Record<string, () => TrainingEngine> = {
  'tfjs-wasm': () => new TfjsEngine('wasm'),
  'tfjs-cpu': () => new TfjsEngine('cpu'),
};

/** Names getEngine accepts. */
export function engineNames(): string[] {
  return Object.keys(factories);
}

/** A training engine by name, its backend started in this thread; unknown name -> UNKNOWN_NAME. */
export async function getEngine(name: string = 'tfjs-wasm'): Promise<TrainingEngine> {
  const make = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (!make) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown training engine "${name}"; known engines: ${engineNames().join(', ')}`, {
      where: 'engine',
      hint: 'use "tfjs-wasm" (default) or "tfjs-cpu"',
    });
  }
  const engine = make();
  if (engine instanceof TfjsEngine) await engine.init();
  return engine;
}
