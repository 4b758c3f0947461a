// FakeCheckpointClient: an in-test stand-in for the durable execution service. It applies updates
// with the minimum of service semantics the SDK relies on (statuses, attempts, results, errors),
// records every request, serves paged state, and can be told to fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include "durable/durable.hpp"

namespace durable::test {

inline constexpr const char* kExecutionId = "exec-1";
inline constexpr const char* kArn =
    "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/run/exec-1";

class FakeCheckpointClient : public CheckpointClient {
 public:
  explicit FakeCheckpointClient(std::string input_payload = "{}") {
    Operation exec;
    exec.id = kExecutionId;
    exec.type = OperationType::Execution;
    exec.status = OperationStatus::Started;
    exec.execution_details = ExecutionDetails{std::move(input_payload)};
    ops_.push_back(exec);
  }

  // --- what the SDK sent
  std::vector<CheckpointDurableExecutionRequest> batches;
  std::vector<GetDurableExecutionStateRequest> state_requests;

  // All updates of all batches, in order.
  std::vector<OperationUpdate> updates() const {
    std::vector<OperationUpdate> out;
    for (const auto& b : batches) out.insert(out.end(), b.updates.begin(), b.updates.end());
    return out;
  }

  // --- failure injection: called before each checkpoint is applied; may throw.
  std::function<void(const CheckpointDurableExecutionRequest&)> on_checkpoint;
  std::function<void(const GetDurableExecutionStateRequest&)> on_get_state;

  // --- the service's view
  const std::vector<Operation>& operations() const { return ops_; }
  Operation* find(const std::string& id) {
    for (auto& op : ops_) {
      if (op.id == id) return &op;
    }
    return nullptr;
  }
  void put(Operation op) {
    if (Operation* existing = find(op.id)) {
      *existing = std::move(op);
    } else {
      ops_.push_back(std::move(op));
    }
  }
  bool execution_finished() const { return execution_result_.has_value(); }
  const std::optional<std::string>& execution_result() const { return execution_result_; }

  // The envelope of the next invocation. With page_size > 0 the operations are split: the first
  // page goes inline and the rest is served by get_state with markers "m1", "m2", ...
  DurableExecutionInvocationInput next_input(std::size_t page_size = 0) {
    DurableExecutionInvocationInput in;
    in.durable_execution_arn = kArn;
    in.checkpoint_token = "token-" + std::to_string(++token_counter_);
    pages_.clear();
    if (page_size == 0 || ops_.size() <= page_size) {
      in.initial_execution_state.operations = ops_;
    } else {
      for (std::size_t i = 0; i < ops_.size(); i += page_size) {
        pages_.emplace_back(ops_.begin() + static_cast<std::ptrdiff_t>(i),
                            ops_.begin() + static_cast<std::ptrdiff_t>(std::min(ops_.size(), i + page_size)));
      }
      in.initial_execution_state.operations = pages_[0];
      in.initial_execution_state.next_marker = "m1";
    }
    return in;
  }

  // What the service does between invocations: timers fire, retry delays elapse.
  void advance_time() {
    for (auto& op : ops_) {
      if (op.type == OperationType::Wait && op.status == OperationStatus::Started) {
        op.status = OperationStatus::Succeeded;
        op.end_timestamp = tick();
      }
      if (op.type == OperationType::Step && op.status == OperationStatus::Pending) {
        op.status = OperationStatus::Ready;
      }
    }
  }

  // The invoked function finished: status SUCCEEDED (with `result`), FAILED, TIMED_OUT or
  // STOPPED (with `error`). Stamps the end time from the fake's monotonic clock.
  void complete_invoke(const std::string& id, OperationStatus status,
                       std::optional<std::string> result = std::nullopt,
                       std::optional<ErrorObject> error = std::nullopt) {
    Operation& op = must_find(id, OperationType::ChainedInvoke);
    op.status = status;
    op.end_timestamp = tick();
    auto& d = op.chained_invoke_details ? *op.chained_invoke_details
                                        : op.chained_invoke_details.emplace();
    d.result = std::move(result);
    d.error = std::move(error);
  }

  // The external system (or a timer) completed the callback.
  void complete_callback(const std::string& id, OperationStatus status,
                         std::optional<std::string> result = std::nullopt,
                         std::optional<ErrorObject> error = std::nullopt) {
    Operation& op = must_find(id, OperationType::Callback);
    op.status = status;
    op.end_timestamp = tick();
    op.callback_details->result = std::move(result);
    op.callback_details->error = std::move(error);
  }

