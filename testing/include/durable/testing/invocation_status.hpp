// InvocationStatus: the outcome of a whole durable execution as the test harness reports it.
// Named after the seed documentation's `InvocationStatus.SUCCEEDED`; it mirrors the service's
// ExecutionStatus one to one (durable::InvocationStatus, without `testing`, is the different
// per-invocation status a handler returns).
#pragma once

#include <iosfwd>
#include <string_view>

#include "durable/model/enums.hpp"

namespace durable::testing {

enum class InvocationStatus { Running, Succeeded, Failed, TimedOut, Stopped };

InvocationStatus to_invocation_status(ExecutionStatus status);
// "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED" (the service's spelling).
std::string_view to_string(InvocationStatus status);
// Lets gtest print the enum in failure messages.
std::ostream& operator<<(std::ostream& os, InvocationStatus status);

}  // namespace durable::testing
