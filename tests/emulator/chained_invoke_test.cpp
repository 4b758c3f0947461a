// CHAINED_INVOKE targets: plain functions (result, exception, bad result, delay, timeout),
// durable functions run as their own executions, unknown targets, CANCEL, and qualified names.
#include "durable/emulator/executor.hpp"
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

namespace custom {
struct PaymentDeclined : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace custom

class ChainedInvokeTest : public EmulatorTest {
 protected:
  ChainedInvokeTest() { service_.set_function_registry(registry_); }

  // Starts the caller, checkpoints the invoke of `target` and suspends.
  void invoke_and_suspend(const std::string& target, std::optional<std::string> tenant = {}) {
    start();
    invoke();
    checkpoint({invoke_start("i", target, std::move(tenant))});
    complete(output(InvocationStatus::Pending));
  }

  const Event& last_event_of(EventType type) {
    events_ = history();
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->event_type == type) return *it;
    }
    throw std::runtime_error("no such event");
  }

  FunctionRegistry registry_;
  std::vector<Event> events_;
};

TEST_F(ChainedInvokeTest, PlainTargetRunsAfterTheCallerSuspendsAndReinvokesIt) {
  std::vector<std::string> payloads;
  registry_.register_function("echo", [&](const std::string& payload) {
    payloads.push_back(payload);
    return payload;
  });
  invoke_and_suspend("echo:$LATEST", "tenant-1");
  EXPECT_TRUE(payloads.empty());  // never inside the caller's checkpoint
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  EXPECT_EQ(payloads, std::vector<std::string>{"\"in\""});

  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::Succeeded);
  EXPECT_EQ(o.chained_invoke_details->result, "\"in\"");
  std::vector<EventType> expected{EventType::ExecutionStarted, EventType::ChainedInvokeStarted,
                                  EventType::InvocationCompleted,
                                  EventType::ChainedInvokeSucceeded};
  EXPECT_EQ(event_types(), expected);
  auto started = std::get<ChainedInvokeStartedDetails>(history()[1].details);
  EXPECT_EQ(started.function_name, "echo:$LATEST");
  EXPECT_EQ(started.executed_version, "$LATEST");
  EXPECT_EQ(started.tenant_id, "tenant-1");
  EXPECT_EQ(started.input->payload, "\"in\"");
  EXPECT_FALSE(started.durable_execution_arn.has_value());  // not a durable target
  auto done = std::get<ResultDetails>(history()[3].details);
  EXPECT_EQ(done.result.payload, "\"in\"");

  auto p = invoke();
  EXPECT_EQ(*p.input.updated_operation_ids, std::vector<std::string>{"i"});
}

TEST_F(ChainedInvokeTest, ThrowingPlainTargetFailsTheInvokeWithTheExceptionTypeAndMessage) {
  registry_.register_function("pay", [](const std::string&) -> std::string {
    throw custom::PaymentDeclined("card declined");
  });
  invoke_and_suspend("pay");
  service_.fire_due_timers();
  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::Failed);
  EXPECT_EQ(o.chained_invoke_details->error->error_type, "PaymentDeclined");
  EXPECT_EQ(o.chained_invoke_details->error->error_message, "card declined");
  const auto& e = last_event_of(EventType::ChainedInvokeFailed);
  EXPECT_EQ(std::get<ErrorDetails>(e.details).error->payload->error_type, "PaymentDeclined");
}

TEST_F(ChainedInvokeTest, NonStandardExceptionAndNonJsonResultFailClearly) {
  registry_.register_function("weird", [](const std::string&) -> std::string { throw 42; });
  registry_.register_function("text", [](const std::string&) { return std::string("not json"); });
  registry_.register_function("empty", [](const std::string&) { return std::string(); });
  start();
  invoke();
  checkpoint({invoke_start("a", "weird"), invoke_start("b", "text"), invoke_start("c", "empty")});
  complete(output(InvocationStatus::Pending));
  EXPECT_EQ(service_.fire_due_timers(), 3u);
  EXPECT_EQ(op("a").chained_invoke_details->error->error_type, "UnknownException");
  EXPECT_NE(op("a").chained_invoke_details->error->error_message->find("weird"),
            std::string::npos);
  EXPECT_EQ(op("b").status, OperationStatus::Failed);
  EXPECT_EQ(op("b").chained_invoke_details->error->error_type, "Runtime.InvalidResponse");
  EXPECT_NE(op("b").chained_invoke_details->error->error_message->find("not json"),
            std::string::npos);
  EXPECT_EQ(op("c").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("c").chained_invoke_details->result, "null");
}

