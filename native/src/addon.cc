// medfed's native training engine: module entry. Exports NativeModel and a few helpers the
// TypeScript side (src/engine/libtorch/) and its tests use.
#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/csrc/api/include/torch/version.h>
#include <napi.h>

#include <cstdlib>
#include <cstring>

#include "allocator.h"
#include "cpu_cache.h"
#include "js_util.h"
#include "model_wrap.h"
#include "rng.h"
#include "threads.h"

namespace medfed {

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("torch", TORCH_VERSION);
  o.Set("threads", at::get_num_threads());
  o.Set("cuda", at::hasCUDA());
  return o;
}

static Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const int64_t n = intValue(info[0], "threads");
    if (n >= 1) setThreads(static_cast<int>(n));
    return Napi::Number::New(info.Env(), at::get_num_threads());
  });
}

/** The dropout mask the engine draws (tests compare it with tfjs/dropout-mask.ts). */
static Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const int64_t size = intValue(info[2], "size");
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), size);
    dropoutMask(static_cast<int32_t>(intValue(info[0], "seed")), std::to_string(intValue(info[1], "layer")), size, numberValue(info[3], "rate"), out.Data());
    return out;
  });
}

/** The example order of an epoch (tests compare it with core/random.ts). */
static Napi::Value Permutation(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const int64_t n = intValue(info[2], "n");
    auto p = epochPermutation(static_cast<int32_t>(intValue(info[0], "seed")), intValue(info[1], "epoch"), n);
    Napi::Int32Array out = Napi::Int32Array::New(info.Env(), n);
    for (int64_t i = 0; i < n; i++) out[i] = static_cast<int32_t>(p[i]);
    return out;
  });
}

/** cpuCache(limitBytes?): the caching CPU allocator's counters, after setting its limit when given. */
static Napi::Value CpuCache(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    if (info.Length() > 0 && !info[0].IsUndefined()) setCpuCacheLimit(intValue(info[0], "limitBytes"));
    const CpuCacheStats s = cpuCacheStats();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("hits", static_cast<double>(s.hits));
    o.Set("misses", static_cast<double>(s.misses));
    o.Set("cachedBytes", static_cast<double>(s.cachedBytes));
    o.Set("liveBytes", static_cast<double>(s.liveBytes));
    o.Set("limitBytes", static_cast<double>(s.limitBytes));
    return o;
  });
}

/** MEDFED_TORCH_CACHE_MB: the most freed memory the CPU cache keeps (default 1024; 0 turns it off). */
static int64_t cacheLimitFromEnv() {
  const char* v = std::getenv("MEDFED_TORCH_CACHE_MB");
  if (!v || !*v) return int64_t{1024} << 20;
  char* end = nullptr;
  const long long mb = std::strtoll(v, &end, 10);
  return end && *end == 0 && mb >= 0 ? static_cast<int64_t>(mb) << 20 : int64_t{1024} << 20;
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  setThreads(1);
  tuneAllocator();
  installCpuCache(cacheLimitFromEnv());
  exports.Set("NativeModel", NativeModel::Init(env));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("cpuCache", Napi::Function::New(env, CpuCache));
  exports.Set("dropoutMask", Napi::Function::New(env, DropoutMask));
  exports.Set("permutation", Napi::Function::New(env, Permutation));
  return exports;
}

}  // namespace medfed

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return medfed::Init(env, exports); }

NODE_API_MODULE(medfed_torch, InitAddon)
