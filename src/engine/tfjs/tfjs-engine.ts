import { initialWeights, modelLayout } from '../../core/model-params.js';
import type { ModelSpec } from '../../core/model-spec.js';
import type { TrainableModel, TrainingEngine } from '../engine.js';
import { useBackend, type TfjsBackendName } from './backend.js';
import { TfjsModel } from './tfjs-model.js';

/** The TF.js training engine on one backend: "tfjs-wasm" (default) or "tfjs-cpu" (reference). */
export class TfjsEngine implements TrainingEngine {
  readonly name: string;

  constructor(readonly backend: TfjsBackendName = 'wasm') {
    this.name = `tfjs-${backend}`;
  }

  /** Starts the backend in this thread (also done by build). */
  async init(): Promise<this> {
    await useBackend(this.backend);
    return this;
  }

  async build(spec: ModelSpec, options: { seed: number }): Promise<TrainableModel> {
    const layout = modelLayout(spec);
    await useBackend(this.backend);
    return new TfjsModel(layout, this.backend, this.name, initialWeights(layout, options.seed));
  }
}
