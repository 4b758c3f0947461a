// StopDurableExecution (§4.7, §5.5) and ListDurableExecutionsByFunction (§4.6).
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

using StopTest = EmulatorTest;

TEST_F(StopTest, StopsWithTheDefaultMessage) {
  start();
  invoke();
  checkpoint({wait_start("w", 100)});
  clock_->advance(seconds(3));
  auto resp = service_.stop({arn_, std::nullopt});
  EXPECT_EQ(resp.stop_timestamp, clock_->now());
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Stopped);
  EXPECT_EQ(e.error->error_message, "Execution stopped by user request");
  EXPECT_EQ(e.end_timestamp, clock_->now());
  EXPECT_EQ(service_.operations(arn_)[0].status, OperationStatus::Stopped);
  EXPECT_EQ(op("w").status, OperationStatus::Started);  // in-progress operations stay
  auto last = history().back();
  EXPECT_EQ(last.event_type, EventType::ExecutionStopped);
  EXPECT_EQ(std::get<ErrorDetails>(last.details).error->payload->error_message,
            "Execution stopped by user request");
  // The running invocation's next checkpoint fails; its end is still recorded.
  expect_rejected({}, "Invalid checkpoint token");
  complete(output(InvocationStatus::Pending));
  EXPECT_EQ(event_types().back(), EventType::InvocationCompleted);
  EXPECT_EQ(execution().status, ExecutionStatus::Stopped);
  EXPECT_FALSE(service_.has_invocation_work());
  EXPECT_EQ(service_.next_timer_due(), std::nullopt);
}

TEST_F(StopTest, StopUsesTheGivenError) {
  start();
  service_.stop({arn_, error("Abort", "operator said so")});
  EXPECT_EQ(execution().error, error("Abort", "operator said so"));
  // The queued first invocation never starts.
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
}

TEST_F(StopTest, StopIsIdempotentOnTerminalExecutions) {
  start();
  auto first = service_.stop({arn_, std::nullopt});
  auto events = history().size();
  clock_->advance(seconds(10));
  auto second = service_.stop({arn_, error("X", "y")});
  EXPECT_EQ(second.stop_timestamp, first.stop_timestamp);
  EXPECT_EQ(history().size(), events);
  EXPECT_EQ(execution().error->error_message, "Execution stopped by user request");

  start("{}", "done");
  invoke();
  complete(output(InvocationStatus::Succeeded, "1"));
  auto ended = *execution().end_timestamp;
  clock_->advance(seconds(10));
  EXPECT_EQ(service_.stop({arn_, std::nullopt}).stop_timestamp, ended);
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
}

class ListTest : public EmulatorTest {
 protected:
  std::string start_at(const std::string& fn, const std::string& name, std::string qualifier = "$LATEST") {
    StartExecutionRequest r;
    r.function_name = fn;
    r.execution_name = name;
    r.qualifier = std::move(qualifier);
    auto arn = service_.start_execution(r).durable_execution_arn;
    clock_->advance(seconds(1));
    return arn;
  }
  std::vector<std::string> names(const ListDurableExecutionsByFunctionResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.durable_executions) out.push_back(e.durable_execution_name);
    return out;
  }
  ListDurableExecutionsByFunctionRequest by(std::string fn) {
    ListDurableExecutionsByFunctionRequest r;
    r.function_name = std::move(fn);
    return r;
  }
};

TEST_F(ListTest, FiltersByFunctionStatusNameTimeAndQualifier) {
  auto t0 = clock_->now();
  auto a = start_at("orders", "a");
  start_at("orders", "b");
  start_at("payments", "p");
  auto c = start_at("orders", "c");
  start_at("orders", "v1", "1");
  service_.stop({a, std::nullopt});

  EXPECT_EQ(names(service_.list_executions(by("orders"))),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(names(service_.list_executions(
                by("arn:aws:lambda:us-east-1:123456789012:function:orders"))),
            (std::vector<std::string>{"a", "b", "c"}));
  auto r = by("orders");
  r.qualifier = "1";
  EXPECT_EQ(names(service_.list_executions(r)), std::vector<std::string>{"v1"});
  r = by("orders");
  r.statuses = {ExecutionStatus::Stopped};
  EXPECT_EQ(names(service_.list_executions(r)), std::vector<std::string>{"a"});
  r.statuses = {ExecutionStatus::Running, ExecutionStatus::Succeeded};
  EXPECT_EQ(names(service_.list_executions(r)), (std::vector<std::string>{"b", "c"}));
  r = by("orders");
  r.durable_execution_name = "c";
  auto only_c = service_.list_executions(r);
  ASSERT_EQ(only_c.durable_executions.size(), 1u);
  EXPECT_EQ(only_c.durable_executions[0].durable_execution_arn, c);
  EXPECT_EQ(only_c.durable_executions[0].status, ExecutionStatus::Running);
  EXPECT_EQ(only_c.durable_executions[0].function_arn,
            "arn:aws:lambda:us-east-1:123456789012:function:orders");
  r = by("orders");
  r.started_after = t0 + seconds(1);  // inclusive bounds
  r.started_before = t0 + seconds(3);
  EXPECT_EQ(names(service_.list_executions(r)), (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(service_.list_executions(by("nobody")).durable_executions.empty());
}

TEST_F(ListTest, PagesAndReverses) {
  for (int i = 0; i < 5; ++i) start_at("f", "e" + std::to_string(i));
  auto r = by("f");
  r.max_items = 2;
  auto p1 = service_.list_executions(r);
  EXPECT_EQ(names(p1), (std::vector<std::string>{"e0", "e1"}));
  ASSERT_TRUE(p1.next_marker.has_value());
  r.marker = p1.next_marker;
  auto p2 = service_.list_executions(r);
  EXPECT_EQ(names(p2), (std::vector<std::string>{"e2", "e3"}));
  r.marker = p2.next_marker;
  auto p3 = service_.list_executions(r);
  EXPECT_EQ(names(p3), std::vector<std::string>{"e4"});
  EXPECT_FALSE(p3.next_marker.has_value());
  r.marker.reset();
  r.reverse_order = true;
  EXPECT_EQ(names(service_.list_executions(r)), (std::vector<std::string>{"e4", "e3"}));
}

TEST_F(ListTest, RejectsBadRequests) {
  EXPECT_THROW(service_.list_executions(by("")), ApiError);
  auto r = by("f");
  r.marker = "x";
  try {
    service_.list_executions(r);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(std::string(e.what()), "Invalid marker");
  }
  r.marker = "7";  // beyond the list
  EXPECT_THROW(service_.list_executions(r), ApiError);
  r.marker.reset();
  r.max_items = 5000;
  EXPECT_THROW(service_.list_executions(r), ApiError);
  r.max_items.reset();
  r.statuses.assign(11, ExecutionStatus::Running);
  EXPECT_THROW(service_.list_executions(r), ApiError);
}

}  // namespace
}  // namespace durable::emulator::testing
