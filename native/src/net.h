// A model built from medfed's declarative model spec (core/model-spec.ts) as a chain of ATen ops,
// parameters in PyTorch's names and layouts (core/model-params.ts). Inputs arrive channels-last
// per example and are permuted to channels-first (NCL, NCHW, NCDHW) inside.
#pragma once
#include <ATen/ATen.h>

#include <optional>
#include <string>
#include <vector>

namespace medfed {

struct LayerDef {
  int index = 0;
  std::string type;
  std::string activation = "linear";
  bool useBias = true;
  std::vector<int64_t> kernel;
  std::vector<int64_t> stride;
  bool same = false;
  double rate = 0;
  double momentum = 0.1;
  double epsilon = 1e-5;
  /** Per example, channels-last, as core/model-params.ts modelLayout infers them. */
  std::vector<int64_t> inShape;
  std::vector<int64_t> outShape;
  /** Indices into Net::params (-1 when absent). */
  int weight = -1, bias = -1, runningMean = -1, runningVar = -1;
  /** lstm / gru: weight and bias are weight_ih_l0 and bias_ih_l0; these are weight_hh_l0 and bias_hh_l0. */
  int weightHh = -1, biasHh = -1;
  /** Parameter-name prefix: "3", or "3.layers.1" inside the concatSkip block at index 3 (dropout masks use it). */
  std::string path;
  /** upsample: the factor per spatial dimension. */
  std::vector<int64_t> scale;
  /** concatSkip: the inner layers; the block's output is cat([x, inner(x)], channel axis). */
  std::vector<LayerDef> children;
};

struct ParamDef {
  std::string name;
  std::vector<int64_t> shape;
  bool trainable = true;
};

struct ForwardMode {
  bool training = false;
  /** Dropout only in training mode with a seed (tfjs/dropout-mask.ts masks). */
  std::optional<int32_t> dropoutSeed;
  /** Training mode: update batch-norm running statistics in place. */
  bool updateRunning = false;
};

struct LossAndGrads {
  double loss;
  std::vector<at::Tensor> grads;  // in trainable order, contiguous float32 on the CPU
};

class Net {
 public:
  Net(std::vector<LayerDef> layers, std::vector<ParamDef> params, std::string loss, std::vector<int64_t> inputShape,
      int64_t outputs);

  /** Logits [n, outputs] for n channels-last examples. */
  at::Tensor forward(const float* x, int64_t n, const ForwardMode& mode);
  /** Mean loss (float64) and its gradient for every trainable tensor. */
  LossAndGrads lossAndGrads(const float* x, const float* y, int64_t n, const ForwardMode& mode);

  std::vector<at::Tensor> params;
  std::vector<ParamDef> paramDefs;
  std::vector<int> trainable;
  const std::vector<LayerDef>& layers() const { return layers_; }
  const std::string& lossName() const { return loss_; }
  int64_t featuresPerExample() const { return per_; }
  /** mse: one target per output; voxel_softmax_cross_entropy: one class index per output voxel; else 1. */
  int64_t targetsPerExample() const { return yPer_; }
  bool hasDropout() const;
  bool hasBatchNorm() const;

 private:
  at::Tensor layer(const LayerDef& L, const at::Tensor& x, const ForwardMode& mode);
  /** Runs a list of layers (the model's, or a concatSkip block's), checking every output shape. */
  at::Tensor runLayers(const std::vector<LayerDef>& list, at::Tensor h, int64_t n, const ForwardMode& mode);
  at::Tensor lossOf(const at::Tensor& logits, const float* y, int64_t n);
  void checkSpec();

  std::vector<LayerDef> layers_;
  std::string loss_;
  std::vector<int64_t> inputShape_;
  int64_t outputs_;
  int64_t per_;
  int64_t yPer_ = 1;
  std::vector<at::Tensor> trainableParams_;
};

/** JS-style number text (NaN, Infinity). */
std::string formatNumber(double v);

/** "layers[3] (conv2d)", "layers[3].layers[1] (conv3d)" */
std::string layerWhere(const LayerDef& L);

}  // namespace medfed
