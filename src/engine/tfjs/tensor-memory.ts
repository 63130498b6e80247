import type * as tf from '@tensorflow/tfjs-core';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { TfjsBackendName } from './backend.js';

interface WasmBackendShape {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
}
interface CpuBackendShape {
  data: { get(id: object): { values: unknown } | undefined };
}

/**
 * A float32 view of a tensor's own memory in its backend, without copying: the wasm heap for
 * 'wasm', the values array for 'cpu'. Reading it costs nothing; writing it would change the tensor in
 * place, which is NOT safe: the wasm backend caches packed weights (XNNPACK operators) by tensor,
 * so treat views as read-only (gradients, outputs) and make new tensors for new values. Views of
 * the wasm heap are invalidated when the heap grows, so take a fresh view for each use.
 */
export function tensorMemory(backendName: TfjsBackendName, backend: tf.KernelBackend, t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw internal(`tensor of dtype ${t.dtype}`);
  if (backendName === 'wasm') {
    const b = backend as unknown as WasmBackendShape;
    const info = b.dataIdMap.get(t.dataId);
    if (!info) throw internal('tensor has no data in the wasm backend');
    return new Float32Array(b.wasm.HEAPU8.buffer, info.memoryOffset, t.size);
  }
  const info = (backend as unknown as CpuBackendShape).data.get(t.dataId);
  if (!info || !(info.values instanceof Float32Array)) throw internal('tensor has no float32 data in the cpu backend');
  return info.values.length === t.size ? info.values : info.values.subarray(0, t.size);
}

function internal(what: string): MedfedError {
  return new MedfedError(ErrorCodes.INTERNAL, `cannot view tensor memory: ${what}`, { where: 'src/engine/tfjs/tensor-memory.ts' });
}
