import { initialWeights, modelLayout } from '../../core/model-params.js';
import type { ModelSpec } from '../../core/model-spec.js';
import type { TrainableModel, TrainingEngine } from '../engine.js';
import type { NativeAddon } from './addon-types.js';
import { LibtorchModel } from './libtorch-model.js';

/**
 * The native training engine: libtorch (the engine inside PyTorch) through a thin N-API addon
 * (native/). Isomorphic: it receives the loaded addon (src/node/libtorch-addon.ts loads it).
 */
export class LibtorchEngine implements TrainingEngine {
  readonly name = 'libtorch';

  constructor(readonly addon: NativeAddon) {}

  async build(spec: ModelSpec, options: { seed: number }): Promise<TrainableModel> {
    const layout = modelLayout(spec);
    return new LibtorchModel(layout, this.addon, initialWeights(layout, options.seed));
  }
}
