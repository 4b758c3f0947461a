#include "durable/emulator/http_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "durable/emulator/clock.hpp"
#include "durable/model/api.hpp"
#include "http/url_codec.hpp"

namespace durable::emulator {
namespace {

using http::percent_encode;

const Operation* find_op(const DurableExecutionInvocationInput& in, const std::string& id) {
  for (const auto& op : in.initial_execution_state.operations) {
    if (op.id == id) return &op;
  }
  return nullptr;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A real clock: with skip-time the execution timeout would overtake the test's callbacks.
    clock_ = std::make_shared<SystemClock>();
    service_ = std::make_unique<Service>(clock_);
    registry_.register_durable_function("echo", [](const DurableExecutionInvocationInput& in) {
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Succeeded;
      out.result = in.initial_execution_state.operations.at(0).execution_details->input_payload;
      return out;
    });
    registry_.register_durable_function("fails", [](const DurableExecutionInvocationInput&) {
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Failed;
      out.error = ErrorObject{};
      out.error->error_type = "Boom";
      out.error->error_message = "it broke";
      return out;
    });
    // Starts one operation through the HTTP checkpoint route, then completes once it has.
    auto starter = [this](std::string id, Json update) {
      return [this, id, update](const DurableExecutionInvocationInput& in) {
        DurableExecutionInvocationOutput out;
        const Operation* op = find_op(in, id);
        if (op == nullptr) {
          Json body = {{"CheckpointToken", in.checkpoint_token}, {"Updates", Json::array({update})}};
          auto res = client().Post(
              "/2025-12-01/durable-executions/" + percent_encode(in.durable_execution_arn) +
                  "/checkpoint",
              body.dump(), "application/json");
          if (!res || res->status != 200) throw std::runtime_error("checkpoint refused");
          out.status = InvocationStatus::Pending;
          return out;
        }
        if (op->status == OperationStatus::Succeeded) {
          out.status = InvocationStatus::Succeeded;
          out.result = op->callback_details ? op->callback_details->result.value_or("null")
                                            : "\"waited\"";
        } else {
          out.status = InvocationStatus::Failed;
          out.error = ErrorObject{};
          out.error->error_type = "OperationFailed";
        }
        return out;
      };
    };
    registry_.register_durable_function(
        "callbacker", starter("cb1", {{"Id", "cb1"}, {"Type", "CALLBACK"}, {"Action", "START"}}));
    registry_.register_function("plain", [](const std::string& p) { return p; });
    HttpServerOptions options;
    options.max_body_bytes = 64 * 1024;
    options.sync_invoke_wait = std::chrono::seconds(10);
    server_ = std::make_unique<HttpServer>(*service_, registry_, options);
    server_->start();
    port_ = server_->port();
  }

  void TearDown() override { server_->stop(); }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(20, 0);
    return c;
  }

  httplib::Result invoke(const std::string& fn, const std::string& payload,
                         const std::string& type = "RequestResponse") {
    return client().Post("/2015-03-31/functions/" + percent_encode(fn) + "/invocations",
                         {{"X-Amz-Invocation-Type", type}}, payload, "application/json");
  }

  std::string execution_path(const std::string& arn) {
    return "/2025-12-01/durable-executions/" + percent_encode(arn);
  }

  Json wait_for_status(const std::string& arn, const std::string& status) {
    Json body;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      auto res = client().Get(execution_path(arn));
      if (res && res->status == 200) {
        body = Json::parse(res->body);
        if (body["Status"] == status) return body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "execution never reached " << status << ": " << body.dump();
    return body;
  }

  static void expect_error(const httplib::Result& res, int status, const std::string& code,
                           const std::string& member, const std::string& text) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("X-Amzn-ErrorType"), code);
    Json body = Json::parse(res->body);
    EXPECT_EQ(body["Type"], code);
    ASSERT_TRUE(body.contains(member)) << res->body;
    EXPECT_NE(body[member].get<std::string>().find(text), std::string::npos) << res->body;
  }

  std::shared_ptr<SystemClock> clock_;
  std::unique_ptr<Service> service_;
  FunctionRegistry registry_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, HealthAndEphemeralPort) {
  EXPECT_GT(port_, 0);
  auto res = client().Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["status"], "healthy");
}

