#include "net.h"

#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <sstream>

#include "errors.h"
#include "losses.h"
#include "recurrent.h"
#include "rng.h"

namespace medfed {

namespace {

const char* const kKnownLayers[] = {"dense",     "conv1d",    "conv2d",    "conv3d",    "maxPool1d", "avgPool1d",  "maxPool2d",
                                    "avgPool2d", "maxPool3d", "avgPool3d", "flatten",   "dropout",   "batchNorm",  "activation", "lstm", "gru",
                                    "upsample",  "concatSkip"};

std::string shapeText(at::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); i++) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

/** Channels-last per-example shape -> channels-first. */
std::vector<int64_t> channelsFirst(const std::vector<int64_t>& s) {
  if (s.size() <= 1) return s;
  std::vector<int64_t> out{s.back()};
  out.insert(out.end(), s.begin(), s.end() - 1);
  return out;
}

at::Tensor activate(const at::Tensor& x, const std::string& a) {
  if (a == "relu") return at::relu(x);
  if (a == "tanh") return at::tanh(x);
  if (a == "sigmoid") return at::sigmoid(x);
  return x;
}

struct Padding {
  std::vector<int64_t> before, after;
  bool symmetric() const { return before == after; }
  bool none() const {
    for (size_t i = 0; i < before.size(); i++)
      if (before[i] || after[i]) return false;
    return true;
  }
  /** constant_pad_nd order: last dimension first. */
  std::vector<int64_t> list() const {
    std::vector<int64_t> p;
    for (size_t i = before.size(); i-- > 0;) {
      p.push_back(before[i]);
      p.push_back(after[i]);
    }
    return p;
  }
};

/** TF.js/TensorFlow "same" padding (out = ceil(n / s), the odd pixel after); zeros for "valid". */
Padding padding(const LayerDef& L) {
  const size_t nd = L.kernel.size();
  Padding p{std::vector<int64_t>(nd, 0), std::vector<int64_t>(nd, 0)};
  if (!L.same) return p;
  for (size_t d = 0; d < nd; d++) {
    const int64_t n = L.inShape[d], k = L.kernel[d], s = L.stride[d];
    const int64_t out = (n + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + k - n, 0);
    p.before[d] = total / 2;
    p.after[d] = total - total / 2;
  }
  return p;
}

at::Tensor maxPool(const at::Tensor& x, at::IntArrayRef k, at::IntArrayRef s, at::IntArrayRef pad) {
  const std::vector<int64_t> dil(k.size(), 1);
  if (k.size() == 1) return at::max_pool1d(x, k, s, pad, dil, false);
  if (k.size() == 2) return at::max_pool2d(x, k, s, pad, dil, false);
  return at::max_pool3d(x, k, s, pad, dil, false);
}

at::Tensor avgPool(const at::Tensor& x, at::IntArrayRef k, at::IntArrayRef s, at::IntArrayRef pad, bool countPad) {
  if (k.size() == 1) return at::avg_pool1d(x, k, s, pad, false, countPad);
  if (k.size() == 2) return at::avg_pool2d(x, k, s, pad, false, countPad, c10::nullopt);
  return at::avg_pool3d(x, k, s, pad, false, countPad, c10::nullopt);
}

/** Nearest-neighbour upsampling of [n, c, ...spatial] by integer factors: out[i] = in[floor(i / f)] on every axis. */
at::Tensor upsampleNearest(const at::Tensor& x, const std::vector<int64_t>& f) {
  // [n, c, d0, d1, ..] -> [n, c, d0, 1, d1, 1, ..] -> expand the 1s to f -> merge each pair: exact for any factor.
  std::vector<int64_t> split{x.size(0), x.size(1)}, expanded{x.size(0), x.size(1)}, out{x.size(0), x.size(1)};
  for (int64_t d = 2; d < x.dim(); d++) {
    const int64_t k = f[d - 2];
    split.insert(split.end(), {x.size(d), 1});
    expanded.insert(expanded.end(), {x.size(d), k});
    out.push_back(x.size(d) * k);
  }
  return x.reshape(split).expand(expanded).reshape(out);
}

template <typename F>
bool anyLayer(const std::vector<LayerDef>& list, F pred) {
  for (auto& L : list)
    if (pred(L) || anyLayer(L.children, pred)) return true;
  return false;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::ostringstream o;
  o << v;
  return o.str();
}

}  // namespace

