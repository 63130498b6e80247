/**
 * Unpack (tf.unstack) and SplitV (tf.split) for wasm without copying the whole input: the stock
 * kernels slice part by part through a Slice that reads its whole input off the wasm heap, so
 * unstacking a sequence of L steps copied the sequence L times (a recurrent layer's forward and
 * backward passes unstack several [L, n, G*u] tensors per batch). These copy only the selected
 * region of each part, in contiguous runs, from a view of the heap. Slice itself stays the stock
 * kernel: replacing it too made the 2D CNN benchmark 30% slower (1,091 vs 1,589 samples/s) with
 * no gain on the LSTM (614 vs 668, within noise).
 */
import { backend_util, SplitV, Unpack, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { stockKernel, type BackendWasm } from './wasm-backend.js';

/** x[begin : begin + size] as a new tensor; only the selected values are copied. */
export function sliceRegion(backend: BackendWasm, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  const total = util.sizeFromShape([...size]);
  if (total === 0) return out;
  // Views after makeOutput: an allocation may move the heap.
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) {
    ov.set(xv.subarray(0, 1));
    return out;
  }
  // Axes after k are taken whole, so each run of size[k] * inner values is contiguous.
  let k = rank - 1;
  while (k > 0 && size[k] === x.shape[k]) k--;
  const strides = [...util.computeStrides(x.shape), 1];
  const inner = strides[k];
  const run = size[k] * inner;
  const idx = new Array<number>(k).fill(0);
  for (let o = 0; o * run < total; o++) {
    let offset = begin[k] * inner;
    for (let j = 0; j < k; j++) offset += (begin[j] + idx[j]) * strides[j];
    ov.set(xv.subarray(offset, offset + run), o * run);
    for (let j = k - 1; j >= 0; j--) {
      if (++idx[j] < size[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

type Args<A> = { inputs: Record<string, TensorInfo>; attrs: A; backend: BackendWasm };
const stock = (name: string, args: unknown) => stockKernel(name).kernelFunc(args as Parameters<KernelFunc>[0]);

function unpack(args: Args<{ axis: number }>): TensorInfo[] {
  const value = args.inputs.value;
  if (value.dtype === 'string') return stock(Unpack, args) as TensorInfo[];
  const axis = args.attrs.axis < 0 ? args.attrs.axis + value.shape.length : args.attrs.axis;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(value.shape.length).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    begin[axis] = i;
    return { ...sliceRegion(args.backend, value, begin, size), shape: outShape };
  });
}

function splitV(args: Args<{ numOrSizeSplits: number | number[]; axis: number | number[] }>): TensorInfo[] {
  const { x } = args.inputs;
  if (x.dtype === 'string') return stock(SplitV, args) as TensorInfo[];
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as unknown as Parameters<typeof backend_util.prepareSplitSize>[0], args.attrs.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceRegion(args.backend, x, begin, size);
    begin[axis] += s;
    return part;
  });
}

const config = (kernelName: string, kernelFunc: unknown) => (): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  setupFunc: stockKernel(kernelName).setupFunc,
  kernelFunc: kernelFunc as KernelFunc,
});

export const unpackConfig = config(Unpack, unpack);
export const splitVConfig = config(SplitV, splitV);
