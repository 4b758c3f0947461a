// Timers on a VirtualClock and the Executor: waits, retries, callback and execution timeouts,
// unknown functions, escaping exceptions, run_to_completion.
#include "durable/emulator/executor.hpp"
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class TimersTest : public EmulatorTest {
 protected:
  TimersTest() : executor_(service_, registry_) {}

  std::string start_fn(const std::string& fn, std::int64_t timeout = 86400) {
    StartExecutionRequest r;
    r.function_name = fn;
    r.execution_timeout_seconds = timeout;
    arn_ = service_.start_execution(r).durable_execution_arn;
    return arn_;
  }

  // A handler that waits `seconds` on its first invocation and succeeds on the next.
  DurableFunction waiting_handler(std::int64_t wait_seconds) {
    return [this, wait_seconds](const DurableExecutionInvocationInput& in) {
      bool waited = in.initial_execution_state.operations.size() > 1;
      if (!waited) {
        service_.checkpoint({in.durable_execution_arn, in.checkpoint_token,
                             {wait_start("w", wait_seconds)}, std::nullopt});
        return output(InvocationStatus::Pending);
      }
      return output(InvocationStatus::Succeeded, "\"woke\"");
    };
  }

  FunctionRegistry registry_;
  Executor executor_;
};

TEST_F(TimersTest, AOneYearWaitCompletesInstantly) {
  registry_.register_durable_function("sleeper", waiting_handler(31536000));
  start_fn("sleeper", 31622400);
  auto wall_start = std::chrono::steady_clock::now();
  EXPECT_TRUE(executor_.run_to_completion(arn_, std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(1));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
  EXPECT_EQ(execution().result, "\"woke\"");
  EXPECT_EQ(clock_->now(), at_ms(kStartMs) + seconds(31536000));
  std::vector<EventType> expected{EventType::ExecutionStarted,    EventType::WaitStarted,
                                  EventType::InvocationCompleted, EventType::WaitSucceeded,
                                  EventType::InvocationCompleted, EventType::ExecutionSucceeded};
  EXPECT_EQ(event_types(), expected);
}

TEST_F(TimersTest, StepRetryBecomesReadyAndReinvokes) {
  int calls = 0;
  registry_.register_durable_function("retry", [&](const DurableExecutionInvocationInput& in) {
    ++calls;
    const auto& ops = in.initial_execution_state.operations;
    std::vector<OperationUpdate> updates;
    if (ops.size() == 1) {
      updates = {step_start("s"), step_retry("s", 30)};
    } else {
      EXPECT_EQ(ops[1].status, OperationStatus::Ready);
      updates = {step_start("s"), step_succeed("s", "\"ok\"")};
    }
    service_.checkpoint({in.durable_execution_arn, in.checkpoint_token, updates, std::nullopt});
    return ops.size() == 1 ? output(InvocationStatus::Pending)
                           : output(InvocationStatus::Succeeded, "\"ok\"");
  });
  start_fn("retry");
  EXPECT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(op("s").step_details->attempt, 2);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs) + seconds(30));
}

TEST_F(TimersTest, ExecutionTimeout) {
  registry_.register_durable_function("slow", waiting_handler(100));
  start_fn("slow", 10);
  EXPECT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::TimedOut);
  EXPECT_EQ(e.error->error_message, "Execution timed out after 10 seconds.");
  EXPECT_EQ(e.end_timestamp, at_ms(kStartMs) + seconds(10));
  EXPECT_EQ(service_.operations(arn_)[0].status, OperationStatus::TimedOut);
  EXPECT_EQ(event_types().back(), EventType::ExecutionTimedOut);
  EXPECT_EQ(op("w").status, OperationStatus::Started);  // nothing else moves
  EXPECT_EQ(service_.next_timer_due(), std::nullopt);
}

TEST_F(TimersTest, TimeoutDuringAnInvocationRejectsItsCheckpoints) {
  StartExecutionRequest r;
  r.function_name = "f";
  r.execution_timeout_seconds = 10;
  arn_ = service_.start_execution(r).durable_execution_arn;
  invoke();
  clock_->advance(seconds(10));
  service_.fire_due_timers();
  EXPECT_EQ(execution().status, ExecutionStatus::TimedOut);
  expect_rejected({}, "Invalid checkpoint token");
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::TimedOut);
  std::vector<EventType> expected{EventType::ExecutionStarted, EventType::ExecutionTimedOut,
                                  EventType::InvocationCompleted};
  EXPECT_EQ(event_types(), expected);
}

TEST_F(TimersTest, CallbackTimeoutAndHeartbeatTimeout) {
  for (bool heartbeat : {false, true}) {
    SCOPED_TRACE(heartbeat);
    start_fn("cb");
    invoke();
    checkpoint({heartbeat ? callback_start("c", 100, 5) : callback_start("c", 5)});
    complete(output(InvocationStatus::Pending));
    clock_->advance(seconds(5));
    EXPECT_EQ(service_.fire_due_timers(), 1u);
    auto o = op("c");
    EXPECT_EQ(o.status, OperationStatus::TimedOut);
    EXPECT_EQ(o.callback_details->error->error_type,
              heartbeat ? "Callback.Heartbeat" : "Callback.Timeout");
    auto e = history().back();
    EXPECT_EQ(e.event_type, EventType::CallbackTimedOut);
    EXPECT_EQ(std::get<ErrorDetails>(e.details).error->payload->error_type,
              heartbeat ? "Callback.Heartbeat" : "Callback.Timeout");
    auto p = invoke();
    EXPECT_EQ(*p.input.updated_operation_ids, std::vector<std::string>{"c"});
    complete(output(InvocationStatus::Failed, std::nullopt, error("CallbackError", "x")));
    // The other callback timer was cancelled with it.
    clock_->advance(seconds(200));
    EXPECT_EQ(service_.fire_due_timers(), 0u);
  }
}

