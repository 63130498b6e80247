// NativeModel: the JS face of a Net. Training, gradients and inference run on the libuv thread
// pool (Napi::AsyncWorker) and return promises, so the event loop never waits for libtorch; a model
// runs one such job at a time and its synchronous methods refuse while one is in flight.
#include "model_wrap.h"

#include <cstring>
#include <functional>
#include <memory>

#include "errors.h"
#include "js_util.h"
#include "net.h"
#include "threads.h"
#include "train.h"

namespace medfed {

namespace {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, NativeModel* model, std::vector<Napi::Value> keep, std::function<void()> work,
                std::function<Napi::Value(Napi::Env)> done)
      : Napi::AsyncWorker(env, "medfed-libtorch"), deferred_(Napi::Promise::Deferred::New(env)), model_(model),
        work_(std::move(work)), done_(std::move(done)) {
    keep.push_back(model->Value());
    for (auto& v : keep) keep_.push_back(Napi::Persistent(v));
    model_->setBusy(true);
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      applyThreads();
      work_();
    } catch (...) {
      info_ = describeException(std::current_exception());
      SetError(info_.message);
    }
  }

  void OnOK() override {
    model_->setBusy(false);
    Napi::Env env = Env();
    try {
      deferred_.Resolve(done_(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (...) {
      deferred_.Reject(makeError(env, describeException(std::current_exception())).Value());
    }
  }

  void OnError(const Napi::Error&) override {
    model_->setBusy(false);
    deferred_.Reject(makeError(Env(), info_).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  NativeModel* model_;
  std::vector<Napi::Reference<Napi::Value>> keep_;
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> done_;
  ErrInfo info_;
};

LayerDef parseLayer(const Napi::Object& o, int i) {
  const std::string at = "layers[" + std::to_string(i) + "]";
  LayerDef L;
  L.index = i;
  L.type = stringValue(o.Get("type"), at + ".type");
  if (o.Has("activation") && o.Get("activation").IsString()) L.activation = o.Get("activation").As<Napi::String>().Utf8Value();
  if (o.Has("useBias") && o.Get("useBias").IsBoolean()) L.useBias = o.Get("useBias").As<Napi::Boolean>().Value();
  L.kernel = intList(o.Get("kernel"), at + ".kernel");
  L.stride = intList(o.Get("stride"), at + ".stride");
  L.same = o.Has("same") && o.Get("same").ToBoolean().Value();
  if (o.Has("rate") && o.Get("rate").IsNumber()) L.rate = o.Get("rate").As<Napi::Number>().DoubleValue();
  if (o.Has("momentum") && o.Get("momentum").IsNumber()) L.momentum = o.Get("momentum").As<Napi::Number>().DoubleValue();
  if (o.Has("epsilon") && o.Get("epsilon").IsNumber()) L.epsilon = o.Get("epsilon").As<Napi::Number>().DoubleValue();
  L.inShape = intList(o.Get("inShape"), at + ".inShape");
  L.outShape = intList(o.Get("outShape"), at + ".outShape");
  L.weight = static_cast<int>(intValue(o.Get("weight"), at + ".weight"));
  L.bias = static_cast<int>(intValue(o.Get("bias"), at + ".bias"));
  L.runningMean = static_cast<int>(intValue(o.Get("runningMean"), at + ".runningMean"));
  L.runningVar = static_cast<int>(intValue(o.Get("runningVar"), at + ".runningVar"));
  if (o.Has("weightHh")) L.weightHh = static_cast<int>(intValue(o.Get("weightHh"), at + ".weightHh"));
  if (o.Has("biasHh")) L.biasHh = static_cast<int>(intValue(o.Get("biasHh"), at + ".biasHh"));
  if (o.Has("path") && o.Get("path").IsString()) L.path = o.Get("path").As<Napi::String>().Utf8Value();
  if (o.Has("scale")) L.scale = intList(o.Get("scale"), at + ".scale");
  if (o.Has("children") && o.Get("children").IsArray()) {
    Napi::Array cs = o.Get("children").As<Napi::Array>();
    for (uint32_t j = 0; j < cs.Length(); j++) L.children.push_back(parseLayer(cs.Get(j).As<Napi::Object>(), static_cast<int>(j)));
  }
  if (L.kernel.size() != L.stride.size()) {
    throw NativeError(kConfigInvalid, "layer " + std::to_string(i) + " (" + L.type + "): kernel and stride differ in rank", layerWhere(L));
  }
  return L;
}

}  // namespace

Napi::Function NativeModel::Init(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {InstanceMethod("getWeights", &NativeModel::GetWeights),
                      InstanceMethod("setWeight", &NativeModel::SetWeight),
                      InstanceMethod("beginTrain", &NativeModel::BeginTrain),
                      InstanceMethod("trainEpoch", &NativeModel::TrainEpoch),
                      InstanceMethod("applyStep", &NativeModel::ApplyStep),
                      InstanceMethod("endTrain", &NativeModel::EndTrain),
                      InstanceMethod("gradients", &NativeModel::Gradients),
                      InstanceMethod("clippedGradientSum", &NativeModel::ClippedGradientSum),
                      InstanceMethod("logits", &NativeModel::Logits),
                      InstanceMethod("dispose", &NativeModel::Dispose)});
}

NativeModel::NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
  Napi::Env env = info.Env();
  guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsObject()) throw NativeError("MEDFED_ERR_INTERNAL", "NativeModel needs a model description", "engine libtorch");
    Napi::Object d = info[0].As<Napi::Object>();
    std::vector<LayerDef> layers;
    Napi::Array ls = d.Get("layers").As<Napi::Array>();
    for (uint32_t i = 0; i < ls.Length(); i++) layers.push_back(parseLayer(ls.Get(i).As<Napi::Object>(), static_cast<int>(i)));
    std::vector<ParamDef> params;
    Napi::Array ps = d.Get("params").As<Napi::Array>();
    for (uint32_t i = 0; i < ps.Length(); i++) {
      Napi::Object p = ps.Get(i).As<Napi::Object>();
      params.push_back({stringValue(p.Get("name"), "params.name"), intList(p.Get("shape"), "params.shape"),
                        p.Get("trainable").ToBoolean().Value()});
    }
    net_ = std::make_unique<Net>(std::move(layers), std::move(params), stringValue(d.Get("loss"), "loss"),
                                 intList(d.Get("inputShape"), "inputShape"), intValue(d.Get("outputs"), "outputs"));
    return env.Undefined();
  });
}