  // Fires only the WAIT with this id (e.g. an invoke's timer), leaving other timers alone.
  void fire_wait(const std::string& id) {
    Operation& op = must_find(id, OperationType::Wait);
    op.status = OperationStatus::Succeeded;
    op.end_timestamp = tick();
  }

  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override {
    batches.push_back(request);
    if (on_checkpoint) on_checkpoint(request);
    CheckpointDurableExecutionResponse response;
    bool terminal = false;
    for (const auto& u : request.updates) {
      if (u.type == OperationType::Execution) {
        execution_result_ = u.payload.value_or("");
        terminal = true;
        continue;
      }
      Operation* op = find(u.id);
      if (!op) {
        Operation fresh;
        fresh.id = u.id;
        fresh.parent_id = u.parent_id;
        fresh.name = u.name;
        fresh.type = u.type;
        fresh.sub_type = u.sub_type;
        ops_.push_back(fresh);
        op = &ops_.back();
      }
      apply(*op, u);
      response.new_execution_state.operations.push_back(*op);
    }
    if (!terminal) response.checkpoint_token = "token-" + std::to_string(++token_counter_);
    return response;
  }

  GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) override {
    state_requests.push_back(request);
    if (on_get_state) on_get_state(request);
    GetDurableExecutionStateResponse response;
    const std::size_t index = std::stoul(request.marker.value().substr(1));
    response.operations = pages_.at(index);
    if (index + 1 < pages_.size()) response.next_marker = "m" + std::to_string(index + 1);
    return response;
  }

 private:
  Timestamp tick() { return Timestamp(std::chrono::milliseconds(++clock_ms_)); }

  Operation& must_find(const std::string& id, OperationType type) {
    Operation* op = find(id);
    if (!op || op->type != type) {
      throw std::logic_error("fake service: no " + std::string(to_string(type)) +
                             " operation " + id);
    }
    return *op;
  }

  void apply(Operation& op, const OperationUpdate& u) {
    switch (u.type) {
      case OperationType::Step: {
        auto& d = op.step_details ? *op.step_details : op.step_details.emplace();
        const auto finished = d.attempt.value_or(0);
        if (u.action == OperationAction::Start) op.status = OperationStatus::Started;
        if (u.action == OperationAction::Succeed) {
          op.status = OperationStatus::Succeeded;
          d.result = u.payload;
          d.attempt = finished + 1;
        }
        if (u.action == OperationAction::Fail) {
          op.status = OperationStatus::Failed;
          d.error = u.error;
          d.attempt = finished + 1;
        }
        if (u.action == OperationAction::Retry) {
          op.status = OperationStatus::Pending;
          d.error = u.error;
          d.result = u.payload;  // wait_for_condition carries its state here
          d.attempt = finished + 1;
        }
        break;
      }
      case OperationType::Wait:
        if (u.action == OperationAction::Cancel) {
          op.status = OperationStatus::Cancelled;
          op.end_timestamp = tick();
        } else {
          op.status = OperationStatus::Started;
          op.wait_details = WaitDetails{};
        }
        break;
      case OperationType::Callback:
        op.status = OperationStatus::Started;
        op.callback_details = CallbackDetails{"cb-" + op.id.substr(0, 12), {}, {}};
        break;
      case OperationType::ChainedInvoke: {
        auto& d = op.chained_invoke_details ? *op.chained_invoke_details
                                            : op.chained_invoke_details.emplace();
        if (u.action == OperationAction::Cancel) {
          // As the service: CANCEL stops the invoke and keeps the error it carries.
          op.status = OperationStatus::Stopped;
          op.end_timestamp = tick();
          d.error = u.error;
        } else {
          op.status = OperationStatus::Started;
        }
        break;
      }
      case OperationType::Context: {
        auto& d = op.context_details ? *op.context_details : op.context_details.emplace();
        if (u.action == OperationAction::Start) op.status = OperationStatus::Started;
        if (u.action == OperationAction::Succeed) {
          op.status = OperationStatus::Succeeded;
          d.result = u.payload;
          if (u.context_options) d.replay_children = u.context_options->replay_children;
        }
        if (u.action == OperationAction::Fail) {
          op.status = OperationStatus::Failed;
          d.error = u.error;
        }
        break;
      }
      default:
        op.status = OperationStatus::Started;
    }
  }

  std::vector<Operation> ops_;
  std::vector<std::vector<Operation>> pages_;
  std::optional<std::string> execution_result_;
  int token_counter_ = 0;
  std::int64_t clock_ms_ = 1'000'000;
};

// Runs invocations until the execution is no longer PENDING (advancing time in between), at most
// `max_invocations` times. Returns the last output.
inline DurableExecutionInvocationOutput run_to_completion(const Handler& handler,
                                                          FakeCheckpointClient& client,
                                                          const InvocationOptions& options = {},
                                                          int max_invocations = 10) {
  DurableExecutionInvocationOutput out;
  for (int i = 0; i < max_invocations; ++i) {
    out = run_invocation(handler, client.next_input(), client, options);
    if (out.status != InvocationStatus::Pending) return out;
    client.advance_time();
  }
  return out;
}

}  // namespace durable::test
