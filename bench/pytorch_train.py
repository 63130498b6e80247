"""PyTorch CPU baseline for medfed's training benchmarks.

Reads a JSON job on stdin: {"spec": <medfed model spec>, "n": samples per repeat, "batch": batch
size, "repeats": timed repeats, "warmup": untimed repeats, "threads": [1, 2]}. Builds the same
nn.Sequential as medfed's model spec (channels-first), trains one epoch per repeat (forward +
backward + Adam, lr 1e-3) and prints JSON: the best (over thread counts) median samples/s.

With --serve it stays up and answers one JSON line per JSON line on stdin, so that a benchmark can
interleave PyTorch epochs with its own, in one long-lived process as the native engine has:
  {"cmd": "build", "spec": ..., "n": ..., "batch": ...}  -> {"ok": true, "torch": version}
  {"cmd": "epoch", "threads": t}                          -> {"wall": s, "cpu": s} (one epoch)
  {"cmd": "drop"}                                         -> {"ok": true} (frees the model and data)
"""
import json
import statistics
import sys
import time

import torch
from torch import nn


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def triple(v):
    return (v, v, v) if isinstance(v, int) else tuple(v)


class ConcatSkip(nn.Module):
    """medfed's concatSkip block: cat([x, layers(x)], channel axis); state_dict names i.layers.j.*"""

    def __init__(self, layers):
        super().__init__()
        self.layers = layers

    def forward(self, x):
        return torch.cat([x, self.layers(x)], dim=1)


class Recurrent(nn.Module):
    """medfed's lstm / gru layer: nn.LSTM / nn.GRU (batch_first, one layer) on a channels-first
    sequence [n, features, length]; the last step [n, units], or every step channels-first
    [n, units, length] with returnSequences. state_dict names i.rnn.weight_ih_l0, ..."""

    def __init__(self, kind, features, units, return_sequences):
        super().__init__()
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(features, units, batch_first=True)
        self.return_sequences = return_sequences

    def forward(self, x):
        out, _ = self.rnn(x.transpose(1, 2))
        return out.transpose(1, 2) if self.return_sequences else out[:, -1]


def activation(name):
    return {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}.get(name)


def build(spec):
    return build_layers(spec["layers"], list(spec["inputShape"]))


