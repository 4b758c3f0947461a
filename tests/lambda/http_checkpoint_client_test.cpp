// HttpCheckpointClient against the real emulator HttpServer on loopback, and against a scripted
// httplib server for retries, timeouts, error parsing and the signature that arrives.
#include "durable/lambda/http_checkpoint_client.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/emulator/service.hpp"
#include "durable/lambda/sigv4_signer.hpp"

namespace durable::lambda {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAccessKey = "AKIDTEST";
constexpr const char* kSecret = "test-secret";
constexpr const char* kSessionToken = "session/token+with=odd chars";
constexpr const char* kArn =
    "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/durable-execution/n/id-1";

HttpCheckpointClientOptions options_for(int port) {
  HttpCheckpointClientOptions options;
  options.endpoint = Endpoint::parse("http://127.0.0.1:" + std::to_string(port));
  options.region = "us-east-1";
  options.credentials = {kAccessKey, kSecret, kSessionToken};
  options.connect_timeout = 2s;
  options.read_timeout = 5s;
  options.retry = {.max_attempts = 4, .initial_backoff = 8ms, .max_backoff = 200ms};
  return options;
}

OperationUpdate step_update(const std::string& id, OperationAction action) {
  OperationUpdate update;
  update.id = id;
  update.type = OperationType::Step;
  update.action = action;
  update.name = "charge card";
  update.sub_type = "Step";
  if (action == OperationAction::Succeed) update.payload = "\"txn-1\"";
  return update;
}

template <typename Call>
ApiError api_error_of(Call call) {
  try {
    call();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError";
  return ApiError("none", 0, "none");
}

// ---------------------------------------------------------------------------------------------
// Against the emulator.

class ClientAgainstEmulator : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<emulator::Service>(std::make_shared<emulator::SystemClock>());
    registry_.register_durable_function("fn", [](const DurableExecutionInvocationInput&) {
      return DurableExecutionInvocationOutput{};
    });
    emulator::HttpServerOptions options;
    options.run_driver = false;  // the test plays the function's invocation itself
    server_ = std::make_unique<emulator::HttpServer>(*service_, registry_, options);
    server_->start();
    emulator::StartExecutionRequest start;
    start.function_name = "fn";
    start.input = R"({"order":42})";
    arn_ = service_->start_execution(start).durable_execution_arn;
    auto invocation = service_->take_ready_invocation();
    ASSERT_TRUE(invocation.has_value());
    input_ = invocation->input;
  }
  void TearDown() override { server_->stop(); }

  std::unique_ptr<emulator::Service> service_;
  emulator::FunctionRegistry registry_;
  std::unique_ptr<emulator::HttpServer> server_;
  std::string arn_;
  DurableExecutionInvocationInput input_;
};

TEST_F(ClientAgainstEmulator, CheckpointsRotateTheTokenAndGetStateSeesTheSteps) {
  HttpCheckpointClient client(options_for(server_->port()));
  CheckpointDurableExecutionRequest start{
      arn_, input_.checkpoint_token, {step_update("s1", OperationAction::Start)}, {}};
  const auto started = client.checkpoint(start);
  ASSERT_TRUE(started.checkpoint_token.has_value());
  EXPECT_NE(*started.checkpoint_token, input_.checkpoint_token);

  const auto succeeded = client.checkpoint(
      {arn_, *started.checkpoint_token, {step_update("s1", OperationAction::Succeed)}, {}});
  ASSERT_TRUE(succeeded.checkpoint_token.has_value());
  bool saw_step = false;
  for (const auto& op : succeeded.new_execution_state.operations) {
    if (op.id == "s1") {
      saw_step = true;
      EXPECT_EQ(op.status, OperationStatus::Succeeded);
    }
  }
  EXPECT_TRUE(saw_step);

  GetDurableExecutionStateRequest state{arn_, *succeeded.checkpoint_token, std::nullopt, 1000};
  const auto page = client.get_state(state);
  ASSERT_GE(page.operations.size(), 2u);
  EXPECT_EQ(page.operations.at(0).type, OperationType::Execution);
  EXPECT_EQ(page.operations.at(1).id, "s1");
  EXPECT_EQ(page.operations.at(1).step_details->result, "\"txn-1\"");
}

