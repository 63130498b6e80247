#include "losses.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace medfed {

namespace {

/**
 * Negative Cox partial log-likelihood per event, Breslow ties (tfjs/cox-loss.ts): rows sorted by
 * descending |time|, log S(t) = logcumsumexp of the risk scores up to the last row tied with t, so
 * every tied row is in the risk set; loss = -(1/D) sum over events (eta_i - log S(t_i)). No event:
 * 0 with a zero gradient.
 */
at::Tensor coxLoss(const at::Tensor& eta, const float* y, int64_t n) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [y](int64_t a, int64_t b) { return std::fabs(y[a]) > std::fabs(y[b]); });
  std::vector<int64_t> groupEnd(n);
  std::vector<double> event(n);
  int64_t events = 0;
  for (int64_t p = n - 1; p >= 0; p--) {
    const bool tiedWithNext = p + 1 < n && std::fabs(y[order[p]]) == std::fabs(y[order[p + 1]]);
    groupEnd[p] = tiedWithNext ? groupEnd[p + 1] : p;
    event[p] = y[order[p]] > 0 ? 1 : 0;
    events += y[order[p]] > 0;
  }
  if (events == 0) return (eta * 0).sum();
  const auto longs = at::TensorOptions().dtype(at::kLong);
  const auto dev = eta.device();
  at::Tensor sorted = eta.index_select(0, at::tensor(order, longs).to(dev));
  at::Tensor logS = at::logcumsumexp(sorted, 0).index_select(0, at::tensor(groupEnd, longs).to(dev));
  at::Tensor isEvent = at::tensor(event, at::TensorOptions().dtype(at::kDouble)).to(dev);
  return -((sorted - logS) * isEvent).sum() / static_cast<double>(events);
}

}  // namespace

bool isKnownLoss(const std::string& l) {
  return l == "softmax_cross_entropy" || l == "sigmoid_cross_entropy" || l == "mse" || l == "voxel_softmax_cross_entropy" ||
         l == "cox";
}

at::Tensor meanLoss(const std::string& loss, const at::Tensor& logits, const float* y, int64_t n, int64_t yPer) {
  const at::Tensor z = logits.to(at::kDouble);
  const at::Tensor target = at::from_blob(const_cast<float*>(y), {n * yPer}, at::kFloat).to(z.device());
  if (loss == "softmax_cross_entropy") return at::cross_entropy_loss(z, target.to(at::kLong));
  if (loss == "voxel_softmax_cross_entropy") {
    // One class index per voxel: target [n, ...spatial] against logits [n, classes, ...spatial].
    std::vector<int64_t> shape{n};
    shape.insert(shape.end(), z.sizes().begin() + 2, z.sizes().end());
    return at::cross_entropy_loss(z, target.to(at::kLong).reshape(shape));
  }
  if (loss == "sigmoid_cross_entropy") return at::binary_cross_entropy_with_logits(z.reshape({-1}), target.to(at::kDouble));
  if (loss == "cox") return coxLoss(z.reshape({-1}), y, n);
  return at::mse_loss(z, target.to(at::kDouble).view_as(z));
}

}  // namespace medfed