TEST_F(ChainedInvokeTest, UnknownTargetFailsNamingTheFunctionInsteadOfHanging) {
  invoke_and_suspend("ghost-fn");
  service_.fire_due_timers();
  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::Failed);
  EXPECT_EQ(o.chained_invoke_details->error->error_type, "ResourceNotFoundException");
  EXPECT_EQ(o.chained_invoke_details->error->error_message, "Function not found: ghost-fn");
  std::vector<EventType> expected{EventType::ExecutionStarted, EventType::ChainedInvokeStarted,
                                  EventType::InvocationCompleted, EventType::ChainedInvokeFailed};
  EXPECT_EQ(event_types(), expected);
  EXPECT_TRUE(service_.take_ready_invocation().has_value());
}

TEST(ChainedInvokeNoRegistryTest, WithoutARegistryEveryTargetIsUnknown) {
  auto clock = std::make_shared<VirtualClock>(at_ms(0));
  Service service(clock);
  StartExecutionRequest r;
  r.function_name = "f";
  auto arn = service.start_execution(r).durable_execution_arn;
  auto p = service.take_ready_invocation();
  service.checkpoint({arn, p->input.checkpoint_token, {invoke_start("i", "x")}, std::nullopt});
  service.complete_invocation(arn, p->request_id,
                              InvocationOutcome{output(InvocationStatus::Pending), std::nullopt});
  service.fire_due_timers();
  EXPECT_EQ(service.operations(arn)[1].chained_invoke_details->error->error_message,
            "Function not found: x");
}

TEST_F(ChainedInvokeTest, DelayedPlainTargetCompletesAtStartPlusDelay) {
  int calls = 0;
  registry_.register_function("slow", [&](const std::string&) {
    ++calls;
    return std::string("1");
  }, {.delay = std::chrono::seconds(30)});
  invoke_and_suspend("slow");
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs) + seconds(30));
  clock_->advance(seconds(29));
  EXPECT_EQ(service_.fire_due_timers(), 0u);
  EXPECT_EQ(op("i").status, OperationStatus::Started);
  clock_->advance(seconds(1));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(op("i").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("i").end_timestamp, at_ms(kStartMs) + seconds(30));
}

TEST_F(ChainedInvokeTest, PlainTargetSlowerThanItsTimeoutTimesOut) {
  int calls = 0;
  registry_.register_function("hang", [&](const std::string&) {
    ++calls;
    return std::string("1");
  }, {.delay = std::chrono::seconds(60), .timeout = std::chrono::seconds(5)});
  invoke_and_suspend("hang");
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs) + seconds(5));
  clock_->advance(seconds(5));
  service_.fire_due_timers();
  EXPECT_EQ(calls, 1);
  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::TimedOut);
  EXPECT_EQ(o.chained_invoke_details->error->error_type, "Sandbox.Timedout");
  EXPECT_EQ(o.chained_invoke_details->error->error_message,
            "Function hang timed out after 5 seconds");
  EXPECT_FALSE(o.chained_invoke_details->result.has_value());
  EXPECT_EQ(event_types().back(), EventType::ChainedInvokeTimedOut);
}

TEST_F(ChainedInvokeTest, CompletionDuringTheCallersInvocationIsQueuedBehindIt) {
  registry_.register_function("echo", [](const std::string& p) { return p; });
  start();
  invoke();
  auto first = checkpoint({invoke_start("i", "echo")});
  service_.fire_due_timers();  // the target finishes while the caller still runs
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  auto second = checkpoint({});
  ASSERT_EQ(second.new_execution_state.operations.size(), 1u);
  EXPECT_EQ(second.new_execution_state.operations[0].status, OperationStatus::Succeeded);
  complete(output(InvocationStatus::Pending));
  EXPECT_TRUE(service_.take_ready_invocation().has_value());
}

