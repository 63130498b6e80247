// A caching CPU allocator for libtorch tensors (and oneDNN's buffers, which ATen allocates through
// the same c10 CPU allocator). Training jobs run on libuv pool threads, and glibc gives every such
// thread its own malloc arena: 64 MB heaps that are unmapped as soon as they empty, and a fresh
// mmap for every block of 32 MB or more. libtorch frees and reallocates the same buffers every step,
// so with plain malloc each step faulted them in again, zero-filled (measured on the 3D CNN: 5,700 to
// 12,000 page faults per step, a third of its CPU time, varying with the pool thread and the heap
// state the earlier models left). This allocator keeps freed blocks of 64 KB or more, by exact
// size, and hands them out again; smaller blocks go straight to malloc, whose bins handle them well.
#pragma once
#include <c10/core/Allocator.h>

#include <cstddef>
#include <cstdint>

namespace medfed {

struct CpuCacheStats {
  /** Blocks of the cached sizes served from the cache / from a fresh allocation. */
  int64_t hits = 0, misses = 0;
  /** Bytes in freed blocks kept for reuse; bytes in cached-size blocks in use. */
  int64_t cachedBytes = 0, liveBytes = 0;
  /** Upper bound on cachedBytes (0: caching off). */
  int64_t limitBytes = 0;
};

/**
 * Installs the caching allocator as libtorch's CPU allocator (once; later calls only change the
 * limit). `limitBytes` caps the freed memory it keeps; 0 turns caching off (every block goes back).
 */
void installCpuCache(int64_t limitBytes);

/** Changes the cap on kept memory; blocks over it are released at once. */
void setCpuCacheLimit(int64_t limitBytes);

CpuCacheStats cpuCacheStats();

}  // namespace medfed
