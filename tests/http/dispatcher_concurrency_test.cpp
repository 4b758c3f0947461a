// The emulator's HTTP engine runs executions concurrently: a slow or hung handler (in-process or
// a runtime process) holds its own execution and nothing else, one execution never has two
// invocations running, and with skip-time an open callback holds back only its own execution's
// timers. Labelled `concurrency` (run under ThreadSanitizer in CI).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"

namespace durable::emulator {
namespace {

constexpr auto kPatience = std::chrono::seconds(20);

DurableExecutionInvocationOutput succeeded(const std::string& result) {
  DurableExecutionInvocationOutput out;
  out.status = InvocationStatus::Succeeded;
  out.result = result;
  return out;
}

const Operation* find_op(const DurableExecutionInvocationInput& in, const std::string& id) {
  for (const auto& op : in.initial_execution_state.operations) {
    if (op.id == id) return &op;
  }
  return nullptr;
}

const std::string& input_of(const DurableExecutionInvocationInput& in) {
  return *in.initial_execution_state.operations.at(0).execution_details->input_payload;
}

// Checkpoints one update straight into the Service.
void checkpoint(Service& service, const DurableExecutionInvocationInput& in, const Json& update) {
  auto request = Json{{"CheckpointToken", in.checkpoint_token},
                      {"Updates", Json::array({update})}}
                     .get<CheckpointDurableExecutionRequest>();
  request.durable_execution_arn = in.durable_execution_arn;
  service.checkpoint(request);
}

std::string start(Service& service, const std::string& function, const std::string& input = "{}") {
  StartExecutionRequest request;
  request.function_name = function;
  request.input = input;
  return service.start_execution(request).durable_execution_arn;
}

// Polls (bounded) until `arn` is terminal; its last state either way.
GetDurableExecutionResponse wait_terminal(Service& service, const std::string& arn) {
  const auto until = std::chrono::steady_clock::now() + kPatience;
  auto e = service.get_execution({arn});
  while (!is_terminal(e.status) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    e = service.get_execution({arn});
  }
  return e;
}

// A gate handlers wait on (bounded), opened by the test.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kPatience, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(DispatcherConcurrency, AHungRuntimeFunctionDoesNotStopOtherExecutions) {
  Service service(std::make_shared<SystemClock>());
  FunctionRegistry registry;
  registry.register_durable_function(
      "fast", [](const DurableExecutionInvocationInput&) { return succeeded("\"fast\""); });
  HttpServer server(service, registry);
  // Far longer than the test: before the dispatcher, every other execution waited for it.
  server.add_runtime_function("hung", std::chrono::minutes(5));
  server.start();
  const std::string hung = start(service, "hung");
  httplib::Client poller("127.0.0.1", server.runtime_api_port("hung"));
  poller.set_read_timeout(std::chrono::seconds(10));
  auto taken = poller.Get("/2018-06-01/runtime/invocation/next");  // held, never answered
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->status, 200);

  std::vector<std::string> arns;
  for (int i = 0; i < 4; ++i) arns.push_back(start(service, "fast"));
  for (const auto& arn : arns) {
    auto e = wait_terminal(service, arn);
    EXPECT_EQ(e.status, ExecutionStatus::Succeeded) << service.describe_waiting(arn);
  }
  EXPECT_EQ(service.get_execution({hung}).status, ExecutionStatus::Running);
  server.stop();
}

