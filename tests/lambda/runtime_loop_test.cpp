// durable::lambda::run against a fake Runtime API: every event gets exactly one answer, on
// /response or /error, and the loop's exits (max events, /next failing, init failures) hold.
#include "durable/lambda/runtime.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "durable/durable.hpp"
#include "durable/model/api_error.hpp"

namespace durable::lambda {
namespace {

using ::testing::HasSubstr;

constexpr const char* kArn =
    "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/run-1/exec-1";

std::string envelope(const std::string& input_payload) {
  DurableExecutionInvocationInput in;
  in.durable_execution_arn = kArn;
  in.checkpoint_token = "token-1";
  Operation op;
  op.id = "exec-1";
  op.type = OperationType::Execution;
  op.status = OperationStatus::Started;
  op.execution_details = ExecutionDetails{input_payload};
  in.initial_execution_state.operations.push_back(op);
  return Json(in).dump();
}

struct Post {
  std::string path;
  std::string body;
  std::string error_type;
};

// A Runtime API that hands out queued events and records what the loop posts. /next answers 410
// once the queue is empty, which makes the loop exit.
class FakeRuntimeApi {
 public:
  FakeRuntimeApi() {
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard lock(mu_);
                  if (events_.empty()) {
                    res.status = 410;
                    res.set_content("{\"errorMessage\":\"no more events\"}", "application/json");
                    return;
                  }
                  auto [id, body] = events_.front();
                  events_.pop_front();
                  res.set_header("Lambda-Runtime-Aws-Request-Id", id);
                  res.set_header("Lambda-Runtime-Deadline-Ms", "4102444800000");
                  res.set_header("Lambda-Runtime-Trace-Id", "Root=1-trace-" + id);
                  res.set_content(body, "application/json");
                });
    server_.Post(R"(/2018-06-01/runtime/.*)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard lock(mu_);
                   posts_.push_back(
                       {req.path, req.body, req.get_header_value("Lambda-Runtime-Function-Error-Type")});
                   res.status = refuse_responses_ && req.path.ends_with("/response") ? 413 : 202;
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRuntimeApi() {
    server_.stop();
    thread_.join();
  }
  void queue(std::string id, std::string body) {
    std::lock_guard lock(mu_);
    events_.emplace_back(std::move(id), std::move(body));
  }
  std::vector<Post> posts() const {
    std::lock_guard lock(mu_);
    return posts_;
  }
  void refuse_responses() { refuse_responses_ = true; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::deque<std::pair<std::string, std::string>> events_;
  std::vector<Post> posts_;
  std::atomic<bool> refuse_responses_{false};
};

// Checkpoints succeed with a fresh token, or fail with `error` when set.
class FakeCheckpointClient final : public CheckpointClient {
 public:
  explicit FakeCheckpointClient(std::optional<ApiError> error = std::nullopt)
      : error_(std::move(error)) {}
  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest&) override {
    if (error_) throw *error_;
    CheckpointDurableExecutionResponse res;
    res.checkpoint_token = "token-" + std::to_string(++calls_);
    return res;
  }
  GetDurableExecutionStateResponse get_state(const GetDurableExecutionStateRequest&) override {
    if (error_) throw *error_;
    return {};
  }

 private:
  std::optional<ApiError> error_;
  int calls_ = 0;
};

RuntimeOptions options_for(const FakeRuntimeApi& api, std::optional<ApiError> error = std::nullopt) {
  RuntimeOptions o;
  o.runtime_api = api.address();
  o.make_client = [error] { return std::make_unique<FakeCheckpointClient>(error); };
  o.invocation.log_sink = [](std::string_view) {};
  return o;
}

// Runs the loop on another thread with a bound: a hang fails the test instead of blocking ctest.
int run_bounded(const Handler& handler, const RuntimeOptions& options) {
  auto result = std::async(std::launch::async, [&] { return run(handler, options); });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "the runtime loop did not return within 10 s";
    std::abort();  // a detached loop would outlive the test's objects
  }
  return result.get();
}

Json echo(const Json& event, DurableContext&) { return Json{{"echo", event}}; }

TEST(RuntimeLoop, AnswersEachEventOnResponseAndExitsWhenNextFails) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{\"x\":1}"));
  api.queue("req-2", envelope("{\"x\":2}"));
  EXPECT_EQ(run_bounded(echo, options_for(api)), 1);
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  auto out = Json::parse(posts[0].body);
  EXPECT_EQ(out.at("Status"), "SUCCEEDED");
  EXPECT_EQ(Json::parse(out.at("Result").get<std::string>()), (Json{{"echo", {{"x", 1}}}}));
  EXPECT_EQ(posts[1].path, "/2018-06-01/runtime/invocation/req-2/response");
}

