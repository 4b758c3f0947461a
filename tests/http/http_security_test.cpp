// Ids that grant access cannot be forged over HTTP (issue 11 §6), and a server reachable from
// other machines says it has no authentication.
#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

#include "http_test_server.hpp"
#include "tokens.hpp"

namespace durable::emulator::testing {
namespace {

TEST(HttpSecurityTest, ACallbackIdBuiltFromTheArnIsRefused) {
  HttpTestServer server;
  auto [arn, real] = server.open_callback();
  const std::string forged = detail::base64_encode(Json{{"arn", arn}, {"op", "cb1"}}.dump());
  for (const std::string action : {"succeed", "fail", "heartbeat"}) {
    HttpTestServer::expect_error(
        server.client().Post(HttpTestServer::callback_path(forged, action), "{}",
                             "application/json"),
        400, "InvalidParameterValueException", "not a callback id issued");
  }
  EXPECT_EQ(server.service().callbacks(arn).at(0).status, OperationStatus::Started);
  auto ok = server.client().Post(HttpTestServer::callback_path(real, "succeed"), "1",
                                 "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST(HttpSecurityTest, CheckpointTokensOfOneExecutionAreRefusedForAnother) {
  HttpServerOptions options;
  options.run_driver = false;  // the test takes the invocations itself, tokens and all
  HttpTestServer server(options);
  for (const char* name : {"a", "b"}) {
    auto res = server.client().Post("/2015-03-31/functions/echo/invocations",
                                    {{"X-Amz-Invocation-Type", "Event"},
                                     {"X-Amz-Durable-Execution-Name", name}},
                                    "{}", "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202);
  }
  auto first = server.service().take_ready_invocation();
  auto second = server.service().take_ready_invocation();
  ASSERT_TRUE(first && second);
  const std::string b_path = HttpTestServer::execution_path(second->durable_execution_arn);
  const Json with_a_token = {{"CheckpointToken", first->input.checkpoint_token}};
  HttpTestServer::expect_error(
      server.client().Post(b_path + "/checkpoint", with_a_token.dump(), "application/json"), 400,
      "InvalidParameterValueException", "Invalid checkpoint token");
  HttpTestServer::expect_error(
      server.client().Get(b_path + "/state?CheckpointToken=" +
                          http::percent_encode(first->input.checkpoint_token)),
      400, "InvalidParameterValueException", "checkpoint token");
  const Json with_b_token = {{"CheckpointToken", second->input.checkpoint_token}};
  auto ok = server.client().Post(b_path + "/checkpoint", with_b_token.dump(), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

// Captures what spdlog's default logger writes while alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(HttpSecurityTest, ANonLoopbackHostIsWarnedAbout) {
  Service service(std::make_shared<SystemClock>());
  {
    CapturedLog log;
    HttpServerOptions options;
    // TEST-NET-1 (RFC 5737): never assigned here, so the bind fails and nothing is exposed.
    options.host = "192.0.2.1";
    HttpServer server(service, FunctionRegistry(), options);
    EXPECT_THROW(server.start(), std::runtime_error);
    EXPECT_NE(log.text().find("no authentication"), std::string::npos) << log.text();
  }
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    CapturedLog log;
    HttpServerOptions options;
    options.host = host;
    HttpServer server(service, FunctionRegistry(), options);
    server.start();
    server.stop();
    EXPECT_EQ(log.text().find("no authentication"), std::string::npos) << log.text();
  }
}

}  // namespace
}  // namespace durable::emulator::testing
