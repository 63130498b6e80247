// Bit-exact port of core/random.ts (pure-rand 8 xoroshiro128plus + uniformFloat64, deriveSeed,
// Rng.int/permutation) and engine/tfjs/dropout-mask.ts, so the native engine shuffles and drops
// exactly the same examples and units as the TF.js engine for the same seed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace medfed {

class Rng {
 public:
  explicit Rng(int32_t seed) : s01_(0xffffffffu), s00_(~uint32_t(seed)), s11_(uint32_t(seed)), s10_(0) {}

  uint32_t next() {
    const uint32_t out = s00_ + s10_;
    const uint32_t a0 = s10_ ^ s00_;
    const uint32_t a1 = s11_ ^ s01_;
    const uint32_t s00 = s00_;
    const uint32_t s01 = s01_;
    s00_ = (s00 << 24) ^ (s01 >> 8) ^ a0 ^ (a0 << 16);
    s01_ = (s01 << 24) ^ (s00 >> 8) ^ a1 ^ ((a1 << 16) | (a0 >> 16));
    s10_ = (a1 << 5) ^ (a0 >> 27);
    s11_ = (a0 << 5) ^ (a1 >> 27);
    return out;
  }

  /** Uniform in [0, 1) with 53 random bits (pure-rand uniformFloat64). */
  double uniform() {
    const uint32_t v1 = next() & 67108863u;
    const uint32_t v2 = next() & 134217727u;
    return v1 * 1.4901161193847656e-8 + v2 * 1.1102230246251565e-16;
  }

  /** Uniform integer in [0, n). */
  int64_t below(int64_t n) {
    const int64_t v = static_cast<int64_t>(uniform() * static_cast<double>(n));
    return v < n - 1 ? v : n - 1;
  }

 private:
  uint32_t s01_, s00_, s11_, s10_;
};

/** core/random.ts deriveSeed over labels already joined with '\0'. */
inline int32_t deriveSeedText(int32_t seed, const std::string& text) {
  uint32_t h = 0x811c9dc5u ^ uint32_t(seed);
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x01000193u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return int32_t(h);
}

inline int32_t deriveSeed(int32_t seed, const std::string& label, int64_t k) {
  std::string text = label;
  text.push_back('\0');
  text += std::to_string(k);
  return deriveSeedText(seed, text);
}

/** Rng.derive(seed, 'epoch', epoch).permutation(n). */
inline std::vector<int64_t> epochPermutation(int32_t seed, int64_t epoch, int64_t n) {
  Rng rng(deriveSeed(seed, "epoch", epoch));
  std::vector<int64_t> p(n);
  for (int64_t i = 0; i < n; i++) p[i] = i;
  for (int64_t i = n - 1; i > 0; i--) {
    const int64_t j = rng.below(i + 1);
    std::swap(p[i], p[j]);
  }
  return p;
}

/**
 * tfjs/dropout-mask.ts dropoutMask: channels-last order, batch first. `layer` is the top-level
 * layer index as text ("3"), or the layer path inside a concatSkip block ("3.layers.1").
 */
inline void dropoutMask(int32_t seed, const std::string& layer, int64_t size, double rate, float* out) {
  Rng rng(deriveSeedText(seed, std::string("dropout") + '\0' + layer));
  const float keep = static_cast<float>(1.0 / (1.0 - rate));
  for (int64_t i = 0; i < size; i++) out[i] = rng.uniform() >= rate ? keep : 0.0f;
}

/** tfjs/dropout-mask.ts stepDropoutSeed. */
inline int32_t stepDropoutSeed(int32_t trainSeed, int64_t step) { return deriveSeed(trainSeed, "dropout-step", step); }

}  // namespace medfed
