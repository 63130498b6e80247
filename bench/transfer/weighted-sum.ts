import type { BlobSink } from '../../src/transport/grpc/message-assembler.js';

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
    let scratch = new Uint8Array(0);
    const carry = new Uint8Array(4);
    let carried = 0;
    let next = 0;
    return {
      received: () => next,
      chunk: (_blob, offset, bytes) => {
        if (offset !== next) throw new Error(`update bytes out of order: got offset ${offset}, expected ${next}`);
        next += bytes.byteLength;
        if (carried === 0 && bytes.byteOffset % 4 === 0 && bytes.byteLength % 4 === 0) {
          // Whole floats in an aligned view: added in place, no copy. (Over the wire a chunk's payload
          // starts at byte 17 of its frame, so it takes the copy below; measured, that costs little.)
          addScaled(sum.subarray(offset >> 2, (offset + bytes.byteLength) >> 2), new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2), weight);
          return;
        }
        const count = carried + bytes.byteLength;
        if (scratch.byteLength < count) scratch = new Uint8Array(Math.max(count, 1 << 20) + 4);
        scratch.set(carry.subarray(0, carried), 0);
        scratch.set(bytes, carried);
        const whole = count >> 2;
        const base = (offset - carried) >> 2;
        addScaled(sum.subarray(base, base + whole), new Float32Array(scratch.buffer, 0, whole), weight);
        carried = count - whole * 4;
        carry.set(scratch.subarray(whole * 4, count), 0);
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

/** dst[j] += weight * src[j] (one monomorphic loop, so it stays optimised). */
function addScaled(dst: Float32Array, src: Float32Array, weight: number): void {
  const n = src.length;
  for (let j = 0; j < n; j++) dst[j] += weight * src[j];
}