NativeModel::~NativeModel() = default;

Net& NativeModel::net() {
  if (!net_) throw NativeError(kEngineFailure, "this model was disposed", "engine libtorch", "build a new model");
  return *net_;
}

void NativeModel::assertIdle() {
  if (busy_) {
    throw NativeError(kEngineFailure, "the model is busy with a training, gradient or inference job", "engine libtorch",
                      "await the running job before calling another method of this model");
  }
}

Napi::Value NativeModel::GetWeights(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    Napi::Array out = Napi::Array::New(info.Env(), n.params.size());
    for (size_t i = 0; i < n.params.size(); i++) {
      at::Tensor t = n.params[i].detach().to(at::kCPU).contiguous();
      Napi::Float32Array a = Napi::Float32Array::New(info.Env(), t.numel());
      std::memcpy(a.Data(), t.data_ptr<float>(), t.numel() * sizeof(float));
      out.Set(static_cast<uint32_t>(i), a);
    }
    return out;
  });
}

Napi::Value NativeModel::SetWeight(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    const int64_t i = intValue(info[0], "index");
    if (i < 0 || i >= static_cast<int64_t>(n.params.size())) throw NativeError(kShapeMismatch, "no tensor number " + std::to_string(i), "weights");
    Napi::Float32Array a = floatArray(info[1], "weights");
    at::Tensor& t = n.params[i];
    if (static_cast<int64_t>(a.ElementLength()) != t.numel()) {
      throw NativeError(kShapeMismatch,
                        "tensor \"" + n.paramDefs[i].name + "\" has " + std::to_string(t.numel()) + " values, got " +
                            std::to_string(a.ElementLength()),
                        n.paramDefs[i].name);
    }
    at::NoGradGuard g;
    t.copy_(at::from_blob(a.Data(), t.sizes(), at::kFloat));
    return info.Env().Undefined();
  });
}

static std::vector<float> optionalFloats(const Napi::Value& v, int64_t size, const std::string& what) {
  if (v.IsUndefined() || v.IsNull()) return {};
  Napi::Float32Array a = floatArray(v, what);
  if (static_cast<int64_t>(a.ElementLength()) != size) throw NativeError(kShapeMismatch, what + " has the wrong size", what);
  return std::vector<float>(a.Data(), a.Data() + size);
}

