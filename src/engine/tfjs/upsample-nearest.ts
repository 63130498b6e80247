/**
 * Nearest-neighbour upsampling by integer factors on channels-last data [n, ...spatial, c]:
 * out[.., i*f + r, ..] = in[.., i, ..] for r = 0..f-1 on every spatial axis, which is PyTorch's
 * nn.Upsample(scale_factor=f, mode='nearest') (source index floor(i_out / f)). Pure functions on
 * arrays, so every backend (and every engine) computes the same values.
 */

/** One axis: [outer, len, inner] -> [outer, len*f, inner]. */
function repeatAxis(src: Float32Array, outer: number, len: number, inner: number, f: number): Float32Array {
  const dst = new Float32Array(src.length * f);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    for (let l = 0; l < len; l++) {
      const from = (a * len + l) * inner;
      const block = src.subarray(from, from + inner);
      for (let r = 0; r < f; r++, o += inner) dst.set(block, o);
    }
  }
  return dst;
}

/** The adjoint of repeatAxis: [outer, len*f, inner] summed to [outer, len, inner]. */
function sumAxis(src: Float32Array, outer: number, len: number, inner: number, f: number): Float32Array {
  const dst = new Float32Array(src.length / f);
  let i = 0;
  for (let a = 0; a < outer; a++) {
    for (let l = 0; l < len; l++) {
      const to = (a * len + l) * inner;
      for (let r = 0; r < f; r++, i += inner) {
        for (let k = 0; k < inner; k++) dst[to + k] += src[i + k];
      }
    }
  }
  return dst;
}

/** `shape` is the input's full shape [n, ...spatial, c]; `factors` one per spatial axis. */
export function upsampleNearest(x: Float32Array, shape: readonly number[], factors: readonly number[]): Float32Array {
  let data = x;
  const dims = [...shape];
  factors.forEach((f, a) => {
    if (f === 1) return;
    const axis = a + 1;
    const outer = dims.slice(0, axis).reduce((p, q) => p * q, 1);
    const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
    data = repeatAxis(data, outer, dims[axis], inner, f);
    dims[axis] *= f;
  });
  return data === x ? new Float32Array(x) : data;
}

/** Gradient of upsampleNearest: `dy` has the upsampled shape; returns d/dx with the shape `shape`. */
export function upsampleNearestGrad(dy: Float32Array, shape: readonly number[], factors: readonly number[]): Float32Array {
  let data = dy;
  const dims = shape.map((d, a) => (a >= 1 && a <= factors.length ? d * factors[a - 1] : d));
  for (let a = factors.length - 1; a >= 0; a--) {
    const f = factors[a];
    if (f === 1) continue;
    const axis = a + 1;
    dims[axis] /= f;
    const outer = dims.slice(0, axis).reduce((p, q) => p * q, 1);
    const inner = dims.slice(axis + 1).reduce((p, q) => p * q, 1);
    data = sumAxis(data, outer, dims[axis], inner, f);
  }
  return data === dy ? new Float32Array(dy) : data;
}
