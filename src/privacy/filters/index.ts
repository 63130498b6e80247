export { applyFilters } from './chain.js';
export { excludeLayers, globToRegExp } from './exclude-layers.js';
export { normClip } from './norm-clip.js';
export { percentileOfSorted, percentileSparsify } from './percentile.js';
export { quantize8bit } from './quantize-filter.js';
export { dequantizeTensor, QUANTIZED_HEADER_BYTES, quantizeTensor, type QuantizedTensor, type Rounding } from './quantize-8bit.js';
export { createFilter, filterNames, getFilterPlugin, parseFilterChain, registerFilter } from './registry.js';
export { topK } from './top-k.js';
export type { FilterContext, FilterInput, FilterOptionValue, FilterPlugin, FilterRecord, UpdateFilter } from './types.js';
