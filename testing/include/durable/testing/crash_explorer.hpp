// Crash-point explorer: turns "retries are correct" into a property test.
//
//   auto factory = [] { return std::make_unique<DurableRunner>(order_workflow); };
//   EXPECT_TRUE(explore_crash_points(factory, {{"order_id", "o-1"}}));
//
// It runs the scenario once cleanly, then for k = 1, 2, ... and every fault kind asked for, runs
// it again on a fresh runner from the factory with that fault injected into the execution's k-th
// checkpoint call, until k passes the clean run's last checkpoint (detected as the first k at
// which the fault no longer fires). CrashInStepBody is not tied to a checkpoint: it runs once per
// step whose body ran in the clean run, with the process dying inside that body
// (DurableRunner::crash_during_step). Every faulted run must
//  * finish (no RunnerError: stuck, or over RunOptions.timeout),
//  * end with the clean run's status, and its result (SUCCEEDED) or error type (otherwise),
//  * keep every step body within its semantics: an at-most-once-per-retry step never ran its
//    body more often than it started attempts (OperationObservations::at_most_once_starts), and
//    every step whose body ran in the clean run ran at least once,
//  * satisfy ExplorerOptions::invariant, when given (e.g. "the ledger holds exactly one charge").
// A run whose outcome differs only because an at-most-once step was interrupted by the fault
// (the step recorded StepInterruptedError, which is that semantics working as specified) is
// counted as `interrupted`, not as a violation, unless ExplorerOptions::tolerate_interrupted_steps
// is false.
//
// Each run is in-process on a virtual clock, so a point costs milliseconds; the number of runs is
// about (clean checkpoints + 1) × checkpoint fault kinds + clean steps. Call from one thread; the
// factory runs on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/duration.hpp"
#include "durable/model/json.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/runner_options.hpp"
#include "durable/testing/test_result.hpp"

namespace testing {
// GoogleTest's result type, declared so that this header does not pull gtest in; a test using
// EXPECT_TRUE on the report includes <gtest/gtest.h> (durable/testing.hpp does).
class AssertionResult;
}  // namespace testing

namespace durable::testing {

class DurableRunner;

// The faults injected at a checkpoint.
enum class CrashFault {
  CrashBeforeSend,    // the process dies before the checkpoint reaches the service
  CrashAfterApply,    // the service applies it, then the process dies before the answer counts
  Throttle,           // 429 TooManyRequestsException, not applied
  ServiceError,       // 500 ServiceException, not applied
  StaleToken,         // 400 "Invalid checkpoint token", not applied
  // Lambda ends the invocation at that checkpoint (its timeout elapsed while the handler ran).
  // The service sees what it sees of any process that vanished mid-call: the checkpoint never
  // arrives and the invocation is lost, so it is injected as the emulator's crash before send;
  // the only thing a real timeout adds, the Sandbox.Timedout error type of InvocationCompleted,
  // is not visible to the handler.
  InvocationTimeout,
  // The process dies inside a step's body, ExplorerOptions::step_crash_after after it started
  // (DurableRunner::crash_during_step): explored once per step, not per checkpoint. With the
  // default delay, longer than the SDK's background flush window, the service has seen the
  // step's START and its enclosing contexts' STARTs, so the re-run meets a STARTED step (the
  // state the checkpoint faults never leave an at-least-once step in). A delay shorter than the
  // window loses the queued STARTs: the same as CrashBeforeSend at the checkpoint carrying them.
  CrashInStepBody,
};

// "CrashBeforeSend", "CrashAfterApply", "Throttle", "ServiceError", "StaleToken",
// "InvocationTimeout", "CrashInStepBody".
std::string_view to_string(CrashFault fault);

// Every CrashFault, in declaration order.
std::vector<CrashFault> all_crash_faults();

// Builds a fresh runner with the handler under test and everything it needs registered (invoked
// functions, callback rules). Called once per explored run; never returns nullptr.
using RunnerFactory = std::function<std::unique_ptr<DurableRunner>()>;

struct ExplorerOptions {
  std::vector<CrashFault> faults = all_crash_faults();
  // Stop after this many checkpoint positions (0: all of the clean run's checkpoints).
  std::size_t max_points = 0;
  RunOptions run_options{};
  // Checked after every faulted run: an error message, or nullopt when the run is acceptable.
  std::function<std::optional<std::string>(const TestResult&)> invariant{};
  bool tolerate_interrupted_steps = true;
  // Stop exploring at the first violation (the report then covers the points explored so far).
  bool stop_at_first_violation = false;
  // How long into a step's body the process dies for CrashInStepBody (virtual time).
  Duration step_crash_after = Duration::from_seconds(1);
};

struct ExploredPoint {
  std::uint64_t checkpoint = 0;  // k, 1-based; 0 for CrashInStepBody
  // CrashInStepBody: the step crashed in, by Name (its operation id when unnamed); else empty.
  std::string step;
  CrashFault fault = CrashFault::CrashBeforeSend;
  bool fired = false;        // the fault hit a checkpoint (false only past the last one)
  bool interrupted = false;  // an at-most-once step recorded StepInterruptedError
  bool violated = false;
  std::optional<ExecutionStatus> status;  // unset when the run did not finish
  std::size_t invocations = 0;
};

struct CrashViolation {
  std::uint64_t checkpoint = 0;  // 0 for CrashInStepBody
  std::string step;              // CrashInStepBody: as ExploredPoint::step
  CrashFault fault = CrashFault::CrashBeforeSend;
  std::vector<std::string> problems;  // one sentence each
  std::string timeline;               // the failing run's timeline ("" when it did not finish)
  std::optional<TestResult> run;      // the failing run, when it finished
};

class CrashReport {
 public:
  bool passed() const { return violations.empty() && !error.has_value(); }
  explicit operator bool() const { return passed(); }
  // For EXPECT_TRUE / ASSERT_TRUE: the failure message is to_string().
  operator ::testing::AssertionResult() const;  // NOLINT(google-explicit-constructor)
  // A summary (points, faults fired, interrupted runs), then every violation with its problems
  // and the failing run's timeline.
  std::string to_string() const;

  // Checkpoint calls of the clean run (the positions explored when max_points is 0; 0 when no
  // checkpoint fault was asked for).
  std::uint64_t clean_checkpoints = 0;
  std::vector<ExploredPoint> points;
  std::vector<CrashViolation> violations;
  // Set when the clean run itself failed to finish; nothing was explored then.
  std::optional<std::string> error;
  std::optional<TestResult> clean;
};

std::ostream& operator<<(std::ostream& os, const CrashReport& report);

class CrashExplorer {
 public:
  // Throws std::invalid_argument for an empty factory or an empty fault list.
  explicit CrashExplorer(RunnerFactory factory, ExplorerOptions options = {});

  // Explores every crash point of the scenario started with `input` (see the file comment).
  // Throws std::invalid_argument when the factory returns nullptr.
  CrashReport explore(const Json& input = Json::object()) const;

 private:
  RunnerFactory factory_;
  ExplorerOptions options_;
};

// CrashExplorer(factory, options).explore(input).
CrashReport explore_crash_points(RunnerFactory factory, const Json& input = Json::object(),
                                 ExplorerOptions options = {});

}  // namespace durable::testing