TEST_F(HttpServerTest, RequestResponseInvokeReturnsTheResult) {
  auto res = invoke("echo", R"({"x":1})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body), Json::parse(R"({"x":1})"));
  const std::string arn = res->get_header_value("X-Amz-Durable-Execution-Arn");
  EXPECT_NE(arn.find("durable-execution"), std::string::npos);
  EXPECT_EQ(res->get_header_value("X-Amz-Executed-Version"), "$LATEST");
}

TEST_F(HttpServerTest, EventInvokeAnswers202ThenRunsInTheBackground) {
  auto res = invoke("echo", R"("hi")", "Event");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 202);
  const std::string arn = res->get_header_value("X-Amz-Durable-Execution-Arn");
  ASSERT_FALSE(arn.empty());
  Json execution = wait_for_status(arn, "SUCCEEDED");
  EXPECT_EQ(execution["Result"], R"("hi")");
  EXPECT_EQ(execution["DurableExecutionArn"], arn);
  // Epoch seconds, not milliseconds.
  EXPECT_TRUE(execution["StartTimestamp"].is_number());
  EXPECT_LT(execution["StartTimestamp"].get<double>(), 1e11);
}

TEST_F(HttpServerTest, FailedExecutionReportsAFunctionError) {
  auto res = invoke("fails", "{}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("X-Amz-Function-Error"), "Unhandled");
  Json body = Json::parse(res->body);
  EXPECT_EQ(body["errorType"], "Boom");
  EXPECT_EQ(body["errorMessage"], "it broke");
}

TEST_F(HttpServerTest, PlainFunctionInvokeAndUnknownFunction) {
  auto res = invoke("plain", R"([1,2])");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "[1,2]");
  expect_error(invoke("nope", "{}"), 404, "ResourceNotFoundException", "Message", "nope");
  expect_error(invoke("echo", "{}", "Sometimes"), 400, "InvalidParameterValueException", "message",
               "X-Amz-Invocation-Type");
}

TEST_F(HttpServerTest, CallbackSucceedOverPercentEncodedIdCompletesTheExecution) {
  auto start = invoke("callbacker", "{}", "Event");
  ASSERT_TRUE(start);
  const std::string arn = start->get_header_value("X-Amz-Durable-Execution-Arn");
  std::string callback_id;
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       callback_id.empty() && std::chrono::steady_clock::now() < until;) {
    auto cbs = service_->callbacks(arn);
    if (!cbs.empty()) callback_id = cbs[0].callback_id;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(callback_id.empty());
  // Heartbeat, then success with a raw (non-JSON-object) body.
  auto hb = client().Post("/2025-12-01/durable-execution-callbacks/" +
                              percent_encode(callback_id) + "/heartbeat",
                          "", "application/json");
  ASSERT_TRUE(hb);
  EXPECT_EQ(hb->status, 200) << hb->body;
  auto ok = client().Post("/2025-12-01/durable-execution-callbacks/" +
                              percent_encode(callback_id) + "/succeed",
                          R"("approved")", "application/octet-stream");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(ok->body, "{}");
  Json execution = wait_for_status(arn, "SUCCEEDED");
  EXPECT_EQ(execution["Result"], R"("approved")");
  // A second completion of the same callback is refused.
  auto again = client().Post("/2025-12-01/durable-execution-callbacks/" +
                                 percent_encode(callback_id) + "/fail",
                             R"({"ErrorMessage":"late"})", "application/json");
  expect_error(again, 400, "CallbackTimeoutException", "Message", "");
}