std::string layerWhere(const LayerDef& L) {
  if (L.path.empty()) return "layers[" + std::to_string(L.index) + "] (" + L.type + ")";
  std::string where = "layers[" + L.path + "] (" + L.type + ")";
  for (size_t pos; (pos = where.find(".layers.")) != std::string::npos;) where.replace(pos, 8, "].layers[");
  return where;
}

Net::Net(std::vector<LayerDef> layers, std::vector<ParamDef> defs, std::string loss, std::vector<int64_t> inputShape,
         int64_t outputs)
    : paramDefs(std::move(defs)), layers_(std::move(layers)), loss_(std::move(loss)), inputShape_(std::move(inputShape)),
      outputs_(outputs) {
  per_ = 1;
  for (auto d : inputShape_) per_ *= d;
  if (!isKnownLoss(loss_)) {
    throw NativeError(kUnknownName, "unknown loss \"" + loss_ + "\"", "loss",
                      "use softmax_cross_entropy, sigmoid_cross_entropy, mse, voxel_softmax_cross_entropy or cox");
  }
  if (loss_ == "mse") yPer_ = outputs_;
  if (loss_ == "voxel_softmax_cross_entropy" && !layers_.empty()) {
    // Channels-last output [...spatial, classes]: one label per voxel.
    const auto& out = layers_.back().outShape;
    for (size_t d = 0; d + 1 < out.size(); d++) yPer_ *= out[d];
  }
  for (size_t i = 0; i < paramDefs.size(); i++) {
    auto t = at::zeros(paramDefs[i].shape, at::kFloat);
    if (paramDefs[i].trainable) {
      t.set_requires_grad(true);
      trainable.push_back(static_cast<int>(i));
      trainableParams_.push_back(t);
    }
    params.push_back(t);
  }
  checkSpec();
}

bool Net::hasDropout() const {
  return anyLayer(layers_, [](const LayerDef& L) { return L.type == "dropout"; });
}

bool Net::hasBatchNorm() const {
  return anyLayer(layers_, [](const LayerDef& L) { return L.type == "batchNorm"; });
}

/** Every layer type known and a dry run of two examples giving each layer its expected shape. */
void Net::checkSpec() {
  anyLayer(layers_, [](const LayerDef& L) {
    bool known = false;
    for (auto* k : kKnownLayers) known = known || L.type == k;
    if (!known) {
      throw NativeError(kUnknownName,
                        "layer " + std::to_string(L.index) + " (" + L.type + "): the native engine has no layer type \"" +
                            L.type + "\"",
                        layerWhere(L), "see docs/native-engine.md for the layer types the libtorch engine supports");
    }
    if (L.type.rfind("conv", 0) == 0 && L.weight < 0) {
      throw NativeError(kShapeMismatch, "layer " + std::to_string(L.index) + " (" + L.type + "): has no weight tensor",
                        layerWhere(L));
    }
    return false;
  });
  std::vector<float> zeros(2 * per_, 0.0f);
  at::NoGradGuard g;
  forward(zeros.data(), 2, ForwardMode{});
}

at::Tensor Net::forward(const float* x, int64_t n, const ForwardMode& mode) {
  std::vector<int64_t> shape{n};
  shape.insert(shape.end(), inputShape_.begin(), inputShape_.end());
  at::Tensor h = at::from_blob(const_cast<float*>(x), shape, at::kFloat);
  if (shape.size() > 2) {
    std::vector<int64_t> perm{0, static_cast<int64_t>(shape.size()) - 1};
    for (size_t d = 1; d + 1 < shape.size(); d++) perm.push_back(static_cast<int64_t>(d));
    h = h.permute(perm);
  }
  return runLayers(layers_, h.contiguous(), n, mode);
}