TEST(RuntimeLoop, PublishesEachEventsTraceId) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  api.queue("req-2", envelope("{}"));
  Handler trace = [](const Json&, DurableContext&) -> Json {
    const char* id = std::getenv("_X_AMZN_TRACE_ID");
    return id == nullptr ? Json() : Json(id);
  };
  run_bounded(trace, options_for(api));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(Json::parse(posts[0].body).at("Result"), "\"Root=1-trace-req-1\"");
  EXPECT_EQ(Json::parse(posts[1].body).at("Result"), "\"Root=1-trace-req-2\"");
}

TEST(RuntimeLoop, StopsAfterMaxInvocationsWithStatusZero) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  api.queue("req-2", envelope("{}"));
  auto o = options_for(api);
  o.max_invocations = 1;
  EXPECT_EQ(run_bounded(echo, o), 0);
  EXPECT_EQ(api.posts().size(), 1u);
}

TEST(RuntimeLoop, HandlerExceptionIsAFailedOutputOnResponse) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  Handler throws = [](const Json&, DurableContext&) -> Json {
    throw std::invalid_argument("order has no items");
  };
  run_bounded(throws, options_for(api));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_THAT(posts[0].path, HasSubstr("/req-1/response"));
  auto out = Json::parse(posts[0].body);
  EXPECT_EQ(out.at("Status"), "FAILED");
  EXPECT_EQ(out.at("Error").at("ErrorMessage"), "order has no items");
}

TEST(RuntimeLoop, BytesThatAreNotUtf8NeverStopTheLoop) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  api.queue("req-2", "not json \xff\xfe");  // the parse error quotes these bytes
  Handler throws = [](const Json&, DurableContext&) -> Json {
    throw std::runtime_error("bad byte \xff here");
  };
  EXPECT_EQ(run_bounded(throws, options_for(api)), 1);  // ends only when /next fails
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_THAT(posts[0].path, HasSubstr("/req-1/response"));
  auto out = Json::parse(posts[0].body);
  EXPECT_EQ(out.at("Status"), "FAILED");
  EXPECT_EQ(out.at("Error").at("ErrorMessage"), "bad byte \xEF\xBF\xBD here");
  EXPECT_THAT(posts[1].path, HasSubstr("/req-2/error"));
  EXPECT_TRUE(Json::accept(posts[1].body)) << posts[1].body;
}

TEST(RuntimeLoop, EventThatIsNotJsonGoesToError) {
  FakeRuntimeApi api;
  api.queue("req-1", "this is not json");
  run_bounded(echo, options_for(api));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/invocation/req-1/error");
  EXPECT_EQ(posts[0].error_type, "Runtime.InvalidDurableEnvelope");
  auto body = Json::parse(posts[0].body);
  EXPECT_EQ(body.at("errorType"), "Runtime.InvalidDurableEnvelope");
  EXPECT_THAT(body.at("errorMessage").get<std::string>(), HasSubstr("not a durable invocation"));
  EXPECT_TRUE(body.at("stackTrace").is_array());
}

TEST(RuntimeLoop, EnvelopeWithoutCheckpointTokenGoesToErrorNamingTheField) {
  FakeRuntimeApi api;
  api.queue("req-1", R"({"DurableExecutionArn":"arn:x"})");
  api.queue("req-2", "[1,2,3]");
  run_bounded(echo, options_for(api));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_THAT(posts[0].path, HasSubstr("/req-1/error"));
  EXPECT_THAT(posts[0].body, HasSubstr("CheckpointToken"));
  EXPECT_THAT(posts[1].path, HasSubstr("/req-2/error"));
  EXPECT_THAT(posts[1].body, HasSubstr("array instead of an object"));
}