TEST_F(ClientAgainstEmulator, StateIsPagedWithMarkers) {
  HttpCheckpointClient client(options_for(server_->port()));
  std::vector<OperationUpdate> updates;
  for (int i = 0; i < 3; ++i) {
    updates.push_back(step_update("s" + std::to_string(i), OperationAction::Start));
  }
  const auto token =
      client.checkpoint({arn_, input_.checkpoint_token, updates, {}}).checkpoint_token;
  ASSERT_TRUE(token.has_value());
  std::vector<std::string> ids;
  std::optional<std::string> marker;
  int pages = 0;
  do {
    const auto page = client.get_state({arn_, *token, marker, 2});
    for (const auto& op : page.operations) ids.push_back(op.id);
    marker = page.next_marker;
    if (marker && marker->empty()) marker.reset();
    ++pages;
  } while (marker && pages < 10);
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[1], "s0");
  EXPECT_EQ(ids[3], "s2");
}

TEST_F(ClientAgainstEmulator, BadTokenIsAnInvalidParameterApiErrorWithoutRetries) {
  auto options = options_for(server_->port());
  int sleeps = 0;
  options.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  HttpCheckpointClient client(options);
  const auto error = api_error_of([&] {
    client.checkpoint({arn_, "bm90LWEtdG9rZW4=", {step_update("s1", OperationAction::Start)}, {}});
  });
  EXPECT_EQ(error.code(), "InvalidParameterValueException");
  EXPECT_EQ(error.http_status(), 400);
  EXPECT_NE(std::string(error.what()).find("nvalid checkpoint token"), std::string::npos)
      << error.what();
  EXPECT_EQ(sleeps, 0);

  const auto state_error = api_error_of([&] {
    client.get_state({arn_, "bm90LWEtdG9rZW4=", {}, {}});
  });
  EXPECT_EQ(state_error.code(), "InvalidParameterValueException");
}

TEST_F(ClientAgainstEmulator, UnknownExecutionIsResourceNotFound) {
  HttpCheckpointClient client(options_for(server_->port()));
  const std::string other =
      "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/durable-execution/x/nope";
  const auto error = api_error_of([&] {
    client.checkpoint({other, input_.checkpoint_token, {}, {}});
  });
  EXPECT_EQ(error.code(), "ResourceNotFoundException");
  EXPECT_EQ(error.http_status(), 404);
}

