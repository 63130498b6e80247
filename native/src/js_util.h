// N-API helpers: typed errors (code, where, hint) and checked typed-array access.
#pragma once
#include <napi.h>

#include <exception>
#include <string>
#include <vector>

namespace medfed {

struct ErrInfo {
  std::string code, message, where, hint;
};

/** The error a C++ exception stands for; never throws. */
ErrInfo describeException(std::exception_ptr p);
/** A JS Error with code, where and hint properties (the TS side rethrows it as a MedfedError). */
Napi::Error makeError(Napi::Env env, const ErrInfo& info);

/** Runs `f`; any C++ exception other than a pending JS one becomes a typed JS error. */
template <typename F>
Napi::Value guarded(Napi::Env env, F&& f) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw makeError(env, describeException(std::current_exception()));
  }
}

Napi::Float32Array floatArray(const Napi::Value& v, const std::string& what);
int64_t intValue(const Napi::Value& v, const std::string& what);
double numberValue(const Napi::Value& v, const std::string& what);
std::vector<int64_t> intList(const Napi::Value& v, const std::string& what);
std::string stringValue(const Napi::Value& v, const std::string& what);

}  // namespace medfed