TEST(RuntimeLoop, RetryableServiceFailureGoesToErrorWithItsCode) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  Handler with_step = [](const Json&, DurableContext& context) -> Json {
    return context.step([](StepContext&) { return 1; }, "one");
  };
  run_bounded(with_step,
              options_for(api, ApiError("ServiceException", 500, "the service is unavailable")));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_THAT(posts[0].path, HasSubstr("/req-1/error"));
  EXPECT_EQ(posts[0].error_type, "ServiceException");
  EXPECT_THAT(posts[0].body, HasSubstr("the service is unavailable"));
}

TEST(RuntimeLoop, RefusedResponseIsFollowedByAnError) {
  FakeRuntimeApi api;
  api.refuse_responses();
  api.queue("req-1", envelope("{}"));
  run_bounded(echo, options_for(api));
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_THAT(posts[0].path, HasSubstr("/req-1/response"));
  EXPECT_THAT(posts[1].path, HasSubstr("/req-1/error"));
  EXPECT_EQ(posts[1].error_type, "Runtime.ResponseRefused");
  EXPECT_THAT(posts[1].body, HasSubstr("413"));
}

TEST(RuntimeLoop, ClientFactoryFailureIsAnInitError) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope("{}"));
  auto o = options_for(api);
  o.make_client = []() -> std::unique_ptr<CheckpointClient> {
    throw std::runtime_error("AWS_REGION is not set");
  };
  EXPECT_EQ(run_bounded(echo, o), 1);
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(posts[0].error_type, "Runtime.InitError");
  EXPECT_THAT(posts[0].body, HasSubstr("AWS_REGION is not set"));
}

TEST(RuntimeLoop, EmptyHandlerIsAnInitError) {
  FakeRuntimeApi api;
  EXPECT_EQ(run_bounded(Handler{}, options_for(api)), 1);
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_THAT(posts[0].body, HasSubstr("the handler is empty"));
}

TEST(RuntimeLoop, UnreachableRuntimeApiEndsTheLoop) {
  // Bind a socket without listening, read its port, close it: nothing listens there.
  int port = 0;
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  RuntimeOptions o;
  o.runtime_api = "127.0.0.1:" + std::to_string(port);
  o.make_client = [] { return std::make_unique<FakeCheckpointClient>(); };
  o.connect_timeout = std::chrono::milliseconds(500);
  EXPECT_EQ(run_bounded(echo, o), 1);
}

TEST(RuntimeLoop, MalformedOrMissingRuntimeApiAddressExitsWithOne) {
  RuntimeOptions o;
  o.make_client = [] { return std::make_unique<FakeCheckpointClient>(); };
  for (const char* bad : {"localhost", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", ":9001"}) {
    o.runtime_api = bad;
    EXPECT_EQ(run_bounded(echo, o), 1) << bad;
  }
  o.runtime_api.clear();
  ::unsetenv("AWS_LAMBDA_RUNTIME_API");
  EXPECT_EQ(run_bounded(echo, o), 1);
}

struct Order {
  std::string id;
  int quantity = 0;
};
void from_json(const Json& j, Order& o) {
  j.at("id").get_to(o.id);
  j.at("quantity").get_to(o.quantity);
}
std::string typed_handler(const Order& order, DurableContext&) {
  return order.id + " x" + std::to_string(order.quantity);
}

TEST(RuntimeLoop, TypedHandlerConvertsTheEventAndTheResult) {
  FakeRuntimeApi api;
  api.queue("req-1", envelope(R"({"id":"o-7","quantity":3})"));
  api.queue("req-2", envelope(R"({"id":"o-8"})"));
  auto o = options_for(api);
  auto result = std::async(std::launch::async, [&] { return run(typed_handler, o); });
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto posts = api.posts();
  ASSERT_EQ(posts.size(), 2u);
  auto first = Json::parse(posts[0].body);
  EXPECT_EQ(first.at("Status"), "SUCCEEDED");
  EXPECT_EQ(first.at("Result"), "\"o-7 x3\"");
  // An event the type cannot hold fails the execution like any handler exception.
  EXPECT_EQ(Json::parse(posts[1].body).at("Status"), "FAILED");
}

}  // namespace
}  // namespace durable::lambda
