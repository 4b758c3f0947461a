// The emulator's Lambda Runtime API: runtime functions queue their invocations for a process that
// polls /next and answers on /response or /error.
#include <gtest/gtest.h>
#include <gmock/gmock.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"

namespace durable::emulator {
namespace {

using ::testing::HasSubstr;

constexpr const char* kNext = "/2018-06-01/runtime/invocation/next";

std::string response_path(const std::string& id) {
  return "/2018-06-01/runtime/invocation/" + id + "/response";
}
std::string error_path(const std::string& id) {
  return "/2018-06-01/runtime/invocation/" + id + "/error";
}

class RuntimeApiTest : public ::testing::Test {
 protected:
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    ServiceOptions options;
    // One failed invocation fails the execution, so the failure paths end without retries.
    options.max_consecutive_invocation_failures = 1;
    service_ = std::make_unique<Service>(std::make_shared<SystemClock>(), options);
    server_ = std::make_unique<HttpServer>(*service_, registry_);
    server_->add_runtime_function("rt", timeout);
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(5));
    return c;
  }

  std::string start_execution(const std::string& input = "{\"n\":1}") {
    StartExecutionRequest request;
    request.function_name = "rt";
    request.input = input;
    return service_->start_execution(request).durable_execution_arn;
  }

  GetDurableExecutionResponse wait_terminal(const std::string& arn) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      auto e = service_->get_execution(GetDurableExecutionRequest{arn});
      if (is_terminal(e.status)) return e;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "execution " << arn << " did not end within 10 s";
    return service_->get_execution(GetDurableExecutionRequest{arn});
  }

  FunctionRegistry registry_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(RuntimeApiTest, NextHandsOutTheEnvelopeAndResponseCompletesTheInvocation) {
  start();
  const std::string arn = start_execution();
  auto c = client();
  auto next = c.Get(kNext);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_FALSE(next->get_header_value("Lambda-Runtime-Deadline-Ms").empty());
  EXPECT_THAT(next->get_header_value("Lambda-Runtime-Invoked-Function-Arn"),
              HasSubstr("function:rt"));
  EXPECT_FALSE(next->get_header_value("Lambda-Runtime-Trace-Id").empty());
  auto envelope = Json::parse(next->body).get<DurableExecutionInvocationInput>();
  EXPECT_EQ(envelope.durable_execution_arn, arn);
  EXPECT_EQ(envelope.initial_execution_state.operations.at(0).execution_details->input_payload,
            "{\"n\":1}");

  auto posted = c.Post(response_path(id), R"({"Status":"SUCCEEDED","Result":"42"})",
                       "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  auto done = wait_terminal(arn);
  EXPECT_EQ(done.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(done.result.value_or(""), "42");
}

TEST_F(RuntimeApiTest, SecondAnswerIsRefusedAsAnInvalidStateTransition) {
  start();
  const std::string arn = start_execution();
  auto c = client();
  auto next = c.Get(kNext);
  ASSERT_TRUE(next);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  ASSERT_EQ(c.Post(response_path(id), R"({"Status":"SUCCEEDED","Result":"1"})",
                   "application/json")->status, 202);
  auto again = c.Post(response_path(id), R"({"Status":"SUCCEEDED","Result":"2"})",
                      "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 400);
  EXPECT_EQ(Json::parse(again->body).at("errorType"), "InvalidStateTransition");
  auto error_after = c.Post(error_path(id), R"({"errorType":"X","errorMessage":"y"})",
                            "application/json");
  EXPECT_EQ(error_after->status, 400);
  EXPECT_EQ(wait_terminal(arn).result.value_or(""), "1");
}

TEST_F(RuntimeApiTest, UnknownRequestIdIsNotFound) {
  start();
  auto c = client();
  auto res = c.Post(response_path("no-such-id"), "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  auto body = Json::parse(res->body);
  EXPECT_EQ(body.at("errorType"), "InvalidRequestID");
  EXPECT_THAT(body.at("errorMessage").get<std::string>(), HasSubstr("no-such-id"));
  EXPECT_EQ(c.Post(error_path("no-such-id"), "{}", "application/json")->status, 404);
}

TEST_F(RuntimeApiTest, ErrorPostFailsTheInvocationWithThePostedError) {
  start();
  const std::string arn = start_execution();
  auto c = client();
  auto next = c.Get(kNext);
  ASSERT_TRUE(next);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  auto posted = c.Post(error_path(id), {{"Lambda-Runtime-Function-Error-Type", "Custom.Broken"}},
                       R"({"errorType":"Ignored","errorMessage":"the handler broke"})",
                       "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 202);
  auto done = wait_terminal(arn);
  EXPECT_EQ(done.status, ExecutionStatus::Failed);
  ASSERT_TRUE(done.error);
  EXPECT_THAT(done.error->error_message.value_or(""),
              HasSubstr("Custom.Broken: the handler broke"));
}

TEST_F(RuntimeApiTest, ResponseThatIsNotAnInvocationOutputFailsTheInvocation) {
  start();
  const std::string arn = start_execution();
  auto c = client();
  auto next = c.Get(kNext);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(c.Post(response_path(id), "[1,2]", "application/json")->status, 202);
  auto done = wait_terminal(arn);
  EXPECT_EQ(done.status, ExecutionStatus::Failed);
  EXPECT_THAT(done.error->error_message.value_or(""), HasSubstr("not a durable invocation output"));
}

TEST_F(RuntimeApiTest, InvocationTakenByAProcessThatDiedFailsAtTheNextPoll) {
  start();  // a 10 s function timeout: the test must end long before it
  const std::string arn = start_execution();
  auto c = client();
  auto taken = c.Get(kNext);  // this "process" never answers
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->status, 200);
  const std::string id = taken->get_header_value("Lambda-Runtime-Aws-Request-Id");
  const auto began = std::chrono::steady_clock::now();
  std::thread restarted([this] {
    auto again = client();
    again.set_read_timeout(std::chrono::seconds(2));
    (void)again.Get(kNext);  // the restarted process; its own wait may end without work
  });
  auto done = wait_terminal(arn);
  restarted.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  EXPECT_EQ(done.status, ExecutionStatus::Failed);
  EXPECT_THAT(done.error->error_message.value_or(""),
              HasSubstr("Runtime.ExitError: the runtime asked for its next invocation without "
                        "answering request " + id));
  // The abandoned invocation cannot be answered late.
  EXPECT_EQ(c.Post(response_path(id), "{}", "application/json")->status, 400);
}

TEST(RuntimeApiLifetime, ARuntimeFunctionOutlivingItsServerFailsClearly) {
  Service service(std::make_shared<SystemClock>());
  FunctionRegistry registry;
  {
    HttpServer server(service, registry);
    server.add_runtime_function("rt", std::chrono::seconds(1));
  }  // the registry (a shared handle) keeps the function; the server is gone
  const auto fn = registry.find("rt");
  ASSERT_TRUE(fn);
  try {
    (*fn)(DurableExecutionInvocationInput{});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the HttpServer that served its Runtime API is gone"));
  }
}

TEST_F(RuntimeApiTest, InvocationNobodyTakesTimesOut) {
  start(std::chrono::milliseconds(200));
  const auto began = std::chrono::steady_clock::now();
  const std::string arn = start_execution();
  auto done = wait_terminal(arn);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  EXPECT_EQ(done.status, ExecutionStatus::Failed);
  EXPECT_THAT(done.error->error_message.value_or(""), HasSubstr("Task timed out after 0.20 seconds"));
}

TEST_F(RuntimeApiTest, AnswerAfterTheTimeoutIsRefused) {
  start(std::chrono::milliseconds(300));
  const std::string arn = start_execution();
  auto c = client();
  auto next = c.Get(kNext);
  ASSERT_TRUE(next);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  wait_terminal(arn);
  auto late = c.Post(response_path(id), R"({"Status":"SUCCEEDED"})", "application/json");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 400);
  EXPECT_THAT(late->body, HasSubstr("timed out"));
}

TEST_F(RuntimeApiTest, InitErrorIsRecorded) {
  start();
  auto c = client();
  auto res = c.Post("/2018-06-01/runtime/init/error",
                    {{"Lambda-Runtime-Function-Error-Type", "Runtime.InitError"}},
                    R"({"errorType":"Runtime.InitError","errorMessage":"no credentials"})",
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  EXPECT_THAT(server_->runtime_init_errors(),
              ::testing::ElementsAre("Runtime.InitError: no credentials"));
}

TEST_F(RuntimeApiTest, WrongMethodsAndUnknownRuntimeRoutes) {
  start();
  auto c = client();
  EXPECT_EQ(c.Post(kNext, "", "application/json")->status, 405);
  EXPECT_EQ(c.Get(response_path("x"))->status, 405);
  auto unknown = c.Get("/2018-06-01/runtime/nothing");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->get_header_value("X-Amzn-ErrorType"), "UnknownOperationException");
}

TEST_F(RuntimeApiTest, StopReleasesABlockedNext) {
  start();
  std::atomic<int> status{-1};
  std::thread poller([&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(10));
    auto res = c.Get(kNext);
    status = res ? res->status : 0;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto began = std::chrono::steady_clock::now();
  server_->stop();
  poller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(3));
  EXPECT_NE(status.load(), 200);
}

TEST_F(RuntimeApiTest, BadRegistrationsAreRefused) {
  start();
  EXPECT_THROW(server_->add_runtime_function("", std::chrono::seconds(1)), std::invalid_argument);
  EXPECT_THROW(server_->add_runtime_function("f", std::chrono::milliseconds(0)),
               std::invalid_argument);
  EXPECT_THROW(server_->add_runtime_function("f", std::chrono::seconds(1), std::chrono::seconds(0)),
               std::invalid_argument);
  EXPECT_THROW(server_->add_runtime_function("f", std::chrono::seconds(1),
                                             std::chrono::seconds(31622401)),
               std::invalid_argument);
}

TEST_F(RuntimeApiTest, InvokeUsesTheRuntimeFunctionsExecutionTimeout) {
  start();
  server_->add_runtime_function("long", std::chrono::seconds(1), std::chrono::hours(24 * 7));
  auto c = client();
  auto invoked = c.Post("/2015-03-31/functions/long/invocations",
                        {{"X-Amz-Invocation-Type", "Event"}}, "{}", "application/json");
  ASSERT_TRUE(invoked);
  ASSERT_EQ(invoked->status, 202);
  GetDurableExecutionHistoryRequest request;
  request.durable_execution_arn = invoked->get_header_value("X-Amz-Durable-Execution-Arn");
  auto history = Json(service_->get_history(request));
  EXPECT_EQ(history.at("Events").at(0).at("ExecutionStartedDetails").at("ExecutionTimeout"),
            7 * 24 * 3600);
}

}  // namespace
}  // namespace durable::emulator
