// Umbrella header of the durable test harness: DurableRunner, TestResult and operation views,
// and the gmock matchers. It includes the SDK's umbrella header too, so a test file can write its
// handler inline with this one include.
#pragma once

#include "durable/durable.hpp"

#include "durable/testing/callback_rule.hpp"
#include "durable/testing/checkpoint_fault.hpp"
#include "durable/testing/crash_explorer.hpp"
#include "durable/testing/determinism_checker.hpp"
#include "durable/testing/durable_runner.hpp"
#include "durable/testing/invocation_record.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/matchers.hpp"
#include "durable/testing/operation_observations.hpp"
#include "durable/testing/runner_error.hpp"
#include "durable/testing/runner_options.hpp"
#include "durable/testing/test_operation.hpp"
#include "durable/testing/test_result.hpp"
