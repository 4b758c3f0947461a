// Runtime functions whose handler processes the emulator starts itself (--function
// NAME=COMMAND): Lambda's environment, one queue per function, death -> Runtime.ExitError and a
// restart, scale-out up to the concurrency, a back-off for a crashing command, everything
// stopped and reaped on shutdown. The processes are tests/http/runtime_stub.cpp.
#include <gtest/gtest.h>
#include <gmock/gmock.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"

#ifndef RUNTIME_STUB_PATH
#error "RUNTIME_STUB_PATH must name the runtime_stub executable"
#endif

namespace durable::emulator {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr auto kPatience = std::chrono::seconds(30);

std::string stub(const std::string& args) {
  return std::string("'") + RUNTIME_STUB_PATH + "' " + args;
}

// A fresh directory under the system's temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("durable-supervisor-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str(const std::string& leaf = "") const { return (path_ / leaf).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

bool alive(int pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

class SupervisorTest : public ::testing::Test {
 protected:
  void make_server(ServiceOptions options = {}) {
    options.max_consecutive_invocation_failures = 3;
    options.invocation_retry_delay = std::chrono::milliseconds(50);
    service_ = std::make_unique<Service>(std::make_shared<SystemClock>(), options);
    server_ = std::make_unique<HttpServer>(*service_, registry_);
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  RuntimeFunctionOptions with_command(const std::string& command, int concurrency = 1) {
    RuntimeFunctionOptions o;
    o.timeout = std::chrono::seconds(30);
    o.command = command;
    o.concurrency = concurrency;
    return o;
  }

  std::string start(const std::string& function) {
    StartExecutionRequest request;
    request.function_name = function;
    return service_->start_execution(request).durable_execution_arn;
  }

  GetDurableExecutionResponse wait_terminal(const std::string& arn) {
    const auto until = std::chrono::steady_clock::now() + kPatience;
    auto e = service_->get_execution({arn});
    while (!is_terminal(e.status) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      e = service_->get_execution({arn});
    }
    return e;
  }

  // The JSON string result of a succeeded execution.
  std::string result_of(const std::string& arn) {
    auto e = wait_terminal(arn);
    EXPECT_EQ(e.status, ExecutionStatus::Succeeded) << service_->describe_waiting(arn);
    if (!e.result) return "";
    Json j = Json::parse(*e.result);
    return j.is_string() ? j.get<std::string>() : j.dump();
  }

  FunctionRegistry registry_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(SupervisorTest, StartedProcessGetsLambdasEnvironment) {
  make_server();
  auto options = with_command(stub("env"));
  options.memory_size_mb = 512;
  server_->add_runtime_function("envfn", options);
  server_->start();
  Json vars = Json::parse(result_of(start("envfn")));
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_NAME"], "envfn");
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
  EXPECT_EQ(vars["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "512");
  EXPECT_EQ(vars["AWS_REGION"], "us-east-1");
  EXPECT_EQ(vars["AWS_ENDPOINT_URL_LAMBDA"],
            "http://127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_THAT(vars["AWS_LAMBDA_RUNTIME_API"].get<std::string>(), StartsWith("127.0.0.1:"));
  EXPECT_FALSE(vars["AWS_ACCESS_KEY_ID"].get<std::string>().empty());
  EXPECT_FALSE(vars["AWS_SECRET_ACCESS_KEY"].get<std::string>().empty());
}

TEST_F(SupervisorTest, EachFunctionsInvocationsReachOnlyItsOwnProcesses) {
  make_server();
  server_->add_runtime_function("alpha", with_command(stub("echo")));
  server_->add_runtime_function("beta", with_command(stub("echo")));
  server_->start();
  std::vector<std::pair<std::string, std::string>> arns;
  for (int i = 0; i < 4; ++i) {
    arns.emplace_back("alpha", start("alpha"));
    arns.emplace_back("beta", start("beta"));
  }
  for (const auto& [function, arn] : arns) {
    EXPECT_THAT(result_of(arn), StartsWith(function + ":")) << arn;
  }
}

TEST_F(SupervisorTest, ADeadProcessFailsItsInvocationWithExitErrorAndIsRestarted) {
  TempDir dir;
  make_server();
  server_->add_runtime_function("dies", with_command(stub("die-once '" + dir.str("marker") + "'")));
  server_->start();
  const std::string arn = start("dies");
  const std::string answered_by = result_of(arn);
  std::ifstream marker(dir.str("marker"));
  std::string first_pid;
  marker >> first_pid;
  ASSERT_FALSE(first_pid.empty());
  EXPECT_EQ(answered_by.rfind("dies:", 0), 0u);
  EXPECT_NE(answered_by, "dies:" + first_pid);  // a new process answered the retry
  GetDurableExecutionHistoryRequest request;
  request.durable_execution_arn = arn;
  request.include_execution_data = true;
  Json events = Json(service_->get_history(request)).at("Events");
  int exit_errors = 0;
  for (const auto& event : events) {
    if (event.at("EventType") != "InvocationCompleted") continue;
    const auto details = event.at("InvocationCompletedDetails");
    if (details.contains("Error") &&
        details.at("Error").at("Payload").at("ErrorType") == "Runtime.ExitError") {
      ++exit_errors;
      EXPECT_THAT(details.at("Error").at("Payload").at("ErrorMessage").get<std::string>(),
                  HasSubstr("exit status 3"));
    }
  }
  EXPECT_EQ(exit_errors, 1) << events.dump(1);
}

TEST_F(SupervisorTest, QueuedInvocationsStartMoreProcessesUpToTheConcurrency) {
  TempDir dir;
  make_server();
  // Each process holds its invocation until three processes hold one: only three processes at
  // once can answer before the stub's own 20 s limit.
  server_->add_runtime_function("wide", with_command(stub("hold '" + dir.str() + "' 3"), 3));
  server_->start();
  std::vector<std::string> arns;
  for (int i = 0; i < 3; ++i) arns.push_back(start("wide"));
  std::set<std::string> answered_by;
  for (const auto& arn : arns) answered_by.insert(result_of(arn));
  EXPECT_EQ(answered_by.size(), 3u);
  EXPECT_LE(server_->runtime_process_ids("wide").size(), 3u);
}

TEST_F(SupervisorTest, ACrashingCommandIsRestartedWithBackOff) {
  TempDir dir;
  make_server();
  server_->add_runtime_function("crashy",
                                with_command("echo x >> '" + dir.str("starts") + "'; exit 1"));
  server_->start();
  const auto count = [&] {
    std::ifstream starts(dir.str("starts"));
    int lines = 0;
    for (std::string line; std::getline(starts, line);) ++lines;
    return lines;
  };
  // Restarted: a second start comes (bounded wait).
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (count() < 2 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(count(), 2);
  // Backed off: over the next 1.5 s at most a handful more (the back-off doubles from 200 ms
  // now), where an unthrottled restart loop would start hundreds. A slow machine only starts
  // fewer.
  const int before = count();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_LE(count() - before, 5);
}

TEST_F(SupervisorTest, InitErrorsOfStartedProcessesAreRecorded) {
  make_server();
  server_->add_runtime_function("noinit", with_command(stub("init-error")));
  server_->start();
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (server_->runtime_init_errors().empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(server_->runtime_init_errors().empty());
  EXPECT_EQ(server_->runtime_init_errors().front(), "Runtime.InitError: stub refused to start");
}

TEST_F(SupervisorTest, StopEndsEveryProcessEvenOneIgnoringSigterm) {
  make_server();
  // The shell and its sleep ignore SIGTERM: only the SIGKILL after the grace period ends them.
  server_->add_runtime_function("stubborn", with_command("trap '' TERM; sleep 60; :"));
  server_->add_runtime_function("polite", with_command(stub("echo")));
  server_->start();
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while ((server_->runtime_process_ids("stubborn").empty() ||
          server_->runtime_process_ids("polite").empty()) &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<int> pids = server_->runtime_process_ids("stubborn");
  for (int pid : server_->runtime_process_ids("polite")) pids.push_back(pid);
  ASSERT_EQ(pids.size(), 2u);
  // Let the shell install its trap before the signal.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server_->stop();
  for (int pid : pids) EXPECT_FALSE(alive(pid)) << pid;
  EXPECT_TRUE(server_->runtime_process_ids("stubborn").empty());
}

TEST_F(SupervisorTest, BadFunctionOptionsAreRefused) {
  make_server();
  EXPECT_THROW(server_->add_runtime_function("x", with_command(stub("echo"), 0)),
               std::invalid_argument);
  EXPECT_THROW(server_->add_runtime_function("x", with_command(stub("echo"), 1001)),
               std::invalid_argument);
  auto small = with_command(stub("echo"));
  small.memory_size_mb = 64;
  EXPECT_THROW(server_->add_runtime_function("x", small), std::invalid_argument);
  EXPECT_THROW(server_->add_runtime_function("bad name", with_command(stub("echo"))),
               std::invalid_argument);
  server_->add_runtime_function("x", with_command(stub("echo")));
  EXPECT_THROW(server_->add_runtime_function("x", with_command(stub("echo"))),
               std::invalid_argument);
}

}  // namespace
}  // namespace durable::emulator
