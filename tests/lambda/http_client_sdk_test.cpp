// The SDK's run_invocation with HttpCheckpointClient as its CheckpointClient, against the
// emulator's HttpServer on loopback: the production checkpoint path, minus the Runtime API.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "durable/durable.hpp"
#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/emulator/service.hpp"
#include "durable/lambda/http_checkpoint_client.hpp"

namespace durable::lambda {
namespace {

using namespace std::chrono_literals;

Json order_workflow(const Json& event, DurableContext& context) {
  const auto id = event.at("order_id").get<std::string>();
  auto valid = context.step([&](StepContext&) { return true; }, "validate");
  context.wait(Duration::from_hours(2), "cool-off");
  auto label = context.run_in_child_context(
      [&](DurableContext& child) {
        return child.step([&](StepContext&) { return "LBL-" + id; }, "print-label");
      },
      "ship");
  auto receipt = context.step([&](StepContext&) { return "receipt-" + id; }, "receipt");
  return {{"valid", valid}, {"label", label}, {"receipt", receipt}};
}

class SdkOverHttp : public ::testing::Test {
 protected:
  void start_server(std::size_t page_size) {
    emulator::ServiceOptions service_options;
    service_options.initial_state_page_size = page_size;
    // The wait is skipped on the virtual clock whenever nothing else is left to run.
    service_ = std::make_unique<emulator::Service>(std::make_shared<emulator::VirtualClock>(),
                                                   service_options);
    server_ = std::make_unique<emulator::HttpServer>(*service_, registry_);
    server_->start();

    HttpCheckpointClientOptions options;
    options.endpoint = Endpoint::parse("http://127.0.0.1:" + std::to_string(server_->port()));
    options.region = "us-east-1";
    options.credentials = {"AKIDTEST", "secret", "session"};
    options.retry = {.max_attempts = 4, .initial_backoff = 1ms, .max_backoff = 10ms};
    client_ = std::make_unique<HttpCheckpointClient>(options);
    registry_.register_durable_function("order", [this](const DurableExecutionInvocationInput& in) {
      ++invocations_;
      return run_invocation(order_workflow, in, *client_);
    });
  }

  void TearDown() override {
    // Closing the client's keep-alive connection first spares stop() the server's wait for a
    // next request on it (httplib's keep-alive timeout, 5 s).
    client_.reset();
    if (server_) server_->stop();
  }

  GetDurableExecutionResponse run_to_end(const std::string& arn) {
    GetDurableExecutionResponse execution;
    for (int i = 0; i < 2000; ++i) {
      execution = service_->get_execution({arn});
      if (execution.status != ExecutionStatus::Running) return execution;
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "the execution did not end: " << service_->describe_waiting(arn);
    return execution;
  }

  std::string start(const std::string& order_id) {
    emulator::StartExecutionRequest request;
    request.function_name = "order";
    request.input = Json{{"order_id", order_id}}.dump();
    return service_->start_execution(request).durable_execution_arn;
  }

  emulator::FunctionRegistry registry_;
  std::unique_ptr<emulator::Service> service_;
  std::unique_ptr<emulator::HttpServer> server_;
  std::unique_ptr<HttpCheckpointClient> client_;
  std::atomic<int> invocations_{0};
};

TEST_F(SdkOverHttp, AWorkflowWithAWaitRunsToCompletionOverHttp) {
  start_server(1000);
  const auto arn = start("o-1");
  const auto execution = run_to_end(arn);
  ASSERT_EQ(execution.status, ExecutionStatus::Succeeded)
      << (execution.error ? execution.error->error_message.value_or("") : "");
  ASSERT_TRUE(execution.result.has_value());
  EXPECT_EQ(Json::parse(*execution.result),
            (Json{{"valid", true}, {"label", "LBL-o-1"}, {"receipt", "receipt-o-1"}}));
  EXPECT_EQ(invocations_.load(), 2);  // suspended once at the wait
}

TEST_F(SdkOverHttp, ReplayPagesTheInitialStateWithGetState) {
  start_server(2);  // the second invocation's state spans several pages
  const auto arn = start("o-2");
  const auto execution = run_to_end(arn);
  ASSERT_EQ(execution.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(Json::parse(*execution.result).at("label"), "LBL-o-2");
}

TEST_F(SdkOverHttp, ThrottledAndFailedCheckpointsAreRetriedByTheClient) {
  start_server(1000);
  // Faults on the 1st and 3rd checkpoint calls of every execution: the client's own retry is the
  // next call, which goes through, so no invocation fails.
  service_->inject_checkpoint_fault("", 1, emulator::CheckpointFaultKind::kThrottle);
  service_->inject_checkpoint_fault("", 3, emulator::CheckpointFaultKind::kServiceError);
  const auto arn = start("o-3");
  const auto execution = run_to_end(arn);
  ASSERT_EQ(execution.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(Json::parse(*execution.result).at("receipt"), "receipt-o-3");
  EXPECT_EQ(invocations_.load(), 2);
}

}  // namespace
}  // namespace durable::lambda