TEST(DispatcherConcurrency, InProcessHandlersOfDifferentExecutionsRunAtTheSameTime) {
  Service service(std::make_shared<SystemClock>());
  FunctionRegistry registry;
  Gate gate;
  std::atomic<bool> blocked_started{false};
  registry.register_durable_function("gated", [&](const DurableExecutionInvocationInput& in) {
    if (input_of(in) == "\"block\"") {
      blocked_started = true;
      if (!gate.wait()) return succeeded("\"gate never opened\"");
      return succeeded("\"released\"");
    }
    return succeeded("\"free\"");
  });
  HttpServer server(service, registry);
  server.start();
  const std::string blocked = start(service, "gated", "\"block\"");
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (!blocked_started && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(blocked_started);
  const std::string free = start(service, "gated", "\"free\"");
  auto e = wait_terminal(service, free);
  EXPECT_EQ(e.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(service.get_execution({blocked}).status, ExecutionStatus::Running);
  gate.open();
  EXPECT_EQ(wait_terminal(service, blocked).result.value_or(""), "\"released\"");
  server.stop();
}

// Many executions, each invoked several times (a wait per round); each records how many of its
// own invocations run at once, which must never exceed one.
TEST(DispatcherConcurrency, OneExecutionNeverHasTwoInvocationsRunning) {
  Service service(std::make_shared<VirtualClock>());
  FunctionRegistry registry;
  std::mutex mu;
  std::map<std::string, int> running;
  std::atomic<int> overlaps{0};
  std::atomic<int> peak{0};
  std::atomic<int> now_running{0};
  registry.register_durable_function("looper", [&](const DurableExecutionInvocationInput& in) {
    {
      std::lock_guard lock(mu);
      if (++running[in.durable_execution_arn] > 1) ++overlaps;
    }
    const int n = ++now_running;
    for (int p = peak.load(); n > p && !peak.compare_exchange_weak(p, n);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    DurableExecutionInvocationOutput out;
    int waited = 0;
    while (find_op(in, "w" + std::to_string(waited)) != nullptr) ++waited;
    if (waited < 3) {
      checkpoint(service, in,
                 {{"Id", "w" + std::to_string(waited)}, {"Type", "WAIT"}, {"Action", "START"},
                  {"WaitOptions", {{"WaitSeconds", 60}}}});
      out.status = InvocationStatus::Pending;
    } else {
      out = succeeded("3");
    }
    --now_running;
    std::lock_guard lock(mu);
    --running[in.durable_execution_arn];
    return out;
  });
  HttpServerOptions options;
  options.workers = 4;
  HttpServer server(service, registry, options);
  server.start();
  std::vector<std::string> arns;
  for (int i = 0; i < 12; ++i) arns.push_back(start(service, "looper"));
  for (const auto& arn : arns) {
    EXPECT_EQ(wait_terminal(service, arn).status, ExecutionStatus::Succeeded)
        << service.describe_waiting(arn);
  }
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_LE(peak.load(), 4);  // the worker pool is bounded
  server.stop();
}

// Skip-time: execution A holds an open callback (one-hour timeout), B waits a day. B's wait
// is skipped at once; A's callback is not timed out, and answering it finishes A.
TEST(DispatcherConcurrency, AnOpenCallbackHoldsBackOnlyItsOwnExecution) {
  auto clock = std::make_shared<VirtualClock>();
  Service service(clock);
  FunctionRegistry registry;
  registry.register_durable_function("approver", [&](const DurableExecutionInvocationInput& in) {
    const Operation* cb = find_op(in, "cb");
    if (cb == nullptr) {
      checkpoint(service, in,
                 {{"Id", "cb"}, {"Type", "CALLBACK"}, {"Action", "START"},
                  {"CallbackOptions", {{"TimeoutSeconds", 3600}}}});
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Pending;
      return out;
    }
    return succeeded("\"" + std::string(to_string(cb->status)) + "\"");
  });
  registry.register_durable_function("sleeper", [&](const DurableExecutionInvocationInput& in) {
    const Operation* w = find_op(in, "w");
    if (w == nullptr) {
      checkpoint(service, in,
                 {{"Id", "w"}, {"Type", "WAIT"}, {"Action", "START"},
                  {"WaitOptions", {{"WaitSeconds", 2 * 3600}}}});
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Pending;
      return out;
    }
    return succeeded("\"slept\"");
  });
  HttpServer server(service, registry);
  server.start();
  const std::string a = start(service, "approver");
  std::vector<CallbackInfo> callbacks;
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (callbacks.empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    callbacks = service.callbacks(a);
  }
  ASSERT_EQ(callbacks.size(), 1u);
  // B's two-hour wait ends after A's one-hour callback timeout: a jump would time A out.
  // So only a wait due before A's timers is skipped.
  const std::string b = start(service, "sleeper");
  // Not skipped past A's timeout: B is still waiting a little later, A's callback still open.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(service.callbacks(a).at(0).status, OperationStatus::Started);
  EXPECT_EQ(service.get_execution({b}).status, ExecutionStatus::Running);
  // C's 30-minute wait falls before A's timeout: it is jumped to at once.
  registry.register_durable_function("napper", [&](const DurableExecutionInvocationInput& in) {
    const Operation* w = find_op(in, "w");
    if (w == nullptr) {
      checkpoint(service, in,
                 {{"Id", "w"}, {"Type", "WAIT"}, {"Action", "START"},
                  {"WaitOptions", {{"WaitSeconds", 1800}}}});
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Pending;
      return out;
    }
    return succeeded("\"napped\"");
  });
  const std::string c = start(service, "napper");
  EXPECT_EQ(wait_terminal(service, c).result.value_or(""), "\"napped\"");
  EXPECT_EQ(service.callbacks(a).at(0).status, OperationStatus::Started);

  service.send_callback_success({callbacks.at(0).callback_id, "\"ok\""});
  EXPECT_EQ(wait_terminal(service, a).result.value_or(""), "\"SUCCEEDED\"");
  // With A closed, B's wait is skipped too.
  EXPECT_EQ(wait_terminal(service, b).result.value_or(""), "\"slept\"");
  server.stop();
}

}  // namespace
}  // namespace durable::emulator