TEST_F(ClientAgainstEmulator, EmptyArnIsRefusedBeforeAnyRequest) {
  HttpCheckpointClient client(options_for(server_->port()));
  const auto error = api_error_of([&] { client.checkpoint({"", "t", {}, {}}); });
  EXPECT_EQ(error.code(), "InvalidParameterValueException");
  EXPECT_NE(std::string(error.what()).find("DurableExecutionArn"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Against a scripted server.

struct Reply {
  int status = 200;
  std::string body;
  httplib::Headers headers;
  std::chrono::milliseconds delay{0};
};

struct Received {
  std::string method;
  std::string target;
  std::string body;
  httplib::Headers headers;
  std::string signature_problem;  // empty when the Authorization header verifies
};

std::chrono::system_clock::time_point parse_amz_date(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Recomputes the signature from what arrived on the wire, as the service does.
std::string verify_signature(const httplib::Request& req) {
  if (!req.has_header("Authorization")) return "no Authorization header";
  if (!req.has_header("X-Amz-Date")) return "no X-Amz-Date header";
  SigningRequest wire;
  wire.method = req.method;
  wire.host = req.get_header_value("Host");
  wire.path = req.target.substr(0, req.target.find('?'));
  for (const auto& [name, value] : req.params) wire.query.emplace_back(name, value);
  if (req.has_header("Content-Type")) {
    wire.headers.emplace_back("Content-Type", req.get_header_value("Content-Type"));
  }
  wire.body = req.body;
  std::optional<std::string> token;
  if (req.has_header("X-Amz-Security-Token")) token = req.get_header_value("X-Amz-Security-Token");
  SigV4Signer signer({kAccessKey, kSecret, token}, "us-east-1");
  const auto expected = signer.sign(wire, parse_amz_date(req.get_header_value("X-Amz-Date")));
  if (expected.authorization != req.get_header_value("Authorization")) {
    return "Authorization mismatch: got " + req.get_header_value("Authorization") + "\nexpected " +
           expected.authorization + "\ncanonical:\n" + expected.canonical_request;
  }
  return {};
}

class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<Reply> replies) : replies_(std::move(replies)) {
    server_.set_keep_alive_max_count(100);
    server_.set_tcp_nodelay(true);
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        received_.push_back({req.method, req.target, req.body, req.headers, verify_signature(req)});
        if (!replies_.empty()) {
          reply = replies_.front();
          replies_.pop_front();
        } else {
          reply.body = R"({"Operations":[]})";
        }
      }
      if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
      res.status = reply.status;
      for (const auto& [name, value] : reply.headers) res.set_header(name, value);
      res.set_content(reply.body, "application/json");
    };
    server_.Get(R"([\s\S]*)", handler);
    server_.Post(R"([\s\S]*)", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib 0.11 has no wait_until_ready; stop() before listen starts would be lost.
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  httplib::Server server_;
  std::mutex mutex_;
  std::deque<Reply> replies_;
  std::vector<Received> received_;
  int port_ = 0;
  std::thread thread_;
};

constexpr const char* kCheckpointOk =
    R"({"CheckpointToken":"next-token","NewExecutionState":{"Operations":[]}})";

Reply error_reply(int status, const std::string& code, const std::string& message_field,
                  const std::string& message) {
  Reply reply;
  reply.status = status;
  reply.headers.emplace("X-Amzn-ErrorType", code);
  reply.body = Json{{"Type", "User"}, {message_field, message}}.dump();
  return reply;
}

TEST(HttpCheckpointClientRetries, ThrottleAndServerErrorAreRetriedWithOneClientToken) {
  ScriptedServer server({error_reply(429, "TooManyRequestsException", "message", "slow down"),
                         error_reply(500, "ServiceException", "Message", "oops"),
                         Reply{200, kCheckpointOk, {}, 0ms}});
  auto options = options_for(server.port());
  std::vector<std::chrono::milliseconds> sleeps;
  options.sleep = [&](std::chrono::milliseconds d) { sleeps.push_back(d); };
  HttpCheckpointClient client(options);
  const auto response =
      client.checkpoint({kArn, "tok", {step_update("s", OperationAction::Start)}, {}});
  EXPECT_EQ(response.checkpoint_token, "next-token");

  const auto received = server.received();
  ASSERT_EQ(received.size(), 3u);
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_LE(sleeps[0], 8ms);
  EXPECT_LE(sleeps[1], 16ms);
  std::optional<std::string> client_token;
  for (const auto& r : received) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target,
              "/2025-12-01/durable-executions/" + sigv4::encode_path_label(kArn) + "/checkpoint");
    EXPECT_EQ(r.signature_problem, "");
    const auto body = Json::parse(r.body);
    EXPECT_EQ(body.at("CheckpointToken"), "tok");
    ASSERT_TRUE(body.contains("ClientToken")) << r.body;
    if (!client_token) client_token = body.at("ClientToken").get<std::string>();
    EXPECT_EQ(body.at("ClientToken"), *client_token);
  }
  EXPECT_GE(client_token->size(), 1u);
  EXPECT_LE(client_token->size(), 64u);
}

TEST(HttpCheckpointClientRetries, TheCallersClientTokenIsKept) {
  ScriptedServer server({Reply{200, kCheckpointOk, {}, 0ms}});
  HttpCheckpointClient client(options_for(server.port()));
  client.checkpoint({kArn, "tok", {}, std::string("mine")});
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(Json::parse(server.received()[0].body).at("ClientToken"), "mine");
}

