// The output rules of PROTOCOL.md §5.4: what a finished invocation means for its execution.
#pragma once

#include <optional>
#include <string>

#include "durable/emulator/service.hpp"
#include "execution_record.hpp"

namespace durable::emulator::detail {

struct InvocationVerdict {
  enum class Kind {
    kInvocationFailed,  // retry the invocation (error says why)
    kSucceeded,         // execution SUCCEEDED with result
    kFailed,            // execution FAILED with error
    kPending,           // execution waits for its pending operations
  };
  Kind kind = Kind::kPending;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
};

// Judges `outcome` of an invocation of the running `exec`. An invocation failure, a missing
// output, SUCCEEDED with an Error, FAILED with a Result and PENDING with nothing pending all make
// the invocation a failed one, with the service's message.
InvocationVerdict judge_invocation(const ExecutionRecord& exec, const InvocationOutcome& outcome);

// True when something can still wake the execution: a STEP PENDING or READY, a WAIT, CALLBACK
// or CHAINED_INVOKE STARTED, or a trigger that arrived during the invocation.
bool has_pending_work(const ExecutionRecord& exec);

}  // namespace durable::emulator::detail