TEST_F(ChainedInvokeTest, CancelDropsAPendingPlainCall) {
  int calls = 0;
  registry_.register_function("slow", [&](const std::string&) {
    ++calls;
    return std::string("1");
  }, {.delay = std::chrono::seconds(30)});
  start();
  invoke();
  checkpoint({invoke_start("i", "slow")});
  auto cancel = update("i", OperationType::ChainedInvoke, OperationAction::Cancel);
  cancel.error = error("TimeoutError", "invoke timed out after 10 s");
  checkpoint({cancel});
  complete(output(InvocationStatus::Failed, std::nullopt, error("E", "x")));
  clock_->advance(seconds(60));
  service_.fire_due_timers();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(op("i").status, OperationStatus::Stopped);
  EXPECT_EQ(op("i").chained_invoke_details->error->error_message, "invoke timed out after 10 s");
}

// Durable targets run as their own executions, driven by an Executor.
class DurableTargetTest : public ChainedInvokeTest {
 protected:
  DurableTargetTest() : executor_(service_, registry_) {
    registry_.register_durable_function("my-fn", [this](const DurableExecutionInvocationInput& in) {
      const auto& ops = in.initial_execution_state.operations;
      if (ops.size() == 1) {
        service_.checkpoint({in.durable_execution_arn, in.checkpoint_token,
                             {invoke_start("i", target_)}, std::nullopt});
        return output(InvocationStatus::Pending);
      }
      const auto& details = *ops[1].chained_invoke_details;
      if (ops[1].status == OperationStatus::Succeeded) {
        return output(InvocationStatus::Succeeded, details.result);
      }
      return output(InvocationStatus::Failed, std::nullopt, details.error);
    });
  }

  std::string child_arn() {
    return *std::get<ChainedInvokeStartedDetails>(last_event_of(EventType::ChainedInvokeStarted)
                                                      .details)
                .durable_execution_arn;
  }

  std::string target_ = "child:1";
  Executor executor_;
};

TEST_F(DurableTargetTest, DurableTargetRunsAsItsOwnExecution) {
  std::string child_input;
  registry_.register_durable_function("child", [&](const DurableExecutionInvocationInput& in) {
    child_input = in.initial_execution_state.operations[0].execution_details->input_payload.value_or("");
    return output(InvocationStatus::Succeeded, "{\"doubled\":2}");
  });
  start();
  ASSERT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
  EXPECT_EQ(execution().result, "{\"doubled\":2}");
  EXPECT_EQ(child_input, "\"in\"");
  auto started = std::get<ChainedInvokeStartedDetails>(history()[1].details);
  EXPECT_EQ(started.executed_version, "1");
  std::string child = child_arn();
  EXPECT_NE(child.find(":function:child:1/durable-execution/"), std::string::npos) << child;
  auto child_exec = service_.get_execution({child});
  EXPECT_EQ(child_exec.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(child_exec.version, "1");
  std::vector<EventType> expected{
      EventType::ExecutionStarted,       EventType::ChainedInvokeStarted,
      EventType::InvocationCompleted,    EventType::ChainedInvokeSucceeded,
      EventType::InvocationCompleted,    EventType::ExecutionSucceeded};
  EXPECT_EQ(event_types(), expected);
}

// Lambda starts a durable target asynchronously, well after the caller that checkpointed the
// START has suspended, and the service's recorded histories (conformance 5-6, 5-10) show the
// caller's InvocationCompleted before the target's outcome. Here the target is ready to run while
// the caller's invocation is still in flight: it is not handed out until that invocation ends.
TEST_F(DurableTargetTest, TargetWaitsForTheEndOfTheCallersInvocationInFlight) {
  registry_.register_durable_function("child", [](const DurableExecutionInvocationInput&) {
    return output(InvocationStatus::Failed, std::nullopt, error("ValidationError", "bad order"));
  });
  start();
  auto caller = service_.take_ready_invocation();
  ASSERT_TRUE(caller.has_value());
  service_.checkpoint({arn_, caller->input.checkpoint_token, {invoke_start("i", target_)},
                       std::nullopt});
  // The caller still runs: its target is not handed out yet.
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  service_.complete_invocation(arn_, caller->request_id, {output(InvocationStatus::Pending)});
  auto target = service_.take_ready_invocation();
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->durable_execution_arn, child_arn());
  service_.complete_invocation(
      target->durable_execution_arn, target->request_id,
      {output(InvocationStatus::Failed, std::nullopt, error("ValidationError", "bad order"))});
  ASSERT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  std::vector<EventType> expected{
      EventType::ExecutionStarted,    EventType::ChainedInvokeStarted,
      EventType::InvocationCompleted, EventType::ChainedInvokeFailed,
      EventType::InvocationCompleted, EventType::ExecutionFailed};
  EXPECT_EQ(event_types(), expected);
}

