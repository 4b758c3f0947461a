// Function names as callers spell them: a bare name, `name:qualifier`, or a full ARN
// `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. The registry and the
// service both reduce them to the registered name, and chained invokes record the qualifier as
// ExecutedVersion.
#pragma once

#include <string>
#include <string_view>

namespace durable::emulator::detail {

// `<name>` of any spelling above.
std::string bare_function_name(std::string_view name);
// The qualifier of any spelling above; "$LATEST" when there is none.
std::string function_qualifier(std::string_view name);

}  // namespace durable::emulator::detail
