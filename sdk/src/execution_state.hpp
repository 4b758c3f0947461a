// ExecutionState: everything one invocation knows about its execution and shares between all of
// its contexts: the operations (initial state, merged with every checkpoint response), the
// checkpoint token and queue, the logging back end, and how the invocation is ending
// (suspension or a fatal condition), which is sticky.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "checkpoint_batcher.hpp"
#include "durable/checkpoint_client.hpp"
#include "durable/invocation.hpp"
#include "durable/model/operation.hpp"
#include "log_core.hpp"

namespace durable::detail {

// Why the invocation is ending early; later outcomes only replace weaker ones
// (None < Suspended < Failed/InvocationError).
enum class Termination { None, Suspended, Failed, InvocationError };

class ExecutionState {
 public:
  ExecutionState(std::string execution_arn, std::string checkpoint_token, CheckpointClient& client,
                 const InvocationOptions& options);

  const std::string& execution_arn() const { return execution_arn_; }
  const std::shared_ptr<LogCore>& log_core() const { return log_core_; }

  // Loads the initial operations and pages the rest with get_state while NextMarker is
  // non-empty. Service failures are classified as for checkpoints (see flush()).
  void load_initial_state(const InitialExecutionState& initial);

  // The current view of an operation, or null.
  const Operation* find(const std::string& id) const;
  // Whether the operation was in the state this invocation started with.
  bool existed_at_start(const std::string& id) const { return initial_ids_.count(id) != 0; }
  const std::vector<std::string>& initial_order() const { return initial_order_; }

  // Queues an update to ride with the next synchronous checkpoint.
  void enqueue(OperationUpdate update);
  // Queues an update and flushes the queue: returns once it is persisted.
  void checkpoint(OperationUpdate update);
  // Sends everything queued, in batches, merging each response into the state and rotating the
  // token. A non-retryable ApiError (4xx except 429 and stale-token messages) records a Failed
  // termination and throws CheckpointError; anything else (5xx, 429, stale token, transport)
  // records an InvocationError termination and is rethrown as is.
  void flush();

  // Entry check of every SDK call: on the owning thread, and not after the invocation ended.
  void enter() const;
  void rethrow_if_terminated() const;

  // Records suspension and throws SuspendExecution.
  [[noreturn]] void suspend();
  // Records a fatal failure (the invocation answers FAILED with `error`) and throws `thrown`.
  [[noreturn]] void fail(ErrorObject error, std::exception_ptr thrown);

  Termination termination() const { return termination_; }
  const ErrorObject& failure() const { return failure_; }
  const std::exception_ptr& sticky_exception() const { return sticky_; }
  // True once a checkpoint response came back without a token (the execution is terminal).
  bool execution_completed() const { return execution_completed_; }

 private:
  void merge(const std::vector<Operation>& operations);
  void page_state(std::optional<std::string> marker, bool initial);
  [[noreturn]] void on_service_failure(const char* what_call);
  void record(Termination kind, std::exception_ptr sticky, ErrorObject failure);

  std::string execution_arn_;
  std::string checkpoint_token_;
  CheckpointClient& client_;
  std::shared_ptr<LogCore> log_core_;
  CheckpointBatcher batcher_;
  std::thread::id owner_;

  std::unordered_map<std::string, Operation> operations_;
  std::unordered_set<std::string> initial_ids_;
  std::vector<std::string> initial_order_;

  Termination termination_ = Termination::None;
  std::exception_ptr sticky_;
  ErrorObject failure_;
  bool execution_completed_ = false;
};

// True for ApiErrors after which retrying the invocation cannot help (PROTOCOL.md §2.3).
bool is_non_retryable(const ApiError& error);

}  // namespace durable::detail