TEST_F(DurableTargetTest, FailingDurableTargetFailsTheInvokeWithItsError) {
  registry_.register_durable_function("child", [](const DurableExecutionInvocationInput&) {
    return output(InvocationStatus::Failed, std::nullopt, error("ValidationError", "bad order"));
  });
  start();
  ASSERT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::Failed);
  EXPECT_EQ(o.chained_invoke_details->error->error_type, "ValidationError");
  EXPECT_EQ(execution().error->error_message, "bad order");
}

TEST_F(DurableTargetTest, DurableTargetThatTimesOutTimesTheInvokeOut) {
  registry_.register_durable_function("child", [this](const DurableExecutionInvocationInput& in) {
    service_.checkpoint(
        {in.durable_execution_arn, in.checkpoint_token, {wait_start("w", 3600)}, std::nullopt});
    return output(InvocationStatus::Pending);
  }, {.timeout = std::chrono::seconds(60)});
  start();
  ASSERT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  auto o = op("i");
  EXPECT_EQ(o.status, OperationStatus::TimedOut);
  EXPECT_EQ(o.chained_invoke_details->error->error_message,
            "Execution timed out after 60 seconds.");
  EXPECT_EQ(last_event_of(EventType::ChainedInvokeTimedOut).id, "i");
  EXPECT_EQ(service_.get_execution({child_arn()}).status, ExecutionStatus::TimedOut);
}

TEST_F(DurableTargetTest, ArnTargetResolvesToTheRegisteredName) {
  target_ = "arn:aws:lambda:us-east-1:123456789012:function:child:prod";
  registry_.register_durable_function("child", [](const DurableExecutionInvocationInput&) {
    return output(InvocationStatus::Succeeded, "7");
  });
  start();
  ASSERT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  EXPECT_EQ(execution().result, "7");
  auto started = std::get<ChainedInvokeStartedDetails>(history()[1].details);
  EXPECT_EQ(started.function_name, target_);
  EXPECT_EQ(started.executed_version, "prod");
}

TEST_F(DurableTargetTest, CancelStopsTheTargetExecutionWithoutReinvokingTheCaller) {
  registry_.register_durable_function("child", [this](const DurableExecutionInvocationInput& in) {
    service_.checkpoint(
        {in.durable_execution_arn, in.checkpoint_token, {wait_start("w", 3600)}, std::nullopt});
    return output(InvocationStatus::Pending);
  });
  start();
  invoke();
  checkpoint({invoke_start("i", "child")});
  std::string child = child_arn();
  checkpoint({update("i", OperationType::ChainedInvoke, OperationAction::Cancel)});
  complete(output(InvocationStatus::Failed, std::nullopt, error("InvokeTimeout", "gave up")));
  auto c = service_.get_execution({child});
  EXPECT_EQ(c.status, ExecutionStatus::Stopped);
  EXPECT_NE(c.error->error_message->find("cancelled chained invoke i"), std::string::npos);
  EXPECT_EQ(op("i").status, OperationStatus::Stopped);
  EXPECT_EQ(event_types().back(), EventType::ExecutionFailed);
  // Exactly one ChainedInvokeStopped: stopping the target did not complete the op again.
  int stopped = 0;
  for (auto t : event_types()) stopped += t == EventType::ChainedInvokeStopped;
  EXPECT_EQ(stopped, 1);
}

}  // namespace
}  // namespace durable::emulator::testing
