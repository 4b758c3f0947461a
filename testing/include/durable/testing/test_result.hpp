// TestResult: everything a test asserts on after the DurableRunner drove an execution — status,
// result or error, the full operation list with lookups, the history in the service's wire
// format, the invocations, the SDK's log lines, and a printable timeline.
//
// A TestResult is a snapshot taken when run()/wait_for_result()/result() returned, except for the
// history, which is read from the emulator on the first call to history()/history_json()/
// timeline() (the emulator is kept alive by the result for that). Copies share the snapshot.
// All members are const and may be called from any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/event.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/testing/invocation_record.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/operation_observations.hpp"
#include "durable/testing/test_operation.hpp"

namespace durable::emulator {
class Service;
}

namespace durable::testing {

class TestResult {
 public:
  // Built by the DurableRunner; tests normally never construct one themselves.
  struct Snapshot {
    std::string execution_arn;
    ExecutionStatus status = ExecutionStatus::Running;
    std::optional<std::string> result;  // JSON text
    std::optional<ErrorObject> error;
    Timestamp start_timestamp{};
    std::optional<Timestamp> end_timestamp;
    std::vector<Operation> operations;
    std::vector<InvocationRecord> invocations;
    std::vector<std::string> logs;
    // What the runner saw at the checkpoint seam (invoke requests, step body runs).
    OperationObservations observed;
  };
  TestResult(Snapshot snapshot, std::shared_ptr<emulator::Service> service);
  // As above, with the observations shared instead of copied (`snapshot.observed` is ignored):
  // a long execution observes one entry per step, and DurableRunner hands every result of an
  // execution the same immutable set.
  TestResult(Snapshot snapshot, std::shared_ptr<const OperationObservations> observed,
             std::shared_ptr<emulator::Service> service);
  // Observations made only when first read (observations(), step_runs(), the operations'
  // accessors): `make` runs at most once, on the first thread that reads them. A long execution
  // observes one entry per step, and most tests never read them.
  struct DeferredObservations {
    std::function<std::shared_ptr<const OperationObservations>()> make;
  };
  TestResult(Snapshot snapshot, DeferredObservations observations,
             std::shared_ptr<emulator::Service> service);
  // A result whose history is already known (a remote runner read it over the Lambda API):
  // history() returns `history`, and no emulator is kept.
  TestResult(Snapshot snapshot, std::vector<Event> history);

  const std::string& execution_arn() const;
  ExecutionStatus status() const;
  ExecutionStatus execution_status() const;

  // The execution's result decoded from JSON (null when the handler returned nothing or the
  // execution has no result). Throws std::runtime_error if the stored payload is not JSON.
  Json result() const;
  template <class T>
  T result() const {
    return result().template get<T>();
  }
  // The raw result payload as the service stores it.
  const std::optional<std::string>& result_payload() const;
  // The execution's error when it FAILED, TIMED_OUT or was STOPPED.
  const std::optional<ErrorObject>& error() const;
  Timestamp start_timestamp() const;
  std::optional<Timestamp> end_timestamp() const;

  // --- Operations (all of them, children included, in creation order) ---
  std::vector<TestOperation> operations() const;
  std::vector<TestOperation> operations(OperationType type) const;
  std::vector<TestOperation> operations(OperationStatus status) const;
  std::size_t operation_count() const;
  // The `occurrence`-th (0-based) operation named `name`, of any type. Throws std::out_of_range
  // with a message listing the names that do exist when there is no such operation.
  TestOperation operation(const std::string& name, std::size_t occurrence = 0) const;
  std::optional<TestOperation> find_operation(const std::string& name,
                                              std::size_t occurrence = 0) const;
  // By position in creation order; throws std::out_of_range past the end.
  TestOperation operation_at(std::size_t index) const;
  // By operation Id; throws std::out_of_range naming the id when absent.
  TestOperation operation_by_id(const std::string& id) const;

  // The `occurrence`-th operation of the given type named `name`. Throw std::out_of_range (no
  // such operation of that type) naming what exists.
  StepOperation get_step(const std::string& name, std::size_t occurrence = 0) const;
  WaitOperation get_wait(const std::string& name, std::size_t occurrence = 0) const;
  ContextOperation get_context(const std::string& name, std::size_t occurrence = 0) const;
  ContextOperation get_child_context(const std::string& name, std::size_t occurrence = 0) const {
    return get_context(name, occurrence);
  }
  CallbackOperation get_callback(const std::string& name, std::size_t occurrence = 0) const;
  InvokeOperation get_invoke(const std::string& name, std::size_t occurrence = 0) const;

  // --- History (fetched from the emulator on first use, all pages, IncludeExecutionData=true) ---
  const std::vector<Event>& history() const;
  // The GetDurableExecutionHistory response body, {"Events":[...]}, every page merged.
  Json history_json() const;

  // --- Invocations and logs ---
  const std::vector<InvocationRecord>& invocations() const;
  // How many times the handler was invoked for this execution (replays and re-invocations after
  // failures or crashes included).
  std::size_t invocation_count() const;
  // CheckpointDurableExecution requests made over all invocations (see
  // InvocationRecord::checkpoint_requests).
  std::size_t checkpoint_request_count() const;
  // How many times the body of the `occurrence`-th step named `name` ran (see
  // StepOperation::body_runs); also for a step that ran but was never recorded (every run lost
  // in a crash). Throws std::out_of_range as get_step() does when no such step ran.
  std::size_t step_runs(const std::string& name, std::size_t occurrence = 0) const;
  // Everything the runner saw at the checkpoint seam: invoke starts, step body runs, the started
  // attempts of at-most-once steps.
  const OperationObservations& observations() const;
  // The SDK's log lines (JSON text, one per line) emitted during this execution's invocations.
  const std::vector<std::string>& logs() const;
  // logs() parsed; a line that is not JSON becomes a JSON string.
  std::vector<Json> log_entries() const;

  // A readable multi-line account: one block per invocation (request id, virtual start/end,
  // returned status) with each operation event (virtual time offset from the execution start,
  // type, name, status, attempt, duration), the events the service produced between invocations
  // (timers, callbacks; marked "~"), the execution's end (marked "="), and the outcome.
  std::string timeline() const;

  // The timeline as a picture: one self-contained HTML file (no external resources) holding the
  // execution's status, input, result or error, and the SVG timeline the emulator's web console
  // draws (the same renderer, embedded): operations as bars on the virtual time axis, nested
  // under their contexts, coloured by status, with retries, waits and callback waits. Reads the
  // history as history() does. write_timeline_html() throws std::runtime_error naming `path`
  // when the file cannot be written. With DURABLE_TIMELINE_DIR set, every DurableRunner test
  // that fails leaves these files there (see README "Timelines from tests").
  std::string timeline_html() const;
  void write_timeline_html(const std::string& path) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  template <class View>
  View typed(OperationType type, const std::string& name, std::size_t occurrence) const;
};

// Test-output printer: the status, then the result (compact JSON text) or the error, then
// timeline() on the following lines, so that gtest failure output shows what happened:
//   SUCCEEDED result {"ok":true}
//   Execution arn:...
std::ostream& operator<<(std::ostream& os, const TestResult& result);

}  // namespace durable::testing