TEST_F(HttpServerTest, CallbackFailureBodyIsTheErrorObject) {
  auto start = invoke("callbacker", "{}", "Event");
  const std::string arn = start->get_header_value("X-Amz-Durable-Execution-Arn");
  std::string id;
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       id.empty() && std::chrono::steady_clock::now() < until;) {
    auto cbs = service_->callbacks(arn);
    if (!cbs.empty()) id = cbs[0].callback_id;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(id.empty());
  auto bad = client().Post("/2025-12-01/durable-execution-callbacks/" + percent_encode(id) +
                               "/fail",
                           "{not json", "application/json");
  expect_error(bad, 400, "InvalidRequestContentException", "message", "json");
  auto res = client().Post("/2025-12-01/durable-execution-callbacks/" + percent_encode(id) +
                               "/fail",
                           R"({"ErrorType":"Denied","ErrorMessage":"no"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  wait_for_status(arn, "FAILED");
  auto cbs = service_->callbacks(arn);
  EXPECT_EQ(cbs.at(0).status, OperationStatus::Failed);
}

TEST_F(HttpServerTest, StopHistoryAndListRoutes) {
  auto start = invoke("callbacker", "{}", "Event");
  const std::string arn = start->get_header_value("X-Amz-Durable-Execution-Arn");
  // Stop once the invocation that opened the callback has ended: stopped while it is still in
  // flight, its InvocationCompleted would follow ExecutionStopped in the history.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((service_->callbacks(arn).empty() || service_->has_invocation_work()) &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_FALSE(service_->callbacks(arn).empty());
  ASSERT_FALSE(service_->has_invocation_work()) << "the invocation that opened the callback never ended";
  auto stop = client().Post(execution_path(arn) + "/stop",
                            R"({"ErrorType":"Halt","ErrorMessage":"by test"})",
                            "application/json");
  ASSERT_TRUE(stop);
  ASSERT_EQ(stop->status, 200) << stop->body;
  EXPECT_TRUE(Json::parse(stop->body)["StopTimestamp"].is_number());
  Json execution = wait_for_status(arn, "STOPPED");
  EXPECT_EQ(execution["Error"]["ErrorType"], "Halt");

  auto history = client().Get(execution_path(arn) + "/history?IncludeExecutionData=true");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200) << history->body;
  Json events = Json::parse(history->body)["Events"];
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front()["EventType"], "ExecutionStarted");
  EXPECT_EQ(events.back()["EventType"], "ExecutionStopped");
  auto reversed = client().Get(execution_path(arn) + "/history?ReverseOrder=true&MaxItems=1");
  ASSERT_TRUE(reversed);
  Json page = Json::parse(reversed->body);
  ASSERT_EQ(page["Events"].size(), 1u);
  EXPECT_EQ(page["Events"][0]["EventType"], "ExecutionStopped");

  invoke("echo", "{}");
  auto list = client().Get("/2025-12-01/functions/callbacker/durable-executions?Statuses=STOPPED");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  Json listed = Json::parse(list->body)["DurableExecutions"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["DurableExecutionArn"], arn);
  auto none = client().Get(
      "/2025-12-01/functions/callbacker/durable-executions?Statuses=RUNNING&StartedAfter=" +
      percent_encode("2000-01-01T00:00:00Z"));
  ASSERT_TRUE(none);
  EXPECT_EQ(Json::parse(none->body)["DurableExecutions"].size(), 0u);
  expect_error(client().Get("/2025-12-01/functions/callbacker/durable-executions?Statuses=DONE"),
               400, "InvalidParameterValueException", "message", "DONE");
}

