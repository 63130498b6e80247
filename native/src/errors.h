// A failure with one of medfed's error codes (core/errors.ts); the addon turns it into a JS
// error carrying `code`, `where` and `hint`, which the TS side rethrows as a MedfedError.
#pragma once
#include <stdexcept>
#include <string>

namespace medfed {

struct NativeError : std::runtime_error {
  std::string code;
  std::string where;
  std::string hint;
  NativeError(std::string code_, const std::string& message, std::string where_ = "", std::string hint_ = "")
      : std::runtime_error(message), code(std::move(code_)), where(std::move(where_)), hint(std::move(hint_)) {}
};

constexpr const char* kShapeMismatch = "MEDFED_ERR_SHAPE_MISMATCH";
constexpr const char* kUnknownName = "MEDFED_ERR_UNKNOWN_NAME";
constexpr const char* kConfigInvalid = "MEDFED_ERR_CONFIG_INVALID";
constexpr const char* kEngineFailure = "MEDFED_ERR_ENGINE_FAILURE";
constexpr const char* kDivergence = "MEDFED_ERR_NUMERIC_DIVERGENCE";

}  // namespace medfed