at::Tensor Net::runLayers(const std::vector<LayerDef>& list, at::Tensor h, int64_t n, const ForwardMode& mode) {
  for (auto& L : list) {
    try {
      h = L.type == "concatSkip" ? at::cat({h, runLayers(L.children, h, n, mode)}, 1) : layer(L, h, mode);
    } catch (const NativeError&) {
      throw;
    } catch (const c10::Error& e) {
      throw NativeError(kEngineFailure, "layer " + std::to_string(L.index) + " (" + L.type + "): " + e.what_without_backtrace(),
                        layerWhere(L), "check the layer's fields and the shapes in the model spec");
    }
    std::vector<int64_t> want{n};
    auto cf = channelsFirst(L.outShape);
    want.insert(want.end(), cf.begin(), cf.end());
    if (h.sizes() != at::IntArrayRef(want)) {
      throw NativeError(kShapeMismatch,
                        "layer " + std::to_string(L.index) + " (" + L.type + "): produced " + shapeText(h.sizes()) +
                            " (channels-first) but the model spec expects " + shapeText(want),
                        layerWhere(L), "check the layer order and the input shape in the model spec");
    }
  }
  return h;
}

at::Tensor Net::layer(const LayerDef& L, const at::Tensor& x, const ForwardMode& mode) {
  const std::string& t = L.type;
  auto P = [&](int i) { return i >= 0 ? params[i] : at::Tensor(); };
  if (t == "dense") {
    if (x.dim() != 2) {
      throw NativeError(kShapeMismatch, "layer " + std::to_string(L.index) + " (dense): needs a flat input, got " + shapeText(x.sizes()),
                        layerWhere(L), "add a flatten layer before it");
    }
    return activate(at::linear(x, P(L.weight), P(L.bias)), L.activation);
  }
  if (t == "conv1d" || t == "conv2d" || t == "conv3d") {
    const size_t nd = L.kernel.size();
    if (static_cast<size_t>(x.dim()) != nd + 2) {
      throw NativeError(kShapeMismatch,
                        "layer " + std::to_string(L.index) + " (" + t + "): needs a " + std::to_string(nd + 2) +
                            "-d batch (channels and " + std::to_string(nd) + " spatial dims), got " + shapeText(x.sizes()),
                        layerWhere(L), "check the layer order and the input shape in the model spec");
    }
    const Padding p = padding(L);
    at::Tensor in = x;
    std::vector<int64_t> pad = p.before;
    if (!p.symmetric()) {
      in = at::constant_pad_nd(x, p.list(), 0);
      pad.assign(nd, 0);
    }
    const std::vector<int64_t> ones(nd, 1), zeros(nd, 0);
    at::Tensor y = at::convolution(in, P(L.weight), P(L.bias), L.stride, pad, ones, false, zeros, 1);
    return activate(y, L.activation);
  }
  if (t.find("Pool") != std::string::npos) {
    const bool isMax = t.rfind("max", 0) == 0;
    const Padding p = padding(L);
    if (p.none()) return isMax ? maxPool(x, L.kernel, L.stride, p.before) : avgPool(x, L.kernel, L.stride, p.before, true);
    if (p.symmetric()) {
      return isMax ? maxPool(x, L.kernel, L.stride, p.before) : avgPool(x, L.kernel, L.stride, p.before, false);
    }
    const std::vector<int64_t> zeros(L.kernel.size(), 0);
    if (isMax) return maxPool(at::constant_pad_nd(x, p.list(), -INFINITY), L.kernel, L.stride, zeros);
    // Average over the real values only (TensorFlow's "same"): zero-padded mean / fraction of real cells.
    std::vector<int64_t> oneShape{1, 1};
    oneShape.insert(oneShape.end(), x.sizes().begin() + 2, x.sizes().end());
    at::Tensor frac = avgPool(at::constant_pad_nd(at::ones(oneShape, x.options().requires_grad(false)), p.list(), 0),
                              L.kernel, L.stride, zeros, true);
    return avgPool(at::constant_pad_nd(x, p.list(), 0), L.kernel, L.stride, zeros, true) / frac;
  }
  if (isRecurrentLayer(t)) return recurrentForward(L, x, params);
  if (t == "upsample") {
    if (static_cast<int64_t>(L.scale.size()) != x.dim() - 2) {
      throw NativeError(kShapeMismatch, "layer " + std::to_string(L.index) + " (upsample): needs one factor per spatial axis, got " +
                                            std::to_string(L.scale.size()) + " for " + shapeText(x.sizes()),
                        layerWhere(L), "check the layer's scaleFactor and the input shape in the model spec");
    }
    return upsampleNearest(x, L.scale);
  }
  if (t == "flatten") return x.dim() <= 2 ? x : x.flatten(1);
  if (t == "activation") return activate(x, L.activation);
  if (t == "dropout") {
    if (!mode.training || !mode.dropoutSeed || L.rate == 0) return x;
    // The mask is drawn in channels-last order, batch first, then permuted like the data.
    std::vector<int64_t> cl{x.size(0)};
    for (int64_t d = 2; d < x.dim(); d++) cl.push_back(x.size(d));
    if (x.dim() >= 2) cl.push_back(x.size(1));
    at::Tensor mask = at::empty(cl, at::kFloat);
    dropoutMask(*mode.dropoutSeed, L.path.empty() ? std::to_string(L.index) : L.path, mask.numel(), L.rate, mask.data_ptr<float>());
    if (x.dim() > 2) {
      std::vector<int64_t> perm{0, x.dim() - 1};
      for (int64_t d = 1; d + 1 < x.dim(); d++) perm.push_back(d);
      mask = mask.permute(perm);
    }
    return x * mask.to(x.device());
  }
  if (t == "batchNorm") {
    if (!mode.training) return at::batch_norm(x, P(L.weight), P(L.bias), P(L.runningMean), P(L.runningVar), false, L.momentum, L.epsilon, true);
    const int64_t count = x.numel() / x.size(1);
    if (!mode.updateRunning || count > 1) {
      at::Tensor rm = mode.updateRunning ? P(L.runningMean) : at::Tensor();
      at::Tensor rv = mode.updateRunning ? P(L.runningVar) : at::Tensor();
      return at::batch_norm(x, P(L.weight), P(L.bias), rm, rv, true, L.momentum, L.epsilon, true);
    }
    {
      // One value per channel: PyTorch refuses; medfed (like the TF.js engine) uses the biased variance 0.
      at::NoGradGuard ng;
      at::Tensor rm = params[L.runningMean], rv = params[L.runningVar];
      rm.mul_(1 - L.momentum).add_(x.detach().reshape({-1}).to(rm.device()), L.momentum);
      rv.mul_(1 - L.momentum);
    }
    return at::batch_norm(x, P(L.weight), P(L.bias), at::Tensor(), at::Tensor(), true, L.momentum, L.epsilon, true);
  }
  throw NativeError(kUnknownName, "layer " + std::to_string(L.index) + ": unknown layer type \"" + t + "\"", layerWhere(L));
}

at::Tensor Net::lossOf(const at::Tensor& logits, const float* y, int64_t n) { return meanLoss(loss_, logits, y, n, yPer_); }

LossAndGrads Net::lossAndGrads(const float* x, const float* y, int64_t n, const ForwardMode& mode) {
  at::Tensor logits = forward(x, n, mode);
  at::Tensor loss = lossOf(logits, y, n);
  const double value = loss.item<double>();
  if (!std::isfinite(value)) return {value, {}};
  auto grads = torch::autograd::grad({loss}, trainableParams_);
  for (auto& g : grads) g = g.contiguous();
  return {value, grads};
}

std::string formatNumber(double v) { return number(v); }

}  // namespace medfed