TEST_F(HttpServerTest, StateAndCheckpointRouteErrors) {
  auto res = invoke("echo", "{}");
  const std::string arn = res->get_header_value("X-Amz-Durable-Execution-Arn");
  expect_error(client().Get(execution_path(arn) + "/state"), 400,
               "InvalidParameterValueException", "message", "CheckpointToken");
  expect_error(client().Get(execution_path(arn) + "/state?CheckpointToken=abc&MaxItems=ten"),
               400, "InvalidParameterValueException", "message", "MaxItems");
  expect_error(client().Get(execution_path(arn) + "/state?CheckpointToken=abc"), 400,
               "InvalidParameterValueException", "message", "checkpoint token");
  expect_error(client().Post(execution_path(arn) + "/checkpoint", "{oops", "application/json"),
               400, "InvalidRequestContentException", "message", "json");
  expect_error(client().Post(execution_path(arn) + "/checkpoint", "[1]", "application/json"), 400,
               "InvalidRequestContentException", "message", "JSON object");
  expect_error(client().Post(execution_path(arn) + "/checkpoint", "{}", "application/json"), 400,
               "InvalidParameterValueException", "message", "CheckpointToken");
  expect_error(client().Get(execution_path("arn:aws:lambda:us-east-1:123456789012:function:"
                                           "x:$LATEST/durable-execution/n/missing")),
               404, "ResourceNotFoundException", "Message", "");
}

TEST_F(HttpServerTest, UnknownRoutesWrongMethodsAndOversizedBodies) {
  expect_error(client().Get("/2025-12-01/nothing-here"), 404, "UnknownOperationException",
               "message", "/2025-12-01/nothing-here");
  expect_error(client().Delete("/2025-12-01/durable-executions/x"), 405,
               "UnknownOperationException", "message", "DELETE");
  expect_error(client().Get("/2025-12-01/durable-execution-callbacks/x/succeed"), 405,
               "UnknownOperationException", "message", "POST");
  expect_error(client().Get("/2025-12-01/durable-executions/bad%zz"), 400,
               "InvalidParameterValueException", "message", "percent-encoding");
  const std::string big(100 * 1024, 'x');
  auto res = client().Post("/2025-12-01/durable-execution-callbacks/x/succeed", big,
                           "application/octet-stream");
  expect_error(res, 413, "RequestTooLargeException", "message", "smaller");
}

TEST_F(HttpServerTest, BurstOfBadRequestsLosesNoGoodOne) {
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        auto c = client();
        c.Post("/2025-12-01/durable-executions/x/checkpoint", "{{{", "application/json");
        c.Get("/no/such/route");
        auto res = c.Post("/2015-03-31/functions/echo/invocations",
                          std::to_string(t * 100 + i), "application/json");
        if (res && res->status == 200 && res->body == std::to_string(t * 100 + i)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 60);
}

TEST_F(HttpServerTest, StopIsIdempotentAndStartTwiceIsRefused) {
  EXPECT_THROW(server_->start(), std::logic_error);
  server_->stop();
  server_->stop();
  auto c = client();
  c.set_connection_timeout(1, 0);
  EXPECT_FALSE(c.Get("/health"));
}