Napi::Value NativeModel::BeginTrain(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Object opt = o.Get("optimizer").As<Napi::Object>();
    OptimSpec s;
    s.name = stringValue(opt.Get("name"), "optimizer.name");
    s.lr = numberValue(opt.Get("lr"), "optimizer.lr");
    s.momentum = numberValue(opt.Get("momentum"), "optimizer.momentum");
    s.beta1 = numberValue(opt.Get("beta1"), "optimizer.beta1");
    s.beta2 = numberValue(opt.Get("beta2"), "optimizer.beta2");
    s.epsilon = numberValue(opt.Get("epsilon"), "optimizer.epsilon");
    s.weightDecay = numberValue(opt.Get("weightDecay"), "optimizer.weightDecay");
    GradientExtras extras;
    std::vector<int64_t> sizes;
    Napi::Array corr = o.Get("correction").IsArray() ? o.Get("correction").As<Napi::Array>() : Napi::Array::New(info.Env());
    Napi::Array anchor = o.Get("anchor").IsArray() ? o.Get("anchor").As<Napi::Array>() : Napi::Array::New(info.Env());
    for (size_t k = 0; k < n.trainable.size(); k++) {
      const int64_t size = n.params[n.trainable[k]].numel();
      sizes.push_back(size);
      const std::string& name = n.paramDefs[n.trainable[k]].name;
      extras.correction.push_back(k < corr.Length() ? optionalFloats(corr.Get(k), size, "gradientCorrection " + name) : std::vector<float>{});
      extras.anchor.push_back(k < anchor.Length() ? optionalFloats(anchor.Get(k), size, "proximal anchor " + name) : std::vector<float>{});
    }
    extras.mu = o.Has("mu") && o.Get("mu").IsNumber() ? o.Get("mu").As<Napi::Number>().DoubleValue() : 0;
    session_ = std::make_unique<TrainSession>(
        TrainSession{Optimizer(s, sizes, std::move(extras)), static_cast<int32_t>(intValue(o.Get("seed"), "seed")),
                     intValue(o.Get("batchSize"), "batchSize")});
    return info.Env().Undefined();
  });
}

TrainSession& NativeModel::session() {
  if (!session_) throw NativeError("MEDFED_ERR_INTERNAL", "no training session (beginTrain was not called)", "engine libtorch");
  return *session_;
}

/** (x, y, n) checked against the model: x n * features, y n * targets values. */
static void checkBatch(Net& n, const Napi::Float32Array& x, const Napi::Float32Array& y, int64_t count) {
  if (count < 0 || static_cast<int64_t>(x.ElementLength()) != count * n.featuresPerExample()) {
    throw NativeError(kShapeMismatch, std::to_string(count) + " examples need " + std::to_string(count * n.featuresPerExample()) +
                                          " feature values, got " + std::to_string(x.ElementLength()),
                      "data.x");
  }
  if (static_cast<int64_t>(y.ElementLength()) != count * n.targetsPerExample()) {
    throw NativeError(kShapeMismatch, std::to_string(count) + " examples need " + std::to_string(count * n.targetsPerExample()) +
                                          " label values, got " + std::to_string(y.ElementLength()),
                      "data.y");
  }
}

Napi::Value NativeModel::TrainEpoch(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    TrainSession& s = session();
    Napi::Float32Array x = floatArray(info[0], "x"), y = floatArray(info[1], "y");
    const int64_t count = intValue(info[2], "n"), epoch = intValue(info[3], "epoch");
    checkBatch(n, x, y, count);
    auto loss = std::make_shared<double>(0);
    auto threads = std::make_shared<int>(0);
    const float* xp = x.Data();
    const float* yp = y.Data();
    auto* w = new PromiseWorker(
        info.Env(), this, {x, y},
        [&n, &s, xp, yp, count, epoch, loss, threads]() {
          *threads = at::get_num_threads();
          *loss = trainEpoch(n, s, xp, yp, count, epoch);
        },
        [loss, threads, &s](Napi::Env env) -> Napi::Value {
          Napi::Object r = Napi::Object::New(env);
          r.Set("loss", *loss);
          r.Set("steps", static_cast<double>(s.steps));
          r.Set("threads", *threads);
          return r;
        });
    w->Queue();
    return w->promise();
  });
}

Napi::Value NativeModel::ApplyStep(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    TrainSession& s = session();
    Napi::Array gs = info[0].As<Napi::Array>();
    if (gs.Length() != n.trainable.size()) throw NativeError("MEDFED_ERR_INTERNAL", "applyStep needs one gradient per trainable tensor", "engine libtorch");
    std::vector<Napi::Float32Array> keep;
    std::vector<const float*> g;
    for (uint32_t k = 0; k < gs.Length(); k++) {
      keep.push_back(floatArray(gs.Get(k), "gradient"));
      if (static_cast<int64_t>(keep.back().ElementLength()) != n.params[n.trainable[k]].numel()) {
        throw NativeError(kShapeMismatch, "gradient of \"" + n.paramDefs[n.trainable[k]].name + "\" has the wrong size", "gradients");
      }
      g.push_back(keep.back().Data());
    }
    std::vector<at::Tensor> weights = trainableWeights(n);
    const double prox = s.optimizer.step(weights, g);
    s.steps++;
    return Napi::Number::New(info.Env(), prox);
  });
}

