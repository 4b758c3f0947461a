// The emulator's Lambda Runtime API: each runtime function queues its invocations on its own
// endpoint for processes that poll /next (each poller one sandbox) and answer on /response or
// /error.
#include <gtest/gtest.h>
#include <gmock/gmock.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <vector>
#include <string>
#include <thread>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"
#include "http/runtime_queue.hpp"

namespace durable::emulator {
namespace {

using ::testing::HasSubstr;

// The outcomes a RuntimeQueue reports, collected from whichever thread reports them.
class OutcomeLog {
 public:
  http::RuntimeQueue::Done recorder() {
    return [this](InvocationOutcome o) {
      std::lock_guard lock(mu_);
      outcomes_.push_back(std::move(o));
    };
  }
  std::vector<InvocationOutcome> taken() const {
    std::lock_guard lock(mu_);
    return outcomes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<InvocationOutcome> outcomes_;
};

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

  // A client of `function`'s own Runtime API endpoint.
  httplib::Client client(const std::string& function = "rt") {
    httplib::Client c("127.0.0.1", server_->runtime_api_port(function));
    c.set_read_timeout(std::chrono::seconds(5));
    return c;
  }
  httplib::Client main_client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(5));
    return c;
  }

  std::string start_execution(const std::string& input = "{\"n\":1}",
                              const std::string& function = "rt") {
    StartExecutionRequest request;
    request.function_name = function;
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

// Two pollers of one function are two sandboxes: the second gets the next invocation, and its
// /next never fails the one the first holds (before, it failed it with Runtime.ExitError).
TEST_F(RuntimeApiTest, ASecondPollerGetsTheNextInvocationAndNeverFailsTheFirst) {
  start();
  const std::string first_arn = start_execution("{\"n\":1}");
  auto first = client();
  auto taken = first.Get(kNext);
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->status, 200);
  const std::string first_id = taken->get_header_value("Lambda-Runtime-Aws-Request-Id");

  const std::string second_arn = start_execution("{\"n\":2}");
  auto second = client();
  auto taken2 = second.Get(kNext);
  ASSERT_TRUE(taken2);
  ASSERT_EQ(taken2->status, 200);
  EXPECT_EQ(Json::parse(taken2->body).at("DurableExecutionArn"), second_arn);
  const std::string second_id = taken2->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_NE(first_id, second_id);

  EXPECT_EQ(first.Post(response_path(first_id), R"({"Status":"SUCCEEDED","Result":"1"})",
                       "application/json")->status, 202);
  EXPECT_EQ(second.Post(response_path(second_id), R"({"Status":"SUCCEEDED","Result":"2"})",
                        "application/json")->status, 202);
  EXPECT_EQ(wait_terminal(first_arn).result.value_or(""), "1");
  EXPECT_EQ(wait_terminal(second_arn).result.value_or(""), "2");
}

// A stray GET /next (any client, no work queued) takes nothing from anyone.
TEST_F(RuntimeApiTest, AStrayNextFailsNothing) {
  start();
  const std::string arn = start_execution();
  auto c = client();
  auto taken = c.Get(kNext);
  ASSERT_TRUE(taken);
  const std::string id = taken->get_header_value("Lambda-Runtime-Aws-Request-Id");
  for (int i = 0; i < 3; ++i) {
    auto stray = client();
    stray.set_read_timeout(std::chrono::milliseconds(300));
    auto res = stray.Get(kNext);  // waits for work that never comes; the client gives up
    EXPECT_FALSE(res && res->status == 200);
  }
  // Also through the main port, which serves the only runtime function.
  auto stray_main = main_client();
  stray_main.set_read_timeout(std::chrono::milliseconds(300));
  (void)stray_main.Get(kNext);
  EXPECT_EQ(service_->get_execution({arn}).status, ExecutionStatus::Running);
  EXPECT_EQ(c.Post(response_path(id), R"({"Status":"SUCCEEDED","Result":"7"})",
                   "application/json")->status, 202);
  auto done = wait_terminal(arn);
  EXPECT_EQ(done.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(done.result.value_or(""), "7");
  GetDurableExecutionHistoryRequest history;
  history.durable_execution_arn = arn;
  EXPECT_EQ(Json(service_->get_history(history)).dump().find("Runtime.ExitError"),
            std::string::npos);
}

// Each function has its own endpoint and queue: A's invocation never reaches B's pollers.
TEST_F(RuntimeApiTest, EachFunctionHasItsOwnEndpointAndQueue) {
  start();
  server_->add_runtime_function("other", std::chrono::seconds(10));
  EXPECT_NE(server_->runtime_api_port("rt"), server_->runtime_api_port("other"));
  EXPECT_NE(server_->runtime_api_port("rt"), server_->port());
  EXPECT_THROW(server_->runtime_api_port("nope"), std::out_of_range);
  EXPECT_EQ(server_->runtime_function_names(), (std::vector<std::string>{"rt", "other"}));
  const std::string arn = start_execution("{}", "rt");
  auto other = client("other");
  other.set_read_timeout(std::chrono::milliseconds(500));
  auto nothing = other.Get(kNext);
  EXPECT_FALSE(nothing && nothing->status == 200);
  auto mine = client("rt").Get(kNext);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->status, 200);
  EXPECT_EQ(Json::parse(mine->body).at("DurableExecutionArn"), arn);
  // Answers go to the function that handed the invocation out.
  const std::string id = mine->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(client("other").Post(response_path(id), "{}", "application/json")->status, 404);
  // With two runtime functions the main port cannot tell which one a poller serves.
  auto refused = main_client().Get(kNext);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_THAT(refused->body, HasSubstr("own endpoint"));
}

TEST_F(RuntimeApiTest, TheMainPortServesTheOnlyRuntimeFunction) {
  start();
  const std::string arn = start_execution();
  auto c = main_client();
  auto next = c.Get(kNext);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200);
  const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(c.Post(response_path(id), R"({"Status":"SUCCEEDED","Result":"3"})",
                   "application/json")->status, 202);
  EXPECT_EQ(wait_terminal(arn).result.value_or(""), "3");
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
  // Long enough for the /next below to take the invocation before it times out on a slow run.
  start(std::chrono::seconds(2));
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

TEST_F(RuntimeApiTest, InitErrorsAreCappedInSizeAndCount) {
  start();
  auto c = client();
  const std::string big(64 * 1024, 'x');
  for (std::size_t i = 0; i < http::RuntimeQueue::kInitErrorsKept + 20; ++i) {
    auto res = c.Post("/2018-06-01/runtime/init/error",
                      {{"Lambda-Runtime-Function-Error-Type", "Runtime.InitError"}},
                      Json{{"errorMessage", std::to_string(i) + big}}.dump(), "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202);
  }
  const auto errors = server_->runtime_init_errors();
  ASSERT_EQ(errors.size(), http::RuntimeQueue::kInitErrorsKept);
  for (const auto& e : errors) {
    EXPECT_LE(e.size(), http::RuntimeQueue::kInitErrorBytes + 32);
  }
  // The oldest were dropped.
  EXPECT_THAT(errors.front(), HasSubstr("Runtime.InitError: 20x"));
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
  std::thread poller([&, port = server_->runtime_api_port("rt")] {
    httplib::Client c("127.0.0.1", port);
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
  auto c = main_client();
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

// The queue itself: what it keeps after answers, and its request ids.
TEST(RuntimeQueueMemory, AnsweredInvocationsReleaseTheirBodiesAndIdsStayBounded) {
  http::RuntimeQueue queue("q", std::chrono::seconds(30));
  DurableExecutionInvocationInput input;
  input.durable_execution_arn = "arn:aws:lambda:us-east-1:123456789012:function:q:$LATEST/"
                                "durable-execution/n/i";
  input.checkpoint_token = std::string(100 * 1024, 't');  // a big envelope
  std::atomic<int> answered{0};
  const std::size_t rounds = http::RuntimeQueue::kSettledIdsKept + 50;
  std::string first_id;
  for (std::size_t i = 0; i < rounds; ++i) {
    queue.submit(input, [&](InvocationOutcome outcome) {
      if (outcome.output) ++answered;
    });
    EXPECT_GE(queue.retained_body_bytes(), 100u * 1024);
    auto next = queue.next(http::kAnonymousSandbox, std::chrono::seconds(1));
    ASSERT_EQ(next.status, 200);
    const std::string id = next.headers.at("Lambda-Runtime-Aws-Request-Id");
    if (i == 0) first_id = id;
    EXPECT_EQ(queue.retained_body_bytes(), 0u);  // handed out: the queue keeps no copy
    ASSERT_EQ(queue.respond(id, R"({"Status":"SUCCEEDED","Result":"1"})").status, 202);
  }
  EXPECT_EQ(answered.load(), static_cast<int>(rounds));
  EXPECT_EQ(queue.remembered_ids(), http::RuntimeQueue::kSettledIdsKept);
  EXPECT_EQ(queue.respond(first_id, "{}").status, 404);  // long forgotten
}

TEST(RuntimeQueueIds, RequestIdsAreRandomVersion4Uuids) {
  std::set<std::string> ids;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = http::make_runtime_request_id();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 2000u);
}

TEST(RuntimeQueueSandboxes, ADeadSandboxFailsOnlyItsOwnInvocation) {
  http::RuntimeQueue queue("q", std::chrono::seconds(30));
  DurableExecutionInvocationInput input;
  OutcomeLog log;
  auto record = log.recorder();
  queue.submit(input, record);
  queue.submit(input, record);
  ASSERT_EQ(queue.next(1, std::chrono::seconds(1)).status, 200);
  auto kept = queue.next(2, std::chrono::seconds(1));
  ASSERT_EQ(kept.status, 200);
  EXPECT_TRUE(queue.holds(1));
  EXPECT_EQ(queue.sandbox_died(1, "Runtime exited with error: exit status 3"), 1u);
  EXPECT_FALSE(queue.holds(1));
  EXPECT_TRUE(queue.holds(2));
  {
    auto outcomes = log.taken();
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].error->error_type.value_or(""), "Runtime.ExitError");
    EXPECT_THAT(outcomes[0].error->error_message.value_or(""), HasSubstr("exit status 3"));
  }
  EXPECT_EQ(queue.respond(kept.headers.at("Lambda-Runtime-Aws-Request-Id"),
                          R"({"Status":"SUCCEEDED"})").status, 202);
}

}  // namespace
// A shutdown gives up what was queued or held, and says so, so the Service does not count it
// against the function; a sandbox's death (above) is the function's failure and is not marked.
TEST(RuntimeQueueSandboxes, ShutdownMarksTheInvocationsItGivesUpAsAbandoned) {
  http::RuntimeQueue queue("q", std::chrono::seconds(30));
  DurableExecutionInvocationInput input;
  OutcomeLog log;
  auto record = log.recorder();
  queue.submit(input, record);
  queue.submit(input, record);
  ASSERT_EQ(queue.next(1, std::chrono::seconds(1)).status, 200);  // one held, one queued
  queue.shutdown();
  queue.submit(input, record);  // after shutdown: answered at once
  auto outcomes = log.taken();
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) {
    EXPECT_TRUE(o.abandoned_by_host);
    EXPECT_EQ(o.error->error_type.value_or(""), "Runtime.ExitError");
  }
}

}  // namespace durable::emulator
