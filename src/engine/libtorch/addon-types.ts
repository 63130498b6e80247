/** The native addon's JS surface (native/src/addon.cc, model_wrap.cc); PyTorch names and layouts. */

export interface NativeLayerDescription {
  readonly type: string;
  readonly activation?: string;
  readonly useBias?: boolean;
  /** Kernel / pool size per spatial dimension (conv and pooling layers). */
  readonly kernel?: readonly number[];
  readonly stride?: readonly number[];
  /** TensorFlow-style "same" padding. */
  readonly same?: boolean;
  readonly rate?: number;
  readonly momentum?: number;
  readonly epsilon?: number;
  /** Per example, channels-last (core/model-params.ts modelLayout). */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  /** Indices into `params`, -1 when absent. */
  readonly weight: number;
  readonly bias: number;
  readonly runningMean: number;
  readonly runningVar: number;
  /** lstm / gru: `weight` and `bias` are weight_ih_l0 and bias_ih_l0; these are weight_hh_l0 and bias_hh_l0. */
  readonly weightHh?: number;
  readonly biasHh?: number;
  /** Parameter-name prefix ("3", "3.layers.1"); dropout masks are drawn by it. */
  readonly path?: string;
  /** upsample: the factor per spatial axis. */
  readonly scale?: readonly number[];
  /** concatSkip: the inner layers. */
  readonly children?: readonly NativeLayerDescription[];
}

export interface NativeModelDescription {
  readonly loss: string;
  readonly inputShape: readonly number[];
  readonly outputs: number;
  readonly layers: readonly NativeLayerDescription[];
  readonly params: readonly { readonly name: string; readonly shape: readonly number[]; readonly trainable: boolean }[];
}

export interface NativeTrainSession {
  readonly optimizer: { name: string; lr: number; momentum: number; beta1: number; beta2: number; epsilon: number; weightDecay: number };
  /** Int32 seed of the train() call (epoch order and dropout masks, as the TF.js engine draws them). */
  readonly seed: number;
  readonly batchSize: number;
  readonly mu?: number;
  /** Per trainable tensor, in trainable order; null where absent. */
  readonly anchor?: readonly (Float32Array | null)[];
  readonly correction?: readonly (Float32Array | null)[];
}

export interface NativeModelHandle {
  getWeights(): Float32Array[];
  setWeight(index: number, data: Float32Array): void;
  beginTrain(session: NativeTrainSession): void;
  /**
   * One epoch; resolves with the epoch's mean loss, the steps taken so far in this session and the
   * intra-op threads libtorch used for it (on the pool thread that ran it).
   */
  trainEpoch(x: Float32Array, y: Float32Array, n: number, epoch: number): Promise<{ loss: number; steps: number; threads: number }>;
  /** One optimizer step of the session with the given gradients; returns the FedProx distance. */
  applyStep(grads: readonly Float32Array[]): number;
  /** Ends the session; throws NUMERIC_DIVERGENCE on non-finite weights; returns the steps taken. */
  endTrain(): number;
  gradients(x: Float32Array, y: Float32Array, n: number, dropoutSeed?: number): Promise<{ loss: number; grads: Float32Array[] }>;
  clippedGradientSum(
    x: Float32Array,
    y: Float32Array,
    n: number,
    clipNorm: number,
    dropoutSeeds: Int32Array | null,
  ): Promise<{ sums: Float64Array[]; lossSum: number; unclipped: number }>;
  /** Logits, channels-last per example; `outputs` values per example (classes x voxels for a per-voxel output). */
  logits(x: Float32Array, n: number, outputs: number): Promise<Float32Array>;
  dispose(): void;
}

export interface NativeAddon {
  readonly NativeModel: new (description: NativeModelDescription) => NativeModelHandle;
  info(): { torch: string; threads: number; cuda: boolean };
  setNumThreads(n: number): number;
  /**
   * The caching CPU allocator (native/src/cpu_cache.h): its counters, after setting the most freed
   * memory it keeps when `limitBytes` is given (0 releases everything and turns caching off).
   */
  cpuCache(limitBytes?: number): { hits: number; misses: number; cachedBytes: number; liveBytes: number; limitBytes: number };
  dropoutMask(seed: number, layerIndex: number, size: number, rate: number): Float32Array;
  permutation(seed: number, epoch: number, n: number): Int32Array;
}
