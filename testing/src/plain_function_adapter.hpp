// Adapters from the harness's plain-function forms (JSON handler, raw text handler) to the
// emulator's PlainFunction, with the failure rules DurableRunner::register_function documents.
#pragma once

#include <string>

#include "durable/emulator/function_registry.hpp"
#include "durable/testing/durable_runner.hpp"

namespace durable::testing::detail {

// Parses the payload (not JSON → FunctionError "PayloadNotJson" naming `name`), calls `fn`, and
// returns the result's JSON text. Exceptions as adapt_raw.
emulator::PlainFunction adapt_json(const std::string& name, PlainHandler fn);
// Calls `fn` unchanged. std::exceptions propagate (the emulator names them by class); anything
// else becomes FunctionError "UnknownException" naming `name` and the thrown type.
emulator::PlainFunction adapt_raw(const std::string& name, RawPlainHandler fn);

}  // namespace durable::testing::detail
