#include "cpu_cache.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace medfed {

namespace {

/** Blocks below this go straight to malloc/free (glibc's bins keep them without page faults). */
constexpr size_t kMinCached = 64 * 1024;

class CpuCache {
 public:
  void* take(size_t n) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = bySize_.find(n);
      if (it != bySize_.end() && !it->second.empty()) {
        auto pos = it->second.back();
        it->second.pop_back();
        void* p = pos->second;
        freed_.erase(pos);
        stats_.cachedBytes -= static_cast<int64_t>(n);
        stats_.liveBytes += static_cast<int64_t>(n);
        stats_.hits++;
        live_.emplace(p, n);
        return p;
      }
    }
    void* p = nullptr;
    try {
      p = c10::alloc_cpu(n);
    } catch (const c10::Error&) {
      // Out of memory: give back every kept block, then try once more (throws again if still short).
      const int64_t limit = stats().limitBytes;
      setLimit(0);
      setLimit(limit);
      p = c10::alloc_cpu(n);
    }
    std::lock_guard<std::mutex> lock(mu_);
    stats_.misses++;
    stats_.liveBytes += static_cast<int64_t>(n);
    live_.emplace(p, n);
    return p;
  }

  /** Keeps a block this cache handed out; frees anything else (blocks of another allocator, small ones). */
  void give(void* p) {
    if (!p) return;
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = live_.find(p);
      if (it == live_.end()) {
        release.push_back(p);
      } else {
        const size_t n = it->second;
        live_.erase(it);
        stats_.liveBytes -= static_cast<int64_t>(n);
        if (static_cast<int64_t>(n) > stats_.limitBytes) {
          release.push_back(p);
        } else {
          evictUntil(stats_.limitBytes - static_cast<int64_t>(n), release);
          freed_.emplace_back(n, p);
          bySize_[n].push_back(std::prev(freed_.end()));
          stats_.cachedBytes += static_cast<int64_t>(n);
        }
      }
    }
    for (void* q : release) c10::free_cpu(q);
  }

  void setLimit(int64_t limit) {
    std::vector<void*> release;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.limitBytes = limit < 0 ? 0 : limit;
      evictUntil(stats_.limitBytes, release);
    }
    for (void* q : release) c10::free_cpu(q);
  }

  CpuCacheStats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  using Freed = std::list<std::pair<size_t, void*>>;

  /** Drops the oldest freed blocks until at most `keep` bytes are cached (caller holds mu_). */
  void evictUntil(int64_t keep, std::vector<void*>& release) {
    while (stats_.cachedBytes > keep && !freed_.empty()) {
      auto oldest = freed_.begin();
      auto& same = bySize_[oldest->first];
      for (auto i = same.begin(); i != same.end(); ++i) {
        if (*i == oldest) {
          same.erase(i);
          break;
        }
      }
      stats_.cachedBytes -= static_cast<int64_t>(oldest->first);
      release.push_back(oldest->second);
      freed_.erase(oldest);
    }
  }

  std::mutex mu_;
  Freed freed_;  // oldest first
  std::unordered_map<size_t, std::vector<Freed::iterator>> bySize_;
  std::unordered_map<void*, size_t> live_;
  CpuCacheStats stats_;
};

CpuCache& cache() {
  // Never destroyed: tensors may be freed during process exit, after static destructors ran.
  static CpuCache* c = new CpuCache();
  return *c;
}

void deleteBlock(void* p) { cache().give(p); }

class CachingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t n) const override {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n == 0) return {nullptr, nullptr, &deleteBlock, cpu};
    void* p = n >= kMinCached ? cache().take(n) : c10::alloc_cpu(n);
    return {p, p, &deleteBlock, cpu};
  }
  // The same deleter for every block, so raw_allocate / raw_deallocate (oneDNN's buffers) work.
  c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
};

}  // namespace

void installCpuCache(int64_t limitBytes) {
  static CachingCpuAllocator* allocator = [] {
    auto* a = new CachingCpuAllocator();
    // Priority above the default allocator's, so nothing registered later at priority 0 replaces it.
    c10::SetCPUAllocator(a, 10);
    return a;
  }();
  (void)allocator;
  cache().setLimit(limitBytes);
}

void setCpuCacheLimit(int64_t limitBytes) { cache().setLimit(limitBytes); }

CpuCacheStats cpuCacheStats() { return cache().stats(); }

}  // namespace medfed
