// The mean losses of core/model-spec.ts on channels-first logits, in float64 (as the TF.js engine's
// tfjs/losses.ts computes them), differentiable by autograd.
#pragma once
#include <ATen/ATen.h>

#include <string>

namespace medfed {

bool isKnownLoss(const std::string& loss);

/**
 * `logits` [n, k] (or [n, k, ...spatial] for voxel_softmax_cross_entropy); `y` the n examples'
 * labels, `yPer` per example: class indices, 0/1, regression targets (n * k), one class index per
 * voxel in spatial order, or cox's +time (event) / -time (censored).
 */
at::Tensor meanLoss(const std::string& loss, const at::Tensor& logits, const float* y, int64_t n, int64_t yPer);

}  // namespace medfed