Napi::Value NativeModel::EndTrain(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    const double steps = session_ ? static_cast<double>(session_->steps) : 0;
    session_.reset();
    checkFiniteWeights(net());
    return Napi::Number::New(info.Env(), steps);
  });
}

Napi::Value NativeModel::Gradients(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    Napi::Float32Array x = floatArray(info[0], "x"), y = floatArray(info[1], "y");
    const int64_t count = intValue(info[2], "n");
    checkBatch(n, x, y, count);
    ForwardMode mode;
    mode.training = true;
    if (info[3].IsNumber()) mode.dropoutSeed = static_cast<int32_t>(intValue(info[3], "dropoutSeed"));
    auto result = std::make_shared<LossAndGrads>();
    const float* xp = x.Data();
    const float* yp = y.Data();
    auto* w = new PromiseWorker(
        info.Env(), this, {x, y}, [&n, xp, yp, count, mode, result]() { *result = n.lossAndGrads(xp, yp, count, mode); },
        [result](Napi::Env env) -> Napi::Value {
          Napi::Object r = Napi::Object::New(env);
          r.Set("loss", result->loss);
          Napi::Array gs = Napi::Array::New(env, result->grads.size());
          for (size_t k = 0; k < result->grads.size(); k++) {
            at::Tensor g = result->grads[k].to(at::kCPU).contiguous();
            Napi::Float32Array a = Napi::Float32Array::New(env, g.numel());
            std::memcpy(a.Data(), g.data_ptr<float>(), g.numel() * sizeof(float));
            gs.Set(static_cast<uint32_t>(k), a);
          }
          r.Set("grads", gs);
          return r;
        });
    w->Queue();
    return w->promise();
  });
}

Napi::Value NativeModel::ClippedGradientSum(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    Napi::Float32Array x = floatArray(info[0], "x"), y = floatArray(info[1], "y");
    const int64_t count = intValue(info[2], "n");
    checkBatch(n, x, y, count);
    const double clip = numberValue(info[3], "clipNorm");
    std::vector<std::optional<int32_t>> seeds;
    if (info[4].IsTypedArray()) {
      Napi::Int32Array a = info[4].As<Napi::Int32Array>();
      for (size_t r = 0; r < a.ElementLength(); r++) seeds.emplace_back(a[r]);
    }
    auto result = std::make_shared<ClippedSum>();
    const float* xp = x.Data();
    const float* yp = y.Data();
    auto* w = new PromiseWorker(
        info.Env(), this, {x, y},
        [&n, xp, yp, count, clip, seeds, result]() { *result = clippedGradientSum(n, xp, yp, count, clip, seeds); },
        [result](Napi::Env env) -> Napi::Value {
          Napi::Object r = Napi::Object::New(env);
          r.Set("lossSum", result->lossSum);
          r.Set("unclipped", static_cast<double>(result->unclipped));
          Napi::Array sums = Napi::Array::New(env, result->sums.size());
          for (size_t k = 0; k < result->sums.size(); k++) {
            Napi::Float64Array a = Napi::Float64Array::New(env, result->sums[k].size());
            std::memcpy(a.Data(), result->sums[k].data(), result->sums[k].size() * sizeof(double));
            sums.Set(static_cast<uint32_t>(k), a);
          }
          r.Set("sums", sums);
          return r;
        });
    w->Queue();
    return w->promise();
  });
}

Napi::Value NativeModel::Logits(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    Net& n = net();
    Napi::Float32Array x = floatArray(info[0], "x");
    const int64_t count = intValue(info[1], "n");
    const int64_t k = intValue(info[2], "outputs");
    if (count < 1 || static_cast<int64_t>(x.ElementLength()) != count * n.featuresPerExample()) {
      throw NativeError(kShapeMismatch, "wrong number of feature values", "data.x");
    }
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), count * k);
    const float* xp = x.Data();
    float* op = out.Data();
    auto ref = std::make_shared<Napi::Reference<Napi::Value>>(Napi::Persistent(static_cast<Napi::Value>(out)));
    auto* w = new PromiseWorker(
        info.Env(), this, {x}, [&n, xp, op, count]() { inferLogits(n, xp, count, op); },
        [ref](Napi::Env) -> Napi::Value { return ref->Value(); });
    w->Queue();
    return w->promise();
  });
}

Napi::Value NativeModel::Dispose(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    assertIdle();
    session_.reset();
    net_.reset();
    return info.Env().Undefined();
  });
}

}  // namespace medfed
