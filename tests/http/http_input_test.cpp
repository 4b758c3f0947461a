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
