// Calling a plain (on-demand) chained-invoke target and turning what it did into the outcome of
// the caller's CHAINED_INVOKE operation.
#pragma once

#include <optional>
#include <string>

#include "durable/emulator/function_registry.hpp"
#include "durable/model/error_object.hpp"

namespace durable::emulator::detail {

struct PlainCallOutcome {
  std::optional<std::string> result;  // set on success: JSON text
  std::optional<ErrorObject> error;   // set on failure
};

// Calls `fn` with `payload` on the calling thread (no lock may be held: the function is user
// code). A thrown exception becomes {ErrorType: its dynamic type name without namespaces,
// ErrorMessage: what()}; a result that is not JSON fails with ErrorType
// "Runtime.InvalidResponse" naming `function_name`; an empty result means "null".
PlainCallOutcome call_plain_function(const PlainFunction& fn, const std::string& function_name,
                                     const std::string& payload);

// The ErrorType of an exception of dynamic type `mangled` (typeid(...).name()): demangled, with
// namespaces and template arguments' enclosing scopes removed ("std::runtime_error" →
// "runtime_error").
std::string exception_type_name(const char* mangled);

}  // namespace durable::emulator::detail
