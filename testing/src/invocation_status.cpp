#include "durable/testing/invocation_status.hpp"

#include <ostream>

namespace durable::testing {

InvocationStatus to_invocation_status(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::Running: return InvocationStatus::Running;
    case ExecutionStatus::Succeeded: return InvocationStatus::Succeeded;
    case ExecutionStatus::Failed: return InvocationStatus::Failed;
    case ExecutionStatus::TimedOut: return InvocationStatus::TimedOut;
    case ExecutionStatus::Stopped: return InvocationStatus::Stopped;
  }
  return InvocationStatus::Running;
}

std::string_view to_string(InvocationStatus status) {
  switch (status) {
    case InvocationStatus::Running: return "RUNNING";
    case InvocationStatus::Succeeded: return "SUCCEEDED";
    case InvocationStatus::Failed: return "FAILED";
    case InvocationStatus::TimedOut: return "TIMED_OUT";
    case InvocationStatus::Stopped: return "STOPPED";
  }
  return "UNKNOWN";
}

std::ostream& operator<<(std::ostream& os, InvocationStatus status) {
  return os << to_string(status);
}

}  // namespace durable::testing
