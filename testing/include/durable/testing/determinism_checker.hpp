// Determinism checker: proves, inside a unit test, that a handler replays its own checkpoint log.
//
//   DurableRunner runner(my_handler);
//   EXPECT_TRUE(runner.check_determinism({{"order_id", "o-1"}}));
//
// It runs the execution once for real (the "recorded run", driven by the runner with everything
// registered on it), recording what each invocation received and every checkpoint it sent. Then,
// for every recorded prefix of that log — the state each invocation started from, and with
// DeterminismOptions::each_checkpoint also the state after each checkpoint — it replays the
// handler in isolation: the SDK is given exactly the operations the service held at that point
// and a checkpoint client that stops the replay at its first new checkpoint. The replay passes
// when
//  * every operation it replays matches the recorded one (the SDK's own replay check: id, type,
//    subtype, name), and
//  * its first new checkpoint update is the one the recorded run sent next (same id, type,
//    subtype, name and parent; at invocation boundaries also the same action), or, when the
//    recorded invocation sent nothing more, it ends the invocation with the same status and
//    result.
// The first prefix that fails is reported as a divergence with a readable expected/actual diff.
//
// Perturbation: a handler must not depend on anything but its input and its operations' results.
// Between the recorded run and the replays the checker changes what it can reach of the rest:
//  * environment variables you name (DeterminismOptions::environment, set for the replays only),
//  * the SDK's jitter source (DeterminismOptions::jitter_seed: one seed for the recorded run,
//    another for the replays),
//  * the wall clock: the replays start at least DeterminismOptions::wall_clock_gap of real time
//    after the recorded run ended, so a name or branch derived from std::chrono::system_clock at
//    a finer resolution than that gap differs.
// The SDK does not hand the handler a clock or a random source of its own, so these are the
// hidden inputs a harness can influence; anything else (a global counter, a file) is caught only
// when it already changes between the recorded run and the replays.
//
// Costs and side effects: replays skip completed step bodies, but the body of the first new
// at-least-once step of a prefix runs once (the SDK checkpoints it only after its body), exactly
// as a real re-invocation at that point would run it. Step bodies of the recorded run run as in
// run(). Environment changes are process-wide: do not run other threads that read them meanwhile.
// Only the execution of the handler under test is checked; durable functions it invokes run as
// usual. The recorded run goes through the checker's own checkpoint client, so its TestResult
// (DeterminismReport::recorded) has the operations, history and invocations but no SDK log lines
// and no step-run observations.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "durable/invocation.hpp"
#include "durable/model/enums.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"
#include "durable/testing/runner_options.hpp"
#include "durable/testing/test_result.hpp"

namespace testing {
// GoogleTest's result type, declared so that this header does not pull gtest in; a test using
// EXPECT_TRUE on the report includes <gtest/gtest.h> (durable/testing.hpp does).
class AssertionResult;
}  // namespace testing

namespace durable::testing {

class DurableRunner;

struct DeterminismOptions {
  // Also replay from the state after every checkpoint of every invocation, not only from each
  // invocation's starting state. Slower (one replay per checkpoint) and finer-grained.
  bool each_checkpoint = false;
  // Environment variables set (a value) or unset (nullopt) while the replays run, and restored
  // afterwards. The recorded run sees the process environment as it is.
  std::map<std::string, std::optional<std::string>> environment{};
  // When set: durable::set_jitter_seed(*jitter_seed) before the recorded run and a different seed
  // before the replays (the SDK's jitter source is process-wide; it is left reseeded).
  std::optional<std::uint64_t> jitter_seed{};
  // Minimum real time between the end of the recorded run and the first replay. Negative throws
  // std::invalid_argument.
  std::chrono::milliseconds wall_clock_gap{2};
  // How the recorded run is started (wall-clock limit, execution timeout, name).
  RunOptions run_options{};
};

// What identifies an operation (or one checkpoint update of it) for the replay comparison.
struct OperationIdentity {
  std::string id;
  OperationType type = OperationType::Step;
  std::optional<std::string> sub_type;
  std::optional<std::string> name;
  std::optional<std::string> parent_id;
  // Set for checkpoint updates, unset for stored operations.
  std::optional<OperationAction> action;

  static OperationIdentity of(const Operation& op);
  static OperationIdentity of(const OperationUpdate& update);
  // Same id, type, subtype, name and parent (the action is not compared).
  bool same_operation(const OperationIdentity& other) const;
  // e.g. `STEP/Step "charge" id 1ab.. parent - START`.
  std::string to_string() const;
};

// Where a replay first disagreed with the recorded run.
struct Divergence {
  // 1-based index of the recorded invocation whose state was replayed, and its request id.
  std::size_t invocation = 0;
  std::string request_id;
  // Unset: replayed from the invocation's starting state; n: from the state after its n-th
  // (1-based) checkpoint.
  std::optional<std::size_t> after_checkpoint;
  // Operations in the replayed state (the EXECUTION operation included).
  std::size_t prefix_operations = 0;
  // What the recorded run did next and what the replay did instead, one line each.
  std::string expected;
  std::string actual;
  // The operations involved, when the divergence is about one (otherwise about an outcome).
  std::optional<OperationIdentity> expected_operation;
  std::optional<OperationIdentity> actual_operation;
  // The operation sequence as a diff: "  " replayed and matching, "- " recorded, "+ " replay.
  std::string diff;
};

class DeterminismReport {
 public:
  bool passed() const { return !divergence.has_value() && !error.has_value() && !misuse; }
  explicit operator bool() const { return passed(); }
  // For EXPECT_TRUE / ASSERT_TRUE: the failure message is to_string().
  operator ::testing::AssertionResult() const;  // NOLINT(google-explicit-constructor)
  // One line when it passed; otherwise the divergence with its diff, or the error, followed by
  // the recorded run's timeline.
  std::string to_string() const;

  // Prefixes replayed (each invocation boundary, plus each checkpoint when asked).
  std::size_t prefixes_checked = 0;
  std::size_t invocations = 0;
  std::size_t checkpoints = 0;
  std::optional<Divergence> divergence;
  // Set when the recorded run itself could not be completed (RunnerError, stuck execution).
  std::optional<std::string> error;
  // Set when the recorded run failed because the handler called a durable operation inside a
  // step body (OperationMisuseError): the message naming the operation and the step. Such a
  // handler is not replay-safe whatever its replays do, so the check fails without replaying.
  std::optional<std::string> misuse;
  // The recorded run; unset only when it could not be completed.
  std::optional<TestResult> recorded;
};

std::ostream& operator<<(std::ostream& os, const DeterminismReport& report);

// Runs `input` on `runner` (whose handler under test must be `handler`: the checker runs it in
// place of the runner's registration for the recorded run and restores that registration
// afterwards) and replays every prefix as described above. Throws std::invalid_argument for an
// empty handler or a negative wall_clock_gap. Call from the thread that drives the runner.
DeterminismReport check_determinism(DurableRunner& runner, const Handler& handler,
                                    const Json& input = Json::object(),
                                    const DeterminismOptions& options = {});

}  // namespace durable::testing
