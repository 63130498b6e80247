// glibc malloc settings for training. libtorch allocates and frees its large per-step buffers
// (im2col columns, activations, gradients) on every step. With glibc's defaults those blocks go
// back to the kernel on free (mmap/munmap, heap trimming) and every step faults them in again,
// zero-filled: thousands of page faults per step on the benchmark CNNs (measured: 6,000 per step
// on the 1D CNN, 15-25% of the CPU time). Keeping freed memory in the heap removes most of them.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace medfed {

/** Blocks up to 32 MB come from the heap (glibc's maximum), and up to 512 MB of free heap is kept. */
inline void tuneAllocator() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
#endif
}

}  // namespace medfed
