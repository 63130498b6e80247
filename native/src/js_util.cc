#include "js_util.h"

#include <c10/util/Exception.h>

#include <new>

#include "errors.h"

namespace medfed {

ErrInfo describeException(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (const NativeError& e) {
    return {e.code, e.what(), e.where, e.hint};
  } catch (const c10::Error& e) {
    return {kEngineFailure, std::string("libtorch: ") + e.what_without_backtrace(), "engine libtorch",
            "this is a libtorch failure inside the native engine; the process is unaffected"};
  } catch (const std::bad_alloc&) {
    return {kEngineFailure, "the native engine ran out of memory", "engine libtorch", "use a smaller batch size or model"};
  } catch (const std::exception& e) {
    return {kEngineFailure, e.what(), "engine libtorch", ""};
  } catch (...) {
    return {kEngineFailure, "unknown C++ exception in the native engine", "engine libtorch", ""};
  }
}

Napi::Error makeError(Napi::Env env, const ErrInfo& info) {
  Napi::Error err = Napi::Error::New(env, info.message);
  err.Set("code", Napi::String::New(env, info.code));
  if (!info.where.empty()) err.Set("where", Napi::String::New(env, info.where));
  if (!info.hint.empty()) err.Set("hint", Napi::String::New(env, info.hint));
  err.Set("native", Napi::Boolean::New(env, true));
  return err;
}

static NativeError badArg(const std::string& what, const std::string& want) {
  return NativeError("MEDFED_ERR_INTERNAL", "native engine: " + what + " must be " + want, "engine libtorch",
                     "a bug in medfed's libtorch engine binding: please report it");
}

Napi::Float32Array floatArray(const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) throw badArg(what, "a Float32Array");
  return v.As<Napi::Float32Array>();
}

int64_t intValue(const Napi::Value& v, const std::string& what) {
  if (!v.IsNumber()) throw badArg(what, "a number");
  return v.As<Napi::Number>().Int64Value();
}

double numberValue(const Napi::Value& v, const std::string& what) {
  if (!v.IsNumber()) throw badArg(what, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

std::vector<int64_t> intList(const Napi::Value& v, const std::string& what) {
  std::vector<int64_t> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  if (!v.IsArray()) throw badArg(what, "an array of numbers");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(intValue(a.Get(i), what));
  return out;
}

std::string stringValue(const Napi::Value& v, const std::string& what) {
  if (!v.IsString()) throw badArg(what, "a string");
  return v.As<Napi::String>().Utf8Value();
}

}  // namespace medfed
