#include "train.h"

#include <cmath>
#include <cstring>

#include "errors.h"
#include "rng.h"

namespace medfed {

namespace {
const char* const kLrHint = "lower the learning rate, normalise the features, or clip gradients";
}

Optimizer::Optimizer(OptimSpec spec, const std::vector<int64_t>& sizes, GradientExtras extras)
    : s_(std::move(spec)), extras_(std::move(extras)) {
  for (auto size : sizes) {
    m_.emplace_back(s_.name != "sgd" ? size : 0, 0.0f);
    v_.emplace_back(s_.name == "adam" ? size : 0, 0.0f);
  }
}

double Optimizer::step(std::vector<at::Tensor>& weights, const std::vector<const float*>& grads) {
  t_++;
  const double lr = s_.lr, wd = s_.weightDecay, mom = s_.momentum, b1 = s_.beta1, b2 = s_.beta2, eps = s_.epsilon;
  const double bc1 = 1 - std::pow(b1, static_cast<double>(t_));
  const double bc2Sqrt = std::sqrt(1 - std::pow(b2, static_cast<double>(t_)));
  const double stepSize = lr / bc1;
  const double mu = extras_.mu;
  const int kind = s_.name == "sgd" ? 0 : s_.name == "momentum" ? 1 : 2;
  double proxSum = 0;
  for (size_t k = 0; k < weights.size(); k++) {
    float* w = weights[k].data_ptr<float>();
    const float* g = grads[k];
    const int64_t len = weights[k].numel();
    const float* c = k < extras_.correction.size() && !extras_.correction[k].empty() ? extras_.correction[k].data() : nullptr;
    const float* a = k < extras_.anchor.size() && !extras_.anchor[k].empty() ? extras_.anchor[k].data() : nullptr;
    float* m = m_[k].data();
    float* v = v_[k].data();
    for (int64_t i = 0; i < len; i++) {
      const double wi = w[i];
      double gi = static_cast<double>(g[i]) + wd * wi;
      if (a) {
        const double d = wi - static_cast<double>(a[i]);
        proxSum += d * d;
        gi += mu * d;
      }
      if (c) gi += static_cast<double>(c[i]);
      if (kind == 0) {
        w[i] = static_cast<float>(wi - lr * gi);
      } else if (kind == 1) {
        const double b = t_ == 1 ? gi : mom * static_cast<double>(m[i]) + gi;
        m[i] = static_cast<float>(b);
        w[i] = static_cast<float>(wi - lr * b);
      } else {
        const double mi = b1 * static_cast<double>(m[i]) + (1 - b1) * gi;
        const double vi = b2 * static_cast<double>(v[i]) + (1 - b2) * gi * gi;
        m[i] = static_cast<float>(mi);
        v[i] = static_cast<float>(vi);
        w[i] = static_cast<float>(wi - (stepSize * mi) / (std::sqrt(vi) / bc2Sqrt + eps));
      }
    }
  }
  return proxSum;
}

std::vector<at::Tensor> trainableWeights(Net& net) {
  std::vector<at::Tensor> w;
  for (int i : net.trainable) w.push_back(net.params[i]);
  return w;
}

double trainEpoch(Net& net, TrainSession& session, const float* x, const float* y, int64_t n, int64_t epoch) {
  const int64_t per = net.featuresPerExample();
  const int64_t yPer = net.targetsPerExample();
  const int64_t bs = std::min(session.batchSize, n);
  const bool hasDropout = net.hasDropout();
  std::vector<float> xBuf(bs * per), yBuf(bs * yPer);
  std::vector<at::Tensor> weights = trainableWeights(net);
  const auto order = epochPermutation(session.seed, epoch, n);
  double total = 0;
  for (int64_t start = 0; start < n; start += bs) {
    const int64_t m = std::min(bs, n - start);
    for (int64_t r = 0; r < m; r++) {
      const int64_t j = order[start + r];
      std::memcpy(xBuf.data() + r * per, x + j * per, per * sizeof(float));
      std::memcpy(yBuf.data() + r * yPer, y + j * yPer, yPer * sizeof(float));
    }
    ForwardMode mode;
    mode.training = true;
    mode.updateRunning = true;
    if (hasDropout) mode.dropoutSeed = stepDropoutSeed(session.seed, session.steps);
    LossAndGrads r = net.lossAndGrads(xBuf.data(), yBuf.data(), m, mode);
    if (!std::isfinite(r.loss)) {
      throw NativeError(kDivergence,
                        "training loss became " + formatNumber(r.loss) + " at epoch " + std::to_string(epoch) + ", step " +
                            std::to_string(session.steps),
                        "optimizer.lr", kLrHint);
    }
    std::vector<const float*> g;
    for (auto& t : r.grads) g.push_back(t.data_ptr<float>());
    const double proxSum = session.optimizer.step(weights, g);
    total += (r.loss + session.optimizer.halfMu() * proxSum) * static_cast<double>(m);
    session.steps++;
  }
  return total / static_cast<double>(n);
}

ClippedSum clippedGradientSum(Net& net, const float* x, const float* y, int64_t m, double clipNorm,
                              const std::vector<std::optional<int32_t>>& dropoutSeeds) {
  const int64_t per = net.featuresPerExample();
  const int64_t yPer = net.targetsPerExample();
  ClippedSum out;
  for (int i : net.trainable) out.sums.emplace_back(net.params[i].numel(), 0.0);
  for (int64_t r = 0; r < m; r++) {
    ForwardMode mode;
    mode.training = true;
    if (r < static_cast<int64_t>(dropoutSeeds.size())) mode.dropoutSeed = dropoutSeeds[r];
    LossAndGrads res = net.lossAndGrads(x + r * per, y + r * yPer, 1, mode);
    out.lossSum += res.loss;
    if (!std::isfinite(res.loss)) return out;
    double sq = 0;
    for (auto& g : res.grads) {
      const float* p = g.data_ptr<float>();
      for (int64_t i = 0; i < g.numel(); i++) sq += static_cast<double>(p[i]) * p[i];
    }
    const double norm = std::sqrt(sq);
    const double f = norm > clipNorm ? clipNorm / norm : 1;
    if (f == 1) out.unclipped++;
    for (size_t k = 0; k < res.grads.size(); k++) {
      const float* p = res.grads[k].data_ptr<float>();
      double* s = out.sums[k].data();
      for (int64_t i = 0; i < res.grads[k].numel(); i++) s[i] += f * p[i];
    }
  }
  return out;
}

void inferLogits(Net& net, const float* x, int64_t n, float* out) {
  c10::InferenceMode guard;
  const int64_t per = net.featuresPerExample();
  int64_t k = 0;
  for (int64_t start = 0; start < n; start += 1024) {
    const int64_t m = std::min<int64_t>(1024, n - start);
    at::Tensor logits = net.forward(x + start * per, m, ForwardMode{}).to(at::kCPU);
    if (logits.dim() > 2) {
      // A per-voxel output [m, classes, ...spatial] goes out channels-last, as the TF.js engine gives it.
      std::vector<int64_t> perm{0};
      for (int64_t d = 2; d < logits.dim(); d++) perm.push_back(d);
      perm.push_back(1);
      logits = logits.permute(perm);
    }
    logits = logits.contiguous();
    if (k == 0) k = logits.numel() / m;
    std::memcpy(out + start * k, logits.data_ptr<float>(), m * k * sizeof(float));
  }
}

void checkFiniteWeights(Net& net) {
  for (auto& p : net.params) {
    at::NoGradGuard g;
    if (!at::isfinite(p).all().item<bool>()) {
      throw NativeError(kDivergence, "weights became non-finite during training", "optimizer.lr", kLrHint);
    }
  }
}

}  // namespace medfed