TEST(HttpCheckpointClientRetries, SignedHeadersArriveAsSent) {
  ScriptedServer server({Reply{200, R"({"Operations":[],"NextMarker":"m2"})", {}, 0ms}});
  HttpCheckpointClient client(options_for(server.port()));
  const auto page = client.get_state({kArn, "dG9r+ZW4/tMg==", std::string("page 2&x=y"), 1000});
  EXPECT_EQ(page.next_marker, "m2");
  const auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  const auto& r = received[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.signature_problem, "");
  EXPECT_EQ(r.target,
            "/2025-12-01/durable-executions/" + sigv4::encode_path_label(kArn) + "/state?" +
                "CheckpointToken=dG9r%2BZW4%2FtMg%3D%3D&Marker=page%202%26x%3Dy&MaxItems=1000");
  auto header = [&](const char* name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string("(absent)") : it->second;
  };
  EXPECT_EQ(header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(header("X-Amz-Security-Token"), kSessionToken);
  EXPECT_EQ(r.headers.count("Host"), 1u);
  const std::string auth = header("Authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDTEST/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;"
                      "x-amz-security-token, Signature="),
            std::string::npos)
      << auth;
}

TEST(HttpCheckpointClientRetries, GivesUpAfterMaxAttemptsWithTheLastError) {
  ScriptedServer server({error_reply(500, "ServiceException", "Message", "one"),
                         error_reply(503, "ServiceException", "Message", "two"),
                         error_reply(502, "ServiceException", "Message", "three"),
                         error_reply(500, "ServiceException", "Message", "four"),
                         Reply{200, kCheckpointOk, {}, 0ms}});
  auto options = options_for(server.port());
  std::vector<std::chrono::milliseconds> sleeps;
  options.sleep = [&](std::chrono::milliseconds d) { sleeps.push_back(d); };
  HttpCheckpointClient client(options);
  const auto error = api_error_of([&] { client.checkpoint({kArn, "tok", {}, {}}); });
  EXPECT_EQ(error.code(), "ServiceException");
  EXPECT_EQ(error.http_status(), 500);
  EXPECT_STREQ(error.what(), "four");
  EXPECT_EQ(server.received().size(), 4u);
  ASSERT_EQ(sleeps.size(), 3u);
  // Full jitter under a doubling ceiling: 8, 16, 32 ms.
  EXPECT_LE(sleeps[0], 8ms);
  EXPECT_LE(sleeps[1], 16ms);
  EXPECT_LE(sleeps[2], 32ms);
}

TEST(HttpCheckpointClientRetries, RetryAfterIsHonouredUpToTheMaximumBackoff) {
  Reply throttled = error_reply(429, "TooManyRequestsException", "message", "later");
  throttled.headers.emplace("Retry-After", "0.05");
  Reply long_wait = error_reply(429, "TooManyRequestsException", "message", "much later");
  long_wait.headers.emplace("Retry-After", "3600");
  Reply absurd = error_reply(429, "TooManyRequestsException", "message", "never");
  absurd.headers.emplace("Retry-After", "1e300");
  ScriptedServer server({throttled, long_wait, absurd, Reply{200, kCheckpointOk, {}, 0ms}});
  auto options = options_for(server.port());
  std::vector<std::chrono::milliseconds> sleeps;
  options.sleep = [&](std::chrono::milliseconds d) { sleeps.push_back(d); };
  HttpCheckpointClient client(options);
  client.checkpoint({kArn, "tok", {}, {}});
  ASSERT_EQ(sleeps.size(), 3u);
  EXPECT_EQ(sleeps[0], 50ms);
  EXPECT_EQ(sleeps[1], 200ms);
  EXPECT_EQ(sleeps[2], 200ms);
}

TEST(HttpCheckpointClientRetries, ClientErrorsAndKmsErrorsAreNotRetried) {
  ScriptedServer server(
      {error_reply(400, "InvalidParameterValueException", "message", "Invalid Checkpoint Token"),
       error_reply(502, "KMSAccessDeniedException", "Message", "no key"),
       error_reply(403, "AccessDeniedException", "Message", "denied")});
  auto options = options_for(server.port());
  int sleeps = 0;
  options.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  HttpCheckpointClient client(options);
  auto error = api_error_of([&] { client.checkpoint({kArn, "tok", {}, {}}); });
  EXPECT_EQ(error.code(), "InvalidParameterValueException");
  EXPECT_EQ(error.http_status(), 400);
  EXPECT_STREQ(error.what(), "Invalid Checkpoint Token");
  error = api_error_of([&] { client.checkpoint({kArn, "tok", {}, {}}); });
  EXPECT_EQ(error.code(), "KMSAccessDeniedException");
  EXPECT_EQ(error.http_status(), 502);
  error = api_error_of([&] { client.get_state({kArn, "tok", {}, {}}); });
  EXPECT_EQ(error.code(), "AccessDeniedException");
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_EQ(sleeps, 0);
}

