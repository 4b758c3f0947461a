// ServiceOptions::retain_executions: terminal executions beyond the limit are evicted, the
// earliest ended first; running ones are never evicted; an evicted execution answers 404.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/executor.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator {
namespace {

DurableExecutionInvocationOutput output(InvocationStatus status) {
  DurableExecutionInvocationOutput out;
  out.status = status;
  if (status == InvocationStatus::Succeeded) out.result = "1";
  return out;
}

class EvictionTest : public ::testing::Test {
 protected:
  void make(std::size_t retain) {
    ServiceOptions options;
    options.retain_executions = retain;
    service_ = std::make_unique<Service>(std::make_shared<VirtualClock>(), options);
    registry_.register_durable_function(
        "done", [](const DurableExecutionInvocationInput&) {
          return output(InvocationStatus::Succeeded);
        });
    registry_.register_durable_function(
        "pending", [](const DurableExecutionInvocationInput&) {
          return output(InvocationStatus::Pending);
        });
  }
  std::string start(const std::string& function, const std::string& name) {
    StartExecutionRequest request;
    request.function_name = function;
    request.execution_name = name;
    return service_->start_execution(request).durable_execution_arn;
  }
  void run() { Executor(*service_, registry_).run_until_idle(); }

  FunctionRegistry registry_;
  std::unique_ptr<Service> service_;
};

TEST_F(EvictionTest, TheDefaultKeepsTenThousand) {
  EXPECT_EQ(ServiceOptions{}.retain_executions, 10000u);
}

TEST_F(EvictionTest, OldestEndedIsEvictedAndAnswersNotFound) {
  make(2);
  std::vector<std::string> arns;
  for (int i = 0; i < 3; ++i) {
    arns.push_back(start("done", "e" + std::to_string(i)));
    run();
  }
  EXPECT_EQ(service_->execution_count(), 2u);
  try {
    service_->get_execution({arns[0]});
    FAIL() << "expected 404";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_EQ(e.code(), "ResourceNotFoundException");
  }
  EXPECT_EQ(service_->get_execution({arns[1]}).status, ExecutionStatus::Succeeded);
  EXPECT_EQ(service_->get_execution({arns[2]}).status, ExecutionStatus::Succeeded);
  GetDurableExecutionHistoryRequest history;
  history.durable_execution_arn = arns[0];
  EXPECT_THROW(service_->get_history(history), ApiError);
  ListDurableExecutionsByFunctionRequest list;
  list.function_name = "done";
  EXPECT_EQ(service_->list_executions(list).durable_executions.size(), 2u);
  // The evicted execution's name is free again.
  EXPECT_NO_THROW(start("done", "e0"));
}

TEST_F(EvictionTest, RunningExecutionsAreNeverEvicted) {
  make(1);
  std::vector<std::string> running;
  for (int i = 0; i < 5; ++i) running.push_back(start("pending", "p" + std::to_string(i)));
  run();
  for (int i = 0; i < 3; ++i) {
    start("done", "d" + std::to_string(i));
    run();
  }
  EXPECT_EQ(service_->execution_count(), 6u);  // five running, the last ended
  for (const auto& arn : running) {
    EXPECT_EQ(service_->get_execution({arn}).status, ExecutionStatus::Running);
  }
}

TEST_F(EvictionTest, StoppedExecutionsCountAsEnded) {
  make(1);
  const std::string a = start("pending", "a");
  const std::string b = start("pending", "b");
  run();
  service_->stop({a, std::nullopt});
  service_->stop({b, std::nullopt});
  EXPECT_EQ(service_->execution_count(), 1u);
  EXPECT_THROW(service_->get_execution({a}), ApiError);
  EXPECT_EQ(service_->get_execution({b}).status, ExecutionStatus::Stopped);
}

}  // namespace
}  // namespace durable::emulator
