// libtorch's intra-op thread count as medfed sets it (addon setNumThreads, MEDFED_TORCH_THREADS).
// at::set_num_threads stores a process-wide count, but the OpenMP count behind it is per thread and
// ATen copies the stored count into a thread only the first time that thread runs an op: a libuv
// pool thread that trained once under 1 thread kept 1 after setNumThreads(2). Every job therefore
// re-applies the wanted count on the thread it runs on.
#pragma once
#include <ATen/Parallel.h>

#include <atomic>

namespace medfed {

inline std::atomic<int>& wantedThreads() {
  static std::atomic<int> n{1};
  return n;
}

/** Sets the count for the calling thread and for every later job. */
inline void setThreads(int n) {
  wantedThreads().store(n);
  at::set_num_threads(n);
}

/** On a worker thread, before running a job: the count setThreads asked for. */
inline void applyThreads() {
  const int n = wantedThreads().load();
  if (at::get_num_threads() != n) at::set_num_threads(n);
}

}  // namespace medfed
