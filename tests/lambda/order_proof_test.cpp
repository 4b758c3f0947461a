// The order workflow three ways — in-process DurableRunner, the durable-order-handler process
// against the HTTP emulator's Runtime API, and the bootstrap of its packaged Lambda zip against
// the same — must end with the same result and the same history, up to ids and timestamps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"
#include "durable/testing.hpp"
#include "order_workflow.hpp"

extern char** environ;

namespace durable {
namespace {

namespace fs = std::filesystem;
constexpr const char* kFunction = "process-order";
// Longer than the workflow's two-day shipping window, the same on every path.
constexpr std::chrono::seconds kExecutionTimeout{7 * 24 * 3600};

Json order_input() {
  return Json{{"order_id", "order-123"},
              {"amount", 99.5},
              {"items", Json::array({{{"sku", "book"}, {"quantity", 2}},
                                     {{"sku", "lamp"}, {"quantity", 1}}})}};
}

// Drops what legitimately differs between runs: ids, ARNs, request ids, timestamps, durations.
Json normalize(const Json& j) {
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& e : j) out.push_back(normalize(e));
    return out;
  }
  if (!j.is_object()) return j;
  Json out = Json::object();
  for (const auto& [key, value] : j.items()) {
    if (key == "Id" || key == "EventId" || key == "ParentId" || key == "RequestId" ||
        key.ends_with("Arn") || key.ends_with("Timestamp") || key.ends_with("Duration")) {
      continue;
    }
    out[key] = normalize(value);
  }
  return out;
}

struct Outcome {
  ExecutionStatus status = ExecutionStatus::Running;
  std::string result;
  Json history;  // normalized events
};

Outcome in_process() {
  testing::DurableRunner runner(example::process_order, {.function_name = kFunction});
  auto r = runner.run(order_input(), {.execution_timeout = kExecutionTimeout});
  return Outcome{r.execution_status(), r.result().dump(),
                 normalize(r.history_json().at("Events"))};
}

