import type { BlobSink } from '../../src/transport/grpc/message-assembler.js';

/** Bytes copied per step into the aligned scratch buffer. */
const scratchSize = 1 << 20;

/**
 * A running weighted sum of float32 tensors (little-endian host) that takes each update as a
 * byte stream, chunk by chunk in order (chunks need not be 4-byte aligned): the streaming half
 * of FedAvg, so the coordinator holds one sum instead of every site's update.
 */
export class WeightedFloat32Sum {
  readonly sum: Float32Array;
  private totalWeight = 0;

  constructor(floats: number) {
    this.sum = new Float32Array(floats);
  }

  /** A sink for one update of `byteLength` bytes with weight `weight`. */
  update(weight: number, byteLength: number): BlobSink & { readonly received: () => number } {
    if (byteLength !== this.sum.byteLength) throw new Error(`an update of ${byteLength} bytes does not fit a sum of ${this.sum.byteLength} bytes`);
    this.totalWeight += weight;
    const sum = this.sum;
    // Chunks arrive at any byte offset and alignment (HTTP/2 hands over pieces of ~8 KiB), so each
    // is copied behind the 0–3 bytes left over from the previous one into an aligned scratch
    // buffer, allocated once: no typed-array view is created per chunk.
    const scratchBytes = new Uint8Array(scratchSize + 4);
    const scratch = new Float32Array(scratchBytes.buffer);
    let carried = 0;
    let next = 0;
    const add = (bytes: Uint8Array, offset: number) => {
      scratchBytes.set(bytes, carried);
      const count = carried + bytes.byteLength;
      const whole = count >> 2;
      addScaled(sum, (offset - carried) >> 2, scratch, whole, weight);
      carried = count - whole * 4;
      scratchBytes.copyWithin(0, whole * 4, count);
    };
    return {
      received: () => next,
      chunk: (_blob, offset, bytes) => {
        if (offset !== next) throw new Error(`update bytes out of order: got offset ${offset}, expected ${next}`);
        next += bytes.byteLength;
        if (bytes.byteLength <= scratchSize) return add(bytes, offset);
        for (let pos = 0; pos < bytes.byteLength; pos += scratchSize) add(bytes.subarray(pos, Math.min(bytes.byteLength, pos + scratchSize)), offset + pos);
      },
    };
  }

  /** Add a whole update at once (the buffered path). */
  addWhole(weight: number, bytes: Uint8Array): void {
    const sink = this.update(weight, bytes.byteLength);
    sink.chunk(0, 0, bytes);
  }

  /** The weighted mean at element i. */
  mean(i: number): number {
    return this.sum[i] / this.totalWeight;
  }
}

/** dst[at + j] += weight * src[j] for j < n (one monomorphic loop, so it stays optimised). */
function addScaled(dst: Float32Array, at: number, src: Float32Array, n: number, weight: number): void {
  for (let j = 0; j < n; j++) dst[at + j] += weight * src[j];
}
