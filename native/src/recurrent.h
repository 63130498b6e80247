// lstm and gru layers of the native engine (PyTorch nn.LSTM / nn.GRU: one layer, unidirectional,
// zero initial state; parameters weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 in PyTorch's
// names, layouts and gate order), computed by the same ATen ops nn.LSTM / nn.GRU call.
#pragma once
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "net.h"

namespace medfed {

bool isRecurrentLayer(const std::string& type);

/**
 * The layer over a channels-first batch x [n, features, length] (how Net carries a sequence):
 * the last step's hidden state [n, units], or every step's, channels-first [n, units, length],
 * when the spec's output shape is [length, units] (returnSequences).
 */
at::Tensor recurrentForward(const LayerDef& L, const at::Tensor& x, const std::vector<at::Tensor>& params);

}  // namespace medfed
