// Shared fixture for the emulator tests: a Service on a VirtualClock and builders for updates, so
// a test can play the handler by calling checkpoint() between take_ready_invocation() and
// complete_invocation().
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "durable/emulator/service.hpp"

namespace durable::emulator::testing {

inline Timestamp at_ms(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

inline OperationUpdate update(std::string id, OperationType type, OperationAction action) {
  OperationUpdate u;
  u.id = std::move(id);
  u.type = type;
  u.action = action;
  return u;
}
inline OperationUpdate step_start(std::string id, std::optional<std::string> parent = {}) {
  auto u = update(std::move(id), OperationType::Step, OperationAction::Start);
  u.sub_type = "Step";
  u.parent_id = std::move(parent);
  return u;
}
inline OperationUpdate step_succeed(std::string id, std::string payload) {
  auto u = update(std::move(id), OperationType::Step, OperationAction::Succeed);
  u.payload = std::move(payload);
  return u;
}
inline ErrorObject error(std::string type, std::string message) {
  ErrorObject e;
  e.error_type = std::move(type);
  e.error_message = std::move(message);
  return e;
}
inline OperationUpdate step_fail(std::string id, ErrorObject e) {
  auto u = update(std::move(id), OperationType::Step, OperationAction::Fail);
  u.error = std::move(e);
  return u;
}
inline OperationUpdate step_retry(std::string id, std::int64_t delay,
                                  std::optional<ErrorObject> e = error("E", "boom")) {
  auto u = update(std::move(id), OperationType::Step, OperationAction::Retry);
  u.error = std::move(e);
  u.step_options = StepOptions{delay};
  return u;
}
inline OperationUpdate wait_start(std::string id, std::int64_t seconds,
                                  std::optional<std::string> parent = {}) {
  auto u = update(std::move(id), OperationType::Wait, OperationAction::Start);
  u.sub_type = "Wait";
  u.wait_options = WaitOptions{seconds};
  u.parent_id = std::move(parent);
  return u;
}
inline OperationUpdate context_start(std::string id, std::optional<std::string> parent = {}) {
  auto u = update(std::move(id), OperationType::Context, OperationAction::Start);
  u.sub_type = "RunInChildContext";
  u.parent_id = std::move(parent);
  return u;
}
inline OperationUpdate context_succeed(std::string id, std::string payload,
                                       std::optional<bool> replay_children = {}) {
  auto u = update(std::move(id), OperationType::Context, OperationAction::Succeed);
  u.payload = std::move(payload);
  if (replay_children) u.context_options = ContextOptions{replay_children};
  return u;
}
inline OperationUpdate callback_start(std::string id, std::optional<std::int64_t> timeout = {},
                                      std::optional<std::int64_t> heartbeat = {}) {
  auto u = update(std::move(id), OperationType::Callback, OperationAction::Start);
  u.sub_type = "Callback";
  if (timeout || heartbeat) u.callback_options = CallbackOptions{timeout, heartbeat};
  return u;
}
inline OperationUpdate invoke_start(std::string id, std::string function,
                                    std::optional<std::string> tenant = {}) {
  auto u = update(std::move(id), OperationType::ChainedInvoke, OperationAction::Start);
  u.sub_type = "ChainedInvoke";
  u.payload = "\"in\"";
  u.chained_invoke_options = ChainedInvokeOptions{std::move(function), std::move(tenant)};
  return u;
}
inline DurableExecutionInvocationOutput output(InvocationStatus status,
                                               std::optional<std::string> result = {},
                                               std::optional<ErrorObject> err = {}) {
  return {status, std::move(result), std::move(err)};
}

class EmulatorTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStartMs = 1'700'000'000'000;

  explicit EmulatorTest(ServiceOptions options = {})
      : clock_(std::make_shared<VirtualClock>(at_ms(kStartMs))), service_(clock_, options) {}

  std::string start(std::string input = "{\"k\":1}", std::string name = "exec-1") {
    StartExecutionRequest r;
    r.function_name = "my-fn";
    r.execution_name = std::move(name);
    r.input = std::move(input);
    r.invocation_id = "inv-" + *r.execution_name;
    arn_ = service_.start_execution(r).durable_execution_arn;
    return arn_;
  }

  // Takes the next invocation (which must exist) and remembers its token.
  PendingInvocation invoke() {
    auto p = service_.take_ready_invocation();
    if (!p) throw std::runtime_error("no invocation ready");
    token_ = p->input.checkpoint_token;
    request_id_ = p->request_id;
    return *p;
  }

  CheckpointDurableExecutionResponse checkpoint(std::vector<OperationUpdate> updates) {
    CheckpointDurableExecutionRequest r{arn_, token_, std::move(updates), std::nullopt};
    auto resp = service_.checkpoint(r);
    if (resp.checkpoint_token) token_ = *resp.checkpoint_token;
    return resp;
  }

  void complete(DurableExecutionInvocationOutput out) {
    service_.complete_invocation(arn_, request_id_, InvocationOutcome{out, std::nullopt});
  }
  void complete_with_error(ErrorObject e) {
    service_.complete_invocation(arn_, request_id_, InvocationOutcome{std::nullopt, e});
  }

  std::vector<Event> history(bool include = true) {
    GetDurableExecutionHistoryRequest r;
    r.durable_execution_arn = arn_;
    r.include_execution_data = include;
    r.max_items = 1000;
    return service_.get_history(r).events;
  }
  std::vector<EventType> event_types() {
    std::vector<EventType> out;
    for (const auto& e : history()) out.push_back(e.event_type);
    return out;
  }
  GetDurableExecutionResponse execution() { return service_.get_execution({arn_}); }
  Operation op(const std::string& id) {
    for (auto& o : service_.operations(arn_)) {
      if (o.id == id) return o;
    }
    throw std::runtime_error("no operation " + id);
  }

  // Expects checkpoint(updates) to be rejected with 400 InvalidParameterValueException `message`.
  void expect_rejected(std::vector<OperationUpdate> updates, const std::string& message) {
    try {
      checkpoint(std::move(updates));
      ADD_FAILURE() << "expected rejection: " << message;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "InvalidParameterValueException");
      EXPECT_EQ(e.http_status(), 400);
      EXPECT_EQ(std::string(e.what()), message);
    }
  }

  std::shared_ptr<VirtualClock> clock_;
  Service service_;
  std::string arn_;
  std::string token_;
  std::string request_id_;
};

}  // namespace durable::emulator::testing