TEST(HttpCheckpointClientRetries, ErrorCodeFallsBackToBodyThenStatus) {
  Reply typed{400, R"({"__type":"com.amazon#ValidationException","message":"bad"})", {}, 0ms};
  Reply coded{400, R"({"code":"SomethingElse","Message":"worse"})", {}, 0ms};
  Reply bare{404, "not json at all", {}, 0ms};
  Reply decorated = error_reply(409, "ConflictException:http://internal/", "message", "c");
  ScriptedServer server({typed, coded, bare, decorated});
  HttpCheckpointClient client(options_for(server.port()));
  auto error = api_error_of([&] { client.get_state({kArn, "t", {}, {}}); });
  EXPECT_EQ(error.code(), "ValidationException");
  EXPECT_STREQ(error.what(), "bad");
  error = api_error_of([&] { client.get_state({kArn, "t", {}, {}}); });
  EXPECT_EQ(error.code(), "SomethingElse");
  EXPECT_STREQ(error.what(), "worse");
  error = api_error_of([&] { client.get_state({kArn, "t", {}, {}}); });
  EXPECT_EQ(error.code(), "404");
  EXPECT_EQ(error.http_status(), 404);
  EXPECT_NE(std::string(error.what()).find("HTTP 404"), std::string::npos);
  error = api_error_of([&] { client.get_state({kArn, "t", {}, {}}); });
  EXPECT_EQ(error.code(), "ConflictException");
}

TEST(HttpCheckpointClientRetries, MalformedSuccessBodyIsATransportError) {
  ScriptedServer server(
      {Reply{200, "{not json", {}, 0ms}, Reply{200, R"({"Operations":5})", {}, 0ms}});
  HttpCheckpointClient client(options_for(server.port()));
  EXPECT_THROW(client.checkpoint({kArn, "t", {}, {}}), TransportError);
  EXPECT_THROW(client.get_state({kArn, "t", {}, {}}), TransportError);
}

TEST(HttpCheckpointClientRetries, ConnectionRefusedIsRetriedThenATransportError) {
  // Bind a port without listening: connections to it are refused while the socket holds it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);
  auto options = options_for(port);
  int sleeps = 0;
  options.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  HttpCheckpointClient client(options);
  try {
    client.checkpoint({kArn, "t", {}, {}});
    ADD_FAILURE() << "no exception";
  } catch (const TransportError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("CheckpointDurableExecution"), std::string::npos) << message;
    EXPECT_NE(message.find("4 attempt"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(port)), std::string::npos) << message;
  }
  EXPECT_EQ(sleeps, 3);
  ::close(fd);
}

TEST(HttpCheckpointClientRetries, ASilentServerTimesOutInsteadOfHanging) {
  // The server's worker threads answer other connections while one sleeps out its reply.
  ScriptedServer server(
      {Reply{200, kCheckpointOk, {}, 3000ms}, Reply{200, kCheckpointOk, {}, 0ms}});
  auto options = options_for(server.port());
  options.read_timeout = 1000ms;
  options.retry.max_attempts = 1;
  HttpCheckpointClient client(options);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(client.checkpoint({kArn, "t", {}, {}}), TransportError);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2800ms);
  // The client recovers on a fresh connection while the first reply is still pending.
  EXPECT_EQ(client.checkpoint({kArn, "t", {}, {}}).checkpoint_token, "next-token");
}

TEST(HttpCheckpointClientRetries, ConcurrentCallersAreSerializedSafely) {
  std::deque<Reply> replies;
  for (int i = 0; i < 40; ++i) replies.push_back(Reply{200, kCheckpointOk, {}, 0ms});
  ScriptedServer server(replies);
  HttpCheckpointClient client(options_for(server.port()));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (client.checkpoint({kArn, "t", {}, {}}).checkpoint_token == "next-token") ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 40);
  for (const auto& r : server.received()) EXPECT_EQ(r.signature_problem, "");
}

}  // namespace
}  // namespace durable::lambda
