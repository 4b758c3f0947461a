// How an exception escaping user code becomes the ErrorObject the SDK checkpoints.
#pragma once

#include <exception>
#include <string>

#include "durable/model/error_object.hpp"

namespace durable::detail {

// ErrorType: error_type() of a CallableRuntimeError (its ErrorData and StackTrace are kept too),
// otherwise the demangled dynamic class name without namespaces or template arguments (e.g.
// "TransientError", "runtime_error"). ErrorMessage: what(). A thrown value that is not a
// std::exception becomes {ErrorType: <its type>, ErrorMessage: "Unknown error"}.
// Every text field is made valid UTF-8 (invalid sequences become U+FFFD): the ErrorObject travels
// in a JSON request, which cannot carry other bytes.
// Must be called with a non-null exception_ptr.
ErrorObject error_object_from(const std::exception_ptr& error);

// `text` unchanged when it is valid UTF-8, else with each invalid sequence replaced by U+FFFD.
std::string valid_utf8(std::string text);

// The unqualified name of a mangled type name ("N3foo14TransientErrorE" → "TransientError").
std::string unqualified_type_name(const char* mangled);

}  // namespace durable::detail
