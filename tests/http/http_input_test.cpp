// Input hardening at the HTTP boundary (issue 11 §4): each bad input gets its 4xx naming what was
// wrong, nothing of it is stored, and the execution it was aimed at stays readable afterwards.
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include "http_test_server.hpp"

namespace durable::emulator::testing {
namespace {

using http::percent_encode;

const std::string kBadUtf8 = "\xff\xfe\xc3\x28";  // stray bytes and a broken two-byte sequence

class HttpInputTest : public ::testing::Test {
 protected:
  HttpTestServer server_;
  httplib::Client client() { return server_.client(); }
  static void expect_error(const httplib::Result& res, int status, const std::string& code,
                           const std::string& text) {
    HttpTestServer::expect_error(res, status, code, text);
  }
};

TEST_F(HttpInputTest, CallbackResultOfInvalidUtf8IsRefusedAndNeverStored) {
  auto [arn, id] = server_.open_callback();
  expect_error(client().Post(HttpTestServer::callback_path(id, "succeed"), kBadUtf8,
                             "application/octet-stream"),
               400, "InvalidParameterValueException", "Result");
  // Nothing was stored: the execution reads back, and the callback is still open.
  server_.expect_readable(arn);
  auto ok = client().Post(HttpTestServer::callback_path(id, "succeed"), "\"fine\"",
                          "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  for (int i = 0; i < 2000; ++i) {
    auto get = client().Get(HttpTestServer::execution_path(arn));
    if (get && get->status == 200 && Json::parse(get->body)["Status"] == "SUCCEEDED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_.expect_readable(arn);
  auto get = client().Get(HttpTestServer::execution_path(arn));
  EXPECT_EQ(Json::parse(get->body)["Result"], "\"fine\"");
}

TEST_F(HttpInputTest, InvalidUtf8InPathSegmentsIsNamedAndRefused) {
  auto [arn, id] = server_.open_callback();
  const std::string bad = percent_encode(kBadUtf8);
  expect_error(client().Get("/2025-12-01/durable-executions/" + bad), 400,
               "InvalidParameterValueException", "DurableExecutionArn");
  expect_error(client().Get("/2025-12-01/durable-executions/" + bad + "/history"), 400,
               "InvalidParameterValueException", "DurableExecutionArn");
  expect_error(client().Post("/2025-12-01/durable-executions/" + bad + "/stop", "{}",
                             "application/json"),
               400, "InvalidParameterValueException", "DurableExecutionArn");
  expect_error(client().Post("/2025-12-01/durable-execution-callbacks/" + bad + "/succeed", "1",
                             "application/json"),
               400, "InvalidParameterValueException", "CallbackId");
  expect_error(client().Post("/2025-12-01/durable-execution-callbacks/" + bad + "/heartbeat", "",
                             "application/json"),
               400, "InvalidParameterValueException", "CallbackId");
  expect_error(client().Get("/2025-12-01/functions/" + bad + "/durable-executions"), 400,
               "InvalidParameterValueException", "FunctionName");
  expect_error(client().Post("/2015-03-31/functions/" + bad + "/invocations", "{}",
                             "application/json"),
               400, "InvalidParameterValueException", "FunctionName");
  server_.expect_readable(arn);
}

TEST_F(HttpInputTest, InvalidUtf8InQueryValuesIsNamedAndRefused) {
  auto [arn, id] = server_.open_callback();
  const std::string bad = percent_encode(kBadUtf8);
  const std::string path = HttpTestServer::execution_path(arn);
  expect_error(client().Get(path + "/history?Marker=" + bad), 400,
               "InvalidParameterValueException", "Marker");
  expect_error(client().Get(path + "/state?CheckpointToken=" + bad), 400,
               "InvalidParameterValueException", "CheckpointToken");
  expect_error(client().Get("/2025-12-01/functions/callbacker/durable-executions?"
                            "DurableExecutionName=" + bad),
               400, "InvalidParameterValueException", "DurableExecutionName");
  expect_error(client().Get(path + "/history?" + bad + "=1"), 400,
               "InvalidParameterValueException", "query parameter name");
  expect_error(client().Post("/2015-03-31/functions/echo/invocations?Qualifier=" + bad, "{}",
                             "application/json"),
               400, "InvalidParameterValueException", "Qualifier");
  server_.expect_readable(arn);
}

TEST_F(HttpInputTest, InvalidUtf8InBodiesAndHeadersIsRefused) {
  auto [arn, id] = server_.open_callback();
  const std::string path = HttpTestServer::execution_path(arn);
  expect_error(client().Post(path + "/checkpoint",
                             "{\"CheckpointToken\":\"" + kBadUtf8 + "\"}", "application/json"),
               400, "InvalidRequestContentException", "json");
  expect_error(client().Post(HttpTestServer::callback_path(id, "fail"),
                             "{\"ErrorMessage\":\"" + kBadUtf8 + "\"}", "application/json"),
               400, "InvalidRequestContentException", "json");
  expect_error(client().Post(path + "/stop", "{\"ErrorType\":\"" + kBadUtf8 + "\"}",
                             "application/json"),
               400, "InvalidRequestContentException", "json");
  expect_error(client().Post("/2015-03-31/functions/echo/invocations",
                             {{"X-Amz-Durable-Execution-Name", kBadUtf8}}, "{}",
                             "application/json"),
               400, "InvalidParameterValueException", "X-Amz-Durable-Execution-Name");
  expect_error(client().Post("/2015-03-31/functions/echo/invocations",
                             {{"X-Amz-Invocation-Type", kBadUtf8}}, "{}", "application/json"),
               400, "InvalidParameterValueException", "X-Amz-Invocation-Type");
  server_.expect_readable(arn);
  auto list = client().Get("/2025-12-01/functions/echo/durable-executions");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200) << list->body;
}

TEST_F(HttpInputTest, NumbersThatOverflowAreRefused) {
  auto [arn, id] = server_.open_callback();
  const std::string path = HttpTestServer::execution_path(arn);
  for (const std::string body :
       {R"({"CheckpointToken":1e999999})", R"({"CheckpointToken":-1e999999})",
        R"({"CheckpointToken":"t","Updates":[{"Id":"w","Type":"WAIT","Action":"START",)"
        R"("WaitOptions":{"WaitSeconds":1e400}}]})"}) {
    expect_error(client().Post(path + "/checkpoint", body, "application/json"), 400,
                 "InvalidRequestContentException", "json");
  }
  expect_error(client().Get(path + "/history?MaxItems=99999999999999999999"), 400,
               "InvalidParameterValueException", "MaxItems");
  expect_error(client().Get(path + "/history?MaxItems=1001"), 400,
               "InvalidParameterValueException", "MaxItems");
  expect_error(client().Get(path + "/history?MaxItems=-1"), 400,
               "InvalidParameterValueException", "MaxItems");
  server_.expect_readable(arn);
}

TEST_F(HttpInputTest, StartedAfterAndBeforeMustBeFiniteTimes) {
  const std::string list = "/2025-12-01/functions/echo/durable-executions?";
  for (const std::string v : {"nan", "inf", "-inf", "NaN", "infinity", "1e300", "-1e300"}) {
    expect_error(client().Get(list + "StartedAfter=" + v), 400, "InvalidParameterValueException",
                 "StartedAfter");
    expect_error(client().Get(list + "StartedBefore=" + v), 400,
                 "InvalidParameterValueException", "StartedBefore");
  }
  auto ok = client().Get(list + "StartedAfter=0&StartedBefore=4102444800");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

TEST_F(HttpInputTest, InvokePayloadMustBeJson) {
  expect_error(server_.invoke("echo", "not json"), 400, "InvalidRequestContentException", "json");
  expect_error(server_.invoke("echo", "{\"a\":", "Event"), 400, "InvalidRequestContentException",
               "json");
  expect_error(server_.invoke("echo", "\"" + kBadUtf8 + "\""), 400,
               "InvalidRequestContentException", "json");
  // An empty payload is {} as in Lambda; a JSON scalar is a payload.
  auto empty = server_.invoke("echo", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200) << empty->body;
  auto scalar = server_.invoke("echo", "42");
  ASSERT_TRUE(scalar);
  EXPECT_EQ(scalar->status, 200) << scalar->body;
  EXPECT_EQ(scalar->body, "42");
}

TEST_F(HttpInputTest, InvokePayloadLimitsFollowTheInvocationType) {
  // A JSON string of the given total size.
  const auto payload = [](std::size_t bytes) { return "\"" + std::string(bytes - 2, 'x') + "\""; };
  expect_error(server_.invoke("echo", payload(300 * 1024), "Event"), 413,
               "RequestTooLargeException", "Event");
  auto at_limit = server_.invoke("echo", payload(256 * 1024), "Event");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->status, 202) << at_limit->body;
  expect_error(server_.invoke("echo", payload(6 * 1024 * 1024 + 1)), 413,
               "RequestTooLargeException", "");
  auto sync = server_.invoke("echo", payload(300 * 1024));
  ASSERT_TRUE(sync);
  EXPECT_EQ(sync->status, 200);
}

TEST_F(HttpInputTest, ChunkedBodiesAreCappedToo) {
  auto [arn, id] = server_.open_callback();
  // 8 MiB in 64 KiB chunks, with no Content-Length: over the 6 MiB cap.
  const std::string piece(64 * 1024, 'x');
  std::size_t sent = 0;
  auto res = client().Post(
      HttpTestServer::callback_path(id, "succeed"),
      [&](std::size_t, httplib::DataSink& sink) {
        if (sent >= 8u * 1024 * 1024) {
          sink.done();
          return true;
        }
        sent += piece.size();
        return sink.write(piece.data(), piece.size());
      },
      "application/octet-stream");
  expect_error(res, 413, "RequestTooLargeException", "smaller");
  // A chunked body under the cap is read whole.
  bool done = false;
  auto ok = client().Post(
      HttpTestServer::callback_path(id, "succeed"),
      [&](std::size_t, httplib::DataSink& sink) {
        if (done) {
          sink.done();
          return true;
        }
        done = true;
        return sink.write("\"chunked\"", 9);
      },
      "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  server_.expect_readable(arn);
}

TEST_F(HttpInputTest, ChunkedBodyOnARouteWithoutBodiesIsRefused) {
  RawConnection raw(server_.port());
  raw.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
           "3\r\nabc\r\n0\r\n\r\n");
  const std::string answer = raw.read_response(std::chrono::seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("InvalidRequestContentException"), std::string::npos) << answer;
  EXPECT_NE(answer.find("GET requests take no body"), std::string::npos) << answer;
}

}  // namespace
}  // namespace durable::emulator::testing

namespace durable::emulator::testing {
namespace {

// Odd requests to every durable route, with a live checkpoint token so the checks past the
// token run too: none gets a 5xx, and the execution stays usable.
TEST(HttpInputSweepTest, NoMalformedRequestGetsA5xx) {
  HttpServerOptions options;
  options.run_driver = false;  // the test holds the invocation and its token
  HttpTestServer server(options);
  auto started = server.invoke("echo", "{}", "Event");
  ASSERT_TRUE(started);
  auto pending = server.service().take_ready_invocation();
  ASSERT_TRUE(pending);
  const std::string arn = pending->durable_execution_arn;
  std::string token = pending->input.checkpoint_token;
  const std::string path = HttpTestServer::execution_path(arn);
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  const std::vector<std::string> updates = {
      "null", "[]", "{}", "1", "[null]", "[{}]", "[1]", R"([{"Id":1}])",
      R"([{"Id":"a","Type":"STEP"}])", R"([{"Id":"a","Type":"NOPE","Action":"START"}])",
      R"([{"Id":"a","Type":"STEP","Action":"SUCCEED","Payload":7}])",
      R"([{"Id":"a","Type":"WAIT","Action":"START","WaitOptions":{"WaitSeconds":18446744073709551615}}])",
      R"([{"Id":"a","Type":"WAIT","Action":"START","WaitOptions":{"WaitSeconds":-9223372036854775808}}])",
      R"([{"Id":"a","Type":"WAIT","Action":"START","WaitOptions":{"WaitSeconds":1.5}}])",
      R"([{"Id":"a","Type":"WAIT","Action":"START","WaitOptions":null}])",
      R"([{"Id":"a","Type":"STEP","Action":"RETRY","StepOptions":{"NextAttemptDelaySeconds":1e300}}])",
      R"([{"Id":"a","Type":"CALLBACK","Action":"START","CallbackOptions":{"TimeoutSeconds":9300000000000000}}])",
      R"([{"Id":"a","Type":"CHAINED_INVOKE","Action":"START","ChainedInvokeOptions":{}}])",
      R"([{"Id":"a","Type":"STEP","Action":"FAIL","Error":{"ErrorType":[]}}])",
      deep};
  auto expect_4xx = [](const httplib::Result& res, const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_LT(res->status, 500) << what << ": " << res->body;
  };
  auto c = server.client();
  for (const auto& u : updates) {
    const std::string body = "{\"CheckpointToken\":" + Json(token).dump() + ",\"Updates\":" + u + "}";
    auto res = c.Post(path + "/checkpoint", body, "application/json");
    expect_4xx(res, u.substr(0, 80));
    // Accepted ("Updates":null is no updates): carry on with the new token.
    if (res && res->status == 200) token = Json::parse(res->body).at("CheckpointToken");
  }
  for (const std::string& body : std::vector<std::string>{
           "null", "[]", "1", "\"s\"", deep, R"({"CheckpointToken":null})",
           R"({"CheckpointToken":"x","ClientToken":""})",
           R"({"CheckpointToken":"x","ClientToken":"\u0001"})"}) {
    expect_4xx(c.Post(path + "/checkpoint", body, "application/json"), body.substr(0, 80));
    expect_4xx(c.Post(HttpTestServer::callback_path("x", "fail"), body == "null" ? "[]" : body,
                      "application/json"),
               "callback fail " + body.substr(0, 80));
  }
  for (const std::string& query : std::vector<std::string>{
           "/state?CheckpointToken=", "/state?CheckpointToken=x&Marker=99:99",
        "/state?CheckpointToken=" + http::percent_encode(token) + "&Marker=1:99999999999999999999",
        "/history?Marker=-1", "/history?Marker=99999999999999999999", "/history?ReverseOrder=yes",
        "/history?IncludeExecutionData=1"}) {
    expect_4xx(c.Get(path + query), query);
  }
  for (const std::string query :
       {"?Statuses=", "?Marker=x", "?MaxItems=1e3", "?StartedAfter=2024-13-01T00:00:00Z",
        "?StartedAfter=9999-12-31T23:59:60%2B99:99", "?ReverseOrder="}) {
    expect_4xx(c.Get("/2025-12-01/functions/echo/durable-executions" + query), query);
  }
  for (const std::string& name : {std::string(""), std::string(300, 'n'), std::string("a/b")}) {
    expect_4xx(c.Post("/2015-03-31/functions/echo/invocations",
                      {{"X-Amz-Durable-Execution-Name", name}, {"X-Amz-Invocation-Type", "Event"}},
                      "{}", "application/json"),
               "execution name '" + name.substr(0, 20) + "'");
  }
  // The execution still reads back and answers checkpoints.
  const Json ok_body = {{"CheckpointToken", token}};
  auto ok = c.Post(path + "/checkpoint", ok_body.dump(), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  server.expect_readable(arn);
  for (const std::string& body : std::vector<std::string>{"[]", "1", "\"s\"", deep,
                                                          R"({"ErrorType":[]})"}) {
    expect_4xx(c.Post(path + "/stop", body, "application/json"), "stop " + body.substr(0, 80));
  }
  server.expect_readable(arn);
}

}  // namespace
}  // namespace durable::emulator::testing