TEST_F(TimersTest, CallbackWithZeroTimeoutsArmsNoTimer) {
  start_fn("cb");
  invoke();
  checkpoint({callback_start("c", 0, 0)});
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs) + seconds(86400));
}

TEST_F(TimersTest, UnknownFunctionFailsTheExecutionInsteadOfHanging) {
  start_fn("ghost");
  EXPECT_TRUE(executor_.run_to_completion(arn_, seconds(5)));
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Failed);
  ASSERT_TRUE(e.error && e.error->error_message);
  EXPECT_NE(e.error->error_message->find("ghost"), std::string::npos);
  std::size_t invocations = 0;
  for (auto t : event_types()) invocations += t == EventType::InvocationCompleted;
  EXPECT_EQ(invocations, 5u);
}

TEST_F(TimersTest, AnEscapingExceptionIsAFailedInvocation) {
  int calls = 0;
  registry_.register_durable_function("thrower", [&](const DurableExecutionInvocationInput&) {
    if (++calls == 1) throw std::runtime_error("handler exploded");
    return output(InvocationStatus::Succeeded, "1");
  });
  start_fn("thrower");
  EXPECT_EQ(executor_.run_until_idle(), 1u);
  auto e = history().back();
  ASSERT_EQ(e.event_type, EventType::InvocationCompleted);
  auto d = std::get<InvocationCompletedDetails>(e.details);
  EXPECT_EQ(d.error->payload->error_message, "handler exploded");
  EXPECT_EQ(d.error->payload->error_type, "Runtime.UnhandledException");
  EXPECT_TRUE(executor_.advance_to_next_timer());  // the 5 s back-off
  EXPECT_EQ(executor_.run_until_idle(), 1u);
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
}

TEST_F(TimersTest, AdvanceToNextTimerWithoutTimers) {
  EXPECT_FALSE(executor_.advance_to_next_timer());
  EXPECT_EQ(executor_.run_until_idle(), 0u);
}

TEST_F(TimersTest, RunToCompletionStopsAtTheWallLimit) {
  registry_.register_durable_function("sleeper", waiting_handler(60));
  start_fn("sleeper");
  EXPECT_FALSE(executor_.run_to_completion(arn_, std::chrono::milliseconds(0)));
  EXPECT_EQ(execution().status, ExecutionStatus::Running);
  auto text = service_.describe_waiting(arn_);
  EXPECT_NE(text.find("WAIT w STARTED"), std::string::npos) << text;
  EXPECT_NE(text.find("wait end of w"), std::string::npos) << text;
  EXPECT_NE(text.find("execution timeout"), std::string::npos) << text;
}

// skip_virtual_time, the HTTP dispatcher's skip-time step: it decides and moves the clock under
// the service's lock. Before, the dispatcher asked "anything to run?" and "next timer?" in two
// calls; an execution started between them made its own 24-hour timeout the next timer, and the
// jump timed it out (DispatcherConcurrency.OneExecutionNeverHasTwoInvocationsRunning failed about
// once in 30 runs that way).
class SkipVirtualTimeTest : public EmulatorTest {};

TEST_F(SkipVirtualTimeTest, AStartedExecutionIsRunBeforeAnyTimeIsSkipped) {
  start();
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(5)), 0u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs));
  invoke();  // in flight: its handler may still arm a sooner timer
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(5)), 0u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs));
  EXPECT_EQ(execution().status, ExecutionStatus::Running);
}

TEST_F(SkipVirtualTimeTest, JumpsToTheNextTimerAndFiresIt) {
  start();
  invoke();
  checkpoint({wait_start("w", 90)});
  complete(output(InvocationStatus::Pending));
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(5)), 1u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs) + seconds(90));
  EXPECT_EQ(op("w").status, OperationStatus::Succeeded);
  // The wait's end queued an invocation: nothing more is skipped until it has run.
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(5)), 0u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs) + seconds(90));
}

TEST_F(SkipVirtualTimeTest, AnOpenCallbacksTimerHoldsTimeToRealSpeed) {
  start();
  invoke();
  checkpoint({callback_start("cb", 3600), wait_start("w", 7200)});
  complete(output(InvocationStatus::Pending));
  // Both timers belong to an execution whose callback someone outside may still answer.
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(250)), 0u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs) + std::chrono::milliseconds(250));
  EXPECT_EQ(op("cb").status, OperationStatus::Started);
}

TEST_F(SkipVirtualTimeTest, WithoutTimersTheClockStays) {
  EXPECT_EQ(service_.skip_virtual_time(std::chrono::milliseconds(5)), 0u);
  EXPECT_EQ(clock_->now(), at_ms(kStartMs));
}

TEST(SystemClockExecutorTest, ShortWaitCompletesInRealTime) {
  Service service(std::make_shared<SystemClock>());
  FunctionRegistry registry;
  registry.register_durable_function("f", [&](const DurableExecutionInvocationInput& in) {
    if (in.initial_execution_state.operations.size() == 1) {
      service.checkpoint(
          {in.durable_execution_arn, in.checkpoint_token, {wait_start("w", 1)}, std::nullopt});
      return output(InvocationStatus::Pending);
    }
    return output(InvocationStatus::Succeeded, "1");
  });
  StartExecutionRequest r;
  r.function_name = "f";
  auto arn = service.start_execution(r).durable_execution_arn;
  Executor executor(service, registry);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(executor.run_to_completion(arn, seconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
  EXPECT_EQ(service.get_execution({arn}).status, ExecutionStatus::Succeeded);
}

}  // namespace
}  // namespace durable::emulator::testing