def build_layers(specs, shape):
    channels = shape[-1]
    layers = []
    for layer in specs:
        t = layer["type"]
        if t == "dense":
            layers.append(nn.Linear(channels, layer["units"], bias=layer.get("useBias", True)))
            channels = layer["units"]
        elif t in ("conv2d", "conv1d"):
            conv = nn.Conv2d if t == "conv2d" else nn.Conv1d
            k = pair(layer["kernelSize"]) if t == "conv2d" else layer["kernelSize"]
            s = pair(layer.get("stride", 1)) if t == "conv2d" else layer.get("stride", 1)
            pad = 0 if layer.get("padding", "valid") == "valid" else "same"
            layers.append(conv(channels, layer["filters"], k, stride=s, padding=pad, bias=layer.get("useBias", True)))
            channels = layer["filters"]
        elif t == "conv3d":
            if layer.get("padding", "valid") == "same" and triple(layer.get("stride", 1)) != (1, 1, 1):
                raise ValueError("conv3d 'same' with stride > 1 needs explicit F.pad in PyTorch; not in this baseline")
            pad = 0 if layer.get("padding", "valid") == "valid" else "same"
            layers.append(nn.Conv3d(channels, layer["filters"], triple(layer["kernelSize"]), stride=triple(layer.get("stride", 1)), padding=pad, bias=layer.get("useBias", True)))
            channels = layer["filters"]
        elif t in ("maxPool3d", "avgPool3d"):
            if layer.get("padding", "valid") != "valid":
                raise ValueError("pooling with padding 'same' has no nn.*Pool equivalent in this baseline")
            pool = nn.MaxPool3d if t == "maxPool3d" else nn.AvgPool3d
            stride = layer.get("stride")
            layers.append(pool(triple(layer["poolSize"]), stride=None if stride is None else triple(stride)))
        elif t == "upsample":
            f = layer.get("scaleFactor", 2)
            layers.append(nn.Upsample(scale_factor=tuple(float(v) for v in f) if isinstance(f, list) else float(f), mode="nearest"))
        elif t == "concatSkip":
            # The block's input shape (channels-first) after the layers so far, by a dry run.
            here = nn.Sequential(*layers)(torch.zeros(1, shape[-1], *shape[:-1])).shape[1:]
            inner = build_layers(layer["layers"], [*here[1:], here[0]])
            layers.append(ConcatSkip(inner))
            channels = here[0] + inner(torch.zeros(1, *here)).shape[1]
        elif t in ("maxPool2d", "avgPool2d", "maxPool1d", "avgPool1d"):
            if layer.get("padding", "valid") != "valid":
                raise ValueError("pooling with padding 'same' has no nn.*Pool equivalent in this baseline")
            pool = {"maxPool2d": nn.MaxPool2d, "avgPool2d": nn.AvgPool2d, "maxPool1d": nn.MaxPool1d, "avgPool1d": nn.AvgPool1d}[t]
            layers.append(pool(layer["poolSize"], stride=layer.get("stride")))
        elif t == "flatten":
            layers.append(nn.Flatten())
            channels = None
        elif t == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        elif t in ("lstm", "gru"):
            layers.append(Recurrent(t, channels, layer["units"], layer.get("returnSequences", False)))
            channels = layer["units"]
        elif t == "batchNorm":
            bn = nn.BatchNorm1d if len(shape) <= 2 else nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm3d
            layers.append(bn(channels, eps=layer.get("epsilon", 1e-5), momentum=layer.get("momentum", 0.1)))
        if t in ("dense", "conv2d", "conv1d", "conv3d", "activation"):
            act = activation(layer.get("activation", "linear"))
            if act is not None:
                layers.append(act)
        if t == "flatten":
            # The dense layer after flatten needs its input width: infer it with a dry run.
            probe = nn.Sequential(*layers)(torch.zeros(1, shape[-1], *shape[:-1]))
            channels = probe.shape[1]
    return nn.Sequential(*layers)


def trainer(job):
    """One epoch of training (a closure over model, data and optimizer), as medfed trains."""
    torch.manual_seed(0)
    spec, n, batch = job["spec"], job["n"], job["batch"]
    shape = spec["inputShape"]
    x = torch.randn(n, shape[-1], *shape[:-1])
    y = torch.randint(0, 2, (n,))
    model = build(spec)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(n)
        for s in range(0, n, batch):
            idx = perm[s : s + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return epoch


def run(job, threads):
    torch.set_num_threads(threads)
    epoch = trainer(job)
    n = job["n"]
    for _ in range(job["warmup"]):
        epoch()
    seconds = []
    for _ in range(job["repeats"]):
        t0 = time.perf_counter()
        epoch()
        seconds.append(time.perf_counter() - t0)
    return n / statistics.median(seconds)


def serve():
    epoch = None
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["cmd"] == "build":
                epoch = None
                epoch = trainer(req)
                out = {"ok": True, "torch": torch.__version__}
            elif req["cmd"] == "epoch":
                torch.set_num_threads(req["threads"])
                t0, c0 = time.perf_counter(), time.process_time()
                epoch()
                out = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
            else:
                epoch = None
                out = {"ok": True}
        except Exception as e:  # reported to the benchmark, which names the model
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


def main():
    if "--serve" in sys.argv:
        serve()
        return
    job = json.load(sys.stdin)
    results = {t: run(job, t) for t in job["threads"]}
    best = max(results, key=results.get)
    print(json.dumps({"samplesPerSecond": results[best], "threads": best, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
