#pragma once
#include <napi.h>

#include <memory>

namespace medfed {

class Net;
struct TrainSession;

class NativeModel : public Napi::ObjectWrap<NativeModel> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit NativeModel(const Napi::CallbackInfo& info);
  ~NativeModel() override;
  void setBusy(bool b) { busy_ = b; }

 private:
  Net& net();
  TrainSession& session();
  void assertIdle();
  Napi::Value GetWeights(const Napi::CallbackInfo& info);
  Napi::Value SetWeight(const Napi::CallbackInfo& info);
  Napi::Value BeginTrain(const Napi::CallbackInfo& info);
  Napi::Value TrainEpoch(const Napi::CallbackInfo& info);
  Napi::Value ApplyStep(const Napi::CallbackInfo& info);
  Napi::Value EndTrain(const Napi::CallbackInfo& info);
  Napi::Value Gradients(const Napi::CallbackInfo& info);
  Napi::Value ClippedGradientSum(const Napi::CallbackInfo& info);
  Napi::Value Logits(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  std::unique_ptr<Net> net_;
  std::unique_ptr<TrainSession> session_;
  bool busy_ = false;
};

}  // namespace medfed
