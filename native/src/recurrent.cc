#include "recurrent.h"

#include <tuple>

#include "errors.h"

namespace medfed {

bool isRecurrentLayer(const std::string& type) { return type == "lstm" || type == "gru"; }

at::Tensor recurrentForward(const LayerDef& L, const at::Tensor& x, const std::vector<at::Tensor>& params) {
  const std::string name = "layer " + std::to_string(L.index) + " (" + L.type + ")";
  if (x.dim() != 3) {
    throw NativeError(kShapeMismatch, name + ": needs a sequence input [length, features] per example", layerWhere(L),
                      "give the model a 2-d input shape [length, features], or put the layer after another sequence layer");
  }
  if (L.weight < 0 || L.weightHh < 0 || L.bias < 0 || L.biasHh < 0) {
    throw NativeError(kShapeMismatch, name + ": needs weight_ih_l0, weight_hh_l0, bias_ih_l0 and bias_hh_l0", layerWhere(L));
  }
  // Time-major [length, n, features]: what at::lstm / at::gru run on (batch_first only transposes).
  const at::Tensor seq = x.permute({2, 0, 1});
  const std::vector<at::Tensor> w{params[L.weight], params[L.weightHh], params[L.bias], params[L.biasHh]};
  const int64_t units = params[L.weightHh].size(1);
  const at::Tensor h0 = at::zeros({1, x.size(0), units}, x.options().requires_grad(false));
  at::Tensor out;
  if (L.type == "lstm") {
    out = std::get<0>(at::lstm(seq, {h0, h0}, w, /*has_biases=*/true, /*num_layers=*/1, /*dropout=*/0.0, /*train=*/false,
                               /*bidirectional=*/false, /*batch_first=*/false));
  } else {
    out = std::get<0>(at::gru(seq, h0, w, true, 1, 0.0, false, false, false));
  }
  const bool sequences = L.outShape.size() == 2;
  return sequences ? out.permute({1, 2, 0}) : out.select(0, out.size(0) - 1);
}

}  // namespace medfed
