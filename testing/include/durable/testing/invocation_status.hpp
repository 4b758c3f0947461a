// The outcome of a whole durable execution as the harness reports it (TestResult::status(),
// DurableRunner::status()): the service's own durable::ExecutionStatus (RUNNING, SUCCEEDED,
// FAILED, TIMED_OUT, STOPPED), also reachable as durable::testing::ExecutionStatus. It is the same
// type under both names, so `using namespace durable; using namespace durable::testing;` leaves
// it unambiguous. (durable::InvocationStatus is the different SUCCEEDED/FAILED/PENDING a handler's
// single invocation returns to the service.)
#pragma once

#include "durable/model/enums.hpp"

namespace durable::testing {

using ::durable::ExecutionStatus;

}  // namespace durable::testing