TEST(HttpServerBind, UnusableAddressIsReportedWithHostAndPort) {
  Service service(std::make_shared<VirtualClock>());
  HttpServerOptions options;
  options.host = "256.1.1.1";
  options.port = 18080;
  HttpServer server(service, FunctionRegistry(), options);
  try {
    server.start();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("256.1.1.1:18080"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.port(), 0);
}

TEST(HttpServerVirtualClock, SkipsADayLongWait) {
  Service service(std::make_shared<VirtualClock>());
  FunctionRegistry registry;
  HttpServer server(service, registry);
  server.start();
  const int port = server.port();
  registry.register_durable_function("waiter", [port](const DurableExecutionInvocationInput& in) {
    DurableExecutionInvocationOutput out;
    const Operation* op = find_op(in, "w1");
    if (op == nullptr) {
      Json update = {{"Id", "w1"}, {"Type", "WAIT"}, {"Action", "START"},
                     {"WaitOptions", {{"WaitSeconds", 3600}}}};
      Json body = {{"CheckpointToken", in.checkpoint_token}, {"Updates", Json::array({update})}};
      httplib::Client c("127.0.0.1", port);
      auto res = c.Post("/2025-12-01/durable-executions/" + percent_encode(in.durable_execution_arn) +
                            "/checkpoint",
                        body.dump(), "application/json");
      if (!res || res->status != 200) throw std::runtime_error("checkpoint refused");
      out.status = InvocationStatus::Pending;
    } else {
      out.status = InvocationStatus::Succeeded;
      out.result = op->status == OperationStatus::Succeeded ? "\"waited\"" : "\"bad\"";
    }
    return out;
  });
  const auto started = std::chrono::steady_clock::now();
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(20, 0);
  auto res = c.Post("/2015-03-31/functions/waiter/invocations", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->body, R"("waited")");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// Skip-time does not jump over an open callback's timeout: a client outside still gets to answer
// it over HTTP, and once it is answered the remaining timers (a two-hour wait) are skipped again.
TEST(HttpServerVirtualClock, AnOpenCallbackIsNotSkippedOver) {
  Service service(std::make_shared<VirtualClock>());
  FunctionRegistry registry;
  HttpServer server(service, registry);
  server.start();
  const int port = server.port();
  registry.register_durable_function("approver", [port](const DurableExecutionInvocationInput& in) {
    DurableExecutionInvocationOutput out;
    const Operation* cb = find_op(in, "cb1");
    const Operation* wait = find_op(in, "w1");
    Json update;
    if (cb == nullptr) {
      update = {{"Id", "cb1"}, {"Type", "CALLBACK"}, {"Action", "START"},
                {"CallbackOptions", {{"TimeoutSeconds", 3600}}}};
    } else if (cb->status == OperationStatus::Succeeded && wait == nullptr) {
      update = {{"Id", "w1"}, {"Type", "WAIT"}, {"Action", "START"},
                {"WaitOptions", {{"WaitSeconds", 7200}}}};
    } else {
      out.status = InvocationStatus::Succeeded;
      const bool both = cb->status == OperationStatus::Succeeded && wait != nullptr &&
                        wait->status == OperationStatus::Succeeded;
      out.result = both ? cb->callback_details->result.value_or("null")
                        : "\"" + std::string(to_string(cb->status)) + "\"";
      return out;
    }
    Json body = {{"CheckpointToken", in.checkpoint_token}, {"Updates", Json::array({update})}};
    httplib::Client c("127.0.0.1", port);
    auto res = c.Post("/2025-12-01/durable-executions/" +
                          percent_encode(in.durable_execution_arn) + "/checkpoint",
                      body.dump(), "application/json");
    if (!res || res->status != 200) throw std::runtime_error("checkpoint refused");
    out.status = InvocationStatus::Pending;
    return out;
  });
  httplib::Client c("127.0.0.1", port);
  auto invoked = c.Post("/2015-03-31/functions/approver/invocations",
                        httplib::Headers{{"X-Amz-Invocation-Type", "Event"}}, "{}",
                        "application/json");
  ASSERT_TRUE(invoked);
  ASSERT_EQ(invoked->status, 202) << invoked->body;
  const std::string arn = invoked->get_header_value("X-Amz-Durable-Execution-Arn");
  ASSERT_FALSE(arn.empty());
  std::vector<CallbackInfo> callbacks;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (callbacks.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    callbacks = service.callbacks(arn);
  }
  ASSERT_EQ(callbacks.size(), 1u);
  // Long enough for a skipping driver to have jumped the hour-long timeout many times over.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(service.callbacks(arn).at(0).status, OperationStatus::Started);
  EXPECT_EQ(service.get_execution({arn}).status, ExecutionStatus::Running);

  auto res = c.Post("/2025-12-01/durable-execution-callbacks/" +
                        percent_encode(callbacks.at(0).callback_id) + "/succeed",
                    R"({"approved":true})", "application/octet-stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  GetDurableExecutionResponse execution;
  const auto done_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < done_deadline) {
    execution = service.get_execution({arn});
    if (execution.status != ExecutionStatus::Running) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(execution.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(execution.result.value_or(""), R"({"approved":true})");
}

}  // namespace
}  // namespace durable::emulator
