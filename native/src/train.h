// Training on a Net: optimizer steps fused with weight decay, FedProx and SCAFFOLD terms
// (mirrors engine/tfjs/fused-optimizer.ts), mini-batch epochs (tfjs/train-loop.ts) and clipped
// per-example gradient sums for DP-SGD (tfjs/per-example-gradients.ts).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "net.h"

namespace medfed {

struct OptimSpec {
  std::string name = "adam";
  double lr = 1e-3, momentum = 0.9, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0;
};

/** Per trainable tensor (trainable order); empty vectors where absent. */
struct GradientExtras {
  std::vector<std::vector<float>> correction;
  double mu = 0;
  std::vector<std::vector<float>> anchor;
};

class Optimizer {
 public:
  Optimizer(OptimSpec spec, const std::vector<int64_t>& sizes, GradientExtras extras);
  /** One step on `weights` (contiguous CPU float32); returns sum((w - anchor)^2) before it. */
  double step(std::vector<at::Tensor>& weights, const std::vector<const float*>& grads);
  double halfMu() const { return extras_.mu / 2; }

 private:
  OptimSpec s_;
  GradientExtras extras_;
  std::vector<std::vector<float>> m_, v_;
  int64_t t_ = 0;
};

struct TrainSession {
  Optimizer optimizer;
  int32_t seed;
  int64_t batchSize;
  int64_t steps = 0;
};

/** One epoch of mini-batch training; returns the mean training loss (with the FedProx term). */
double trainEpoch(Net& net, TrainSession& session, const float* x, const float* y, int64_t n, int64_t epoch);

struct ClippedSum {
  std::vector<std::vector<double>> sums;
  double lossSum = 0;
  int64_t unclipped = 0;
};

ClippedSum clippedGradientSum(Net& net, const float* x, const float* y, int64_t m, double clipNorm,
                              const std::vector<std::optional<int32_t>>& dropoutSeeds);

/** Inference-mode logits (channels-last per example), 1024 examples per forward pass. */
void inferLogits(Net& net, const float* x, int64_t n, float* out);

/** Throws NUMERIC_DIVERGENCE when a weight is not finite. */
void checkFiniteWeights(Net& net);

/** The trainable tensors of `net`, contiguous CPU float32 (for the fused optimizer). */
std::vector<at::Tensor> trainableWeights(Net& net);

}  // namespace medfed