// A child process, killed (if still there) and reaped when this goes out of scope.
class ChildProcess {
 public:
  // `stdout_path`: a file that receives the child's standard output; empty: inherited.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
               const std::string& stdout_path = {}) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!stdout_path.empty()) {
      posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  void terminate() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
  }
  ~ChildProcess() {
    if (pid_ <= 0) return;
    if (!wait_exit(std::chrono::seconds(3))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Waits up to `limit` for the process to end; its exit status is then in exit_status().
  bool wait_exit(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return true;
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  int exit_status() const { return exit_status_; }

 private:
  pid_t pid_ = -1;
  int exit_status_ = -2;
};

// Runs the workflow through the emulator's Runtime API with the handler process `argv`.
Outcome against_emulator(const std::vector<std::string>& argv) {
  emulator::Service service(std::make_shared<emulator::VirtualClock>());
  emulator::FunctionRegistry registry;
  emulator::HttpServer server(service, registry);
  server.add_runtime_function(kFunction, std::chrono::seconds(10), kExecutionTimeout);
  server.start();
  const std::string here = "127.0.0.1:" + std::to_string(server.port());
  Outcome outcome;
  {
    ChildProcess handler(argv, {"AWS_LAMBDA_RUNTIME_API=" + here,
                                "AWS_ENDPOINT_URL_LAMBDA=http://" + here,
                                "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
                                "AWS_SECRET_ACCESS_KEY=secret", "AWS_SESSION_TOKEN="});
    EXPECT_TRUE(handler.started()) << argv[0];
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(std::chrono::seconds(5));
    auto invoked = client.Post("/2015-03-31/functions/process-order/invocations",
                               {{"X-Amz-Invocation-Type", "Event"}}, order_input().dump(),
                               "application/json");
    EXPECT_TRUE(invoked);
    if (!invoked) return outcome;
    EXPECT_EQ(invoked->status, 202);
    const std::string arn = invoked->get_header_value("X-Amz-Durable-Execution-Arn");
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    GetDurableExecutionResponse execution;
    do {
      execution = service.get_execution(GetDurableExecutionRequest{arn});
      if (is_terminal(execution.status)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < until);
    outcome.status = execution.status;
    outcome.result = execution.result ? Json::parse(*execution.result).dump() : "";
    GetDurableExecutionHistoryRequest history;
    history.durable_execution_arn = arn;
    history.include_execution_data = true;
    history.max_items = 1000;
    outcome.history = normalize(Json(service.get_history(history)).at("Events"));
    // With the server gone, /next fails and the loop exits by itself.
    server.stop();
    EXPECT_TRUE(handler.wait_exit(std::chrono::seconds(5))) << "the handler process did not exit";
    EXPECT_EQ(handler.exit_status(), 1);
    EXPECT_TRUE(server.runtime_init_errors().empty());
  }
  return outcome;
}

void expect_same(const Outcome& expected, const Outcome& actual) {
  EXPECT_EQ(actual.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.result, expected.result);
  EXPECT_EQ(actual.history.size(), expected.history.size());
  EXPECT_EQ(actual.history, expected.history)
      << "expected:\n" << expected.history.dump(1) << "\nactual:\n" << actual.history.dump(1);
}

TEST(OrderWorkflowThreeWays, InProcessRunnerSucceeds) {
  auto expected = in_process();
  EXPECT_EQ(expected.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(Json::parse(expected.result).at("tracking"), "TRACK-order-123");
  // The retry and the two-day wait each end an invocation.
  EXPECT_GE(expected.history.size(), 10u);
}

TEST(OrderWorkflowThreeWays, HandlerProcessAgainstTheHttpEmulator) {
  expect_same(in_process(), against_emulator({DURABLE_ORDER_HANDLER}));
}

TEST(OrderWorkflowThreeWays, PackagedBootstrapAgainstTheHttpEmulator) {
  char pattern[] = "/tmp/durable-zip-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  {
    ChildProcess unpack({DURABLE_CMAKE_COMMAND, "-E", "chdir", dir.string(), DURABLE_CMAKE_COMMAND,
                         "-E", "tar", "xf", DURABLE_ORDER_HANDLER_ZIP},
                        {});
    ASSERT_TRUE(unpack.wait_exit(std::chrono::seconds(20)));
    ASSERT_EQ(unpack.exit_status(), 0);
  }
  const fs::path bootstrap = dir / "bootstrap";
  ASSERT_TRUE(fs::exists(bootstrap));
  EXPECT_NE(fs::status(bootstrap).permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_TRUE(fs::exists(dir / "bin" / "durable-order-handler"));
  // Only libraries the Lambda OS image does not provide are bundled.
  bool has_libstdcxx = false;
  for (const auto& entry : fs::directory_iterator(dir / "lib")) {
    const auto name = entry.path().filename().string();
    EXPECT_FALSE(name.starts_with("libc.so") || name.starts_with("ld-linux") ||
                 name.starts_with("libm.so"))
        << name;
    has_libstdcxx = has_libstdcxx || name.starts_with("libstdc++");
  }
  EXPECT_TRUE(has_libstdcxx);
  expect_same(in_process(), against_emulator({bootstrap.string()}));
  fs::remove_all(dir);
}

TEST(OrderWorkflowThreeWays, EmulatorToolServesARuntimeFunction) {
  char pattern[] = "/tmp/durable-emulator-out-XXXXXX";
  const int fd = ::mkstemp(pattern);
  ASSERT_GE(fd, 0);
  ::close(fd);
  ChildProcess emulator({DURABLE_EMULATOR_TOOL, "--port", "0", "--skip-time", "--log-level",
                         "warn", "--runtime-function", kFunction, "--runtime-timeout", "10",
                         "--execution-timeout", std::to_string(kExecutionTimeout.count())},
                        {}, pattern);
  ASSERT_TRUE(emulator.started());
  int port = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (port == 0 && std::chrono::steady_clock::now() < until) {
    std::ifstream in(pattern);
    std::stringstream text;
    text << in.rdbuf();
    std::smatch m;
    const std::string out = text.str();
    if (std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"))) {
      port = std::stoi(m[1]);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  fs::remove(pattern);
  ASSERT_NE(port, 0) << "durable-emulator did not print its address";
  const std::string here = "127.0.0.1:" + std::to_string(port);
  ChildProcess handler({DURABLE_ORDER_HANDLER},
                       {"AWS_LAMBDA_RUNTIME_API=" + here, "AWS_ENDPOINT_URL_LAMBDA=http://" + here,
                        "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
                        "AWS_SECRET_ACCESS_KEY=secret"});
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(20));
  // A synchronous Invoke answers with the execution's result once the handler process is done.
  auto invoked = client.Post("/2015-03-31/functions/process-order/invocations",
                             order_input().dump(), "application/json");
  ASSERT_TRUE(invoked);
  EXPECT_EQ(invoked->status, 200);
  EXPECT_FALSE(invoked->has_header("X-Amz-Function-Error")) << invoked->body;
  EXPECT_EQ(Json::parse(invoked->body).dump(), in_process().result);
  emulator.terminate();
  EXPECT_TRUE(emulator.wait_exit(std::chrono::seconds(5)));
  EXPECT_EQ(emulator.exit_status(), 0);
  EXPECT_TRUE(handler.wait_exit(std::chrono::seconds(5)));
}

}  // namespace
}  // namespace durable
