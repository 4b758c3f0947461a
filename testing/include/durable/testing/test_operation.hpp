// TestOperation and its typed views: read-only accessors over one checkpointed operation of an
// execution the DurableRunner drove, for assertions in tests.
//
// A TestOperation is a cheap handle: it shares the immutable operation snapshot it came from, so
// copies are cheap and stay valid after the runner that produced them is gone. Every member is
// const and safe to call from any thread.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/testing/operation_observations.hpp"

namespace durable::testing {

class TestOperation {
 public:
  // `all` is the whole operation list of the execution (needed for children()); `index` selects
  // this operation in it. Throws std::out_of_range when index is past the end.
  TestOperation(std::shared_ptr<const std::vector<Operation>> all, std::size_t index);
  // As above, with what the runner observed of the execution's operations (invoke requests, step
  // body runs); without it those accessors report nothing observed.
  TestOperation(std::shared_ptr<const std::vector<Operation>> all, std::size_t index,
                std::shared_ptr<const OperationObservations> observed);

  const std::string& id() const { return op().id; }
  // The name given to the durable call; empty when the call was unnamed.
  std::string name() const { return op().name.value_or(""); }
  // Id of the enclosing CONTEXT (child context, map/parallel branch); empty at top level.
  std::string parent_id() const { return op().parent_id.value_or(""); }
  // SubType written by the SDK, e.g. "Step", "WaitForCondition", "RunInChildContext"; empty if none.
  std::string sub_type() const { return op().sub_type.value_or(""); }
  OperationType type() const { return op().type; }
  OperationStatus status() const { return op().status; }
  Timestamp start_timestamp() const { return op().start_timestamp; }
  std::optional<Timestamp> end_timestamp() const { return op().end_timestamp; }
  // Position in the execution's operation list (creation order).
  std::size_t index() const { return index_; }

  // Operations whose ParentId is this operation's id, in creation order. Only direct children.
  std::vector<TestOperation> children() const;

  // The stored operation exactly as the service returns it.
  const Operation& raw() const { return (*all_)[index_]; }

  // The error the operation's details carry (step, context, callback, chained invoke), if any.
  std::optional<ErrorObject> error() const;

 protected:
  const Operation& op() const { return (*all_)[index_]; }
  // Throws std::logic_error naming the operation when its type is not `expected`; used by the
  // typed views so that get_step() on a WAIT fails loudly instead of reading empty details.
  void require_type(OperationType expected, const char* view) const;
  const OperationObservations* observed() const { return observed_.get(); }
  // Parses a stored JSON payload; throws std::runtime_error naming the operation when the
  // operation has no result or the payload is not JSON.
  Json parse_payload(const std::optional<std::string>& payload, const char* what) const;

 private:
  std::shared_ptr<const std::vector<Operation>> all_;
  std::size_t index_;
  std::shared_ptr<const OperationObservations> observed_;
};

// Test-output printer (gtest failure messages, PrintToString): type, name, status, id and the
// error if any, e.g. `STEP "charge" FAILED (id 1) ErrorObject{ErrorType: "Declined"}`; an unnamed
// operation prints `-` as its name. The typed views below print the same way.
std::ostream& operator<<(std::ostream& os, const TestOperation& op);

// A STEP operation (also wait_for_condition, whose SubType is "WaitForCondition").
class StepOperation : public TestOperation {
 public:
  // Throws std::logic_error if `op` is not a STEP.
  explicit StepOperation(const TestOperation& op);

  // Finished attempts as the service counts them (StepDetails.Attempt): 1 after a first attempt
  // that succeeded or failed, 2 after one retry, ... 0 when no attempt has finished yet.
  std::int64_t attempts() const;
  // When the next retry attempt is due (status PENDING), if one is scheduled.
  std::optional<Timestamp> next_attempt_timestamp() const;
  // The step's result decoded as JSON and converted to T. Throws std::runtime_error when the step
  // has no result (not succeeded) and nlohmann::json's errors when T does not fit.
  template <class T = Json>
  T result() const {
    return result_json().template get<T>();
  }
  Json result_json() const;
  // The raw result payload (JSON text), if any.
  std::optional<std::string> result_payload() const;
  // The error of the last failed attempt, if any.
  std::optional<ErrorObject> error() const;
  // How many times the step's body ran across all invocations (a re-run after a crash counts;
  // replaying a finished step does not). For wait_for_condition, how many checks ran. 0 when the
  // operation did not come from a DurableRunner run.
  std::size_t body_runs() const;
};

// A WAIT operation.
class WaitOperation : public TestOperation {
 public:
  explicit WaitOperation(const TestOperation& op);
  // When the wait ends (WaitDetails.ScheduledEndTimestamp). Throws std::runtime_error if unset.
  Timestamp scheduled_end() const;
  // Seconds between the wait's start and its scheduled end, i.e. the requested wait duration.
  std::int64_t duration_seconds() const;
};

// A CONTEXT operation: child context, wait_for_callback, map/parallel and their branches.
class ContextOperation : public TestOperation {
 public:
  explicit ContextOperation(const TestOperation& op);
  template <class T = Json>
  T result() const {
    return result_json().template get<T>();
  }
  // The decoded ContextDetails.Result. For a context completed with ReplayChildren the stored
  // result is only a summary (or empty), which is what this returns.
  Json result_json() const;
  std::optional<std::string> result_payload() const;
  std::optional<ErrorObject> error() const;
  // True when the context was completed with ReplayChildren (result too large to store inline).
  bool replay_children() const;
};

// A CALLBACK operation.
class CallbackOperation : public TestOperation {
 public:
  explicit CallbackOperation(const TestOperation& op);
  // The id external systems use to complete the callback; empty until the service assigned one.
  std::string callback_id() const;
  template <class T = Json>
  T result() const {
    return result_json().template get<T>();
  }
  Json result_json() const;
  std::optional<std::string> result_payload() const;
  std::optional<ErrorObject> error() const;
};

// A CHAINED_INVOKE operation.
class InvokeOperation : public TestOperation {
 public:
  explicit InvokeOperation(const TestOperation& op);
  // The function the handler invoked (as passed to context.invoke: name, ARN or qualified name).
  // Throws std::runtime_error when the runner did not observe the invoke's START.
  std::string function_name() const;
  // ChainedInvokeOptions.TenantId, if one was sent.
  std::optional<std::string> tenant_id() const;
  // The payload sent to the function, as text (std::nullopt when none was sent or not observed).
  std::optional<std::string> payload() const;
  // The payload decoded as JSON. Throws std::runtime_error when there is none or it is not JSON.
  Json input() const;
  template <class T = Json>
  T result() const {
    return result_json().template get<T>();
  }
  Json result_json() const;
  std::optional<std::string> result_payload() const;
  std::optional<ErrorObject> error() const;

 private:
  const OperationObservations::InvokeStart* start_request() const;
};

}  // namespace durable::testing
