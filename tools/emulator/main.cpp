// durable-emulator: serves the durable execution API and Lambda Invoke over HTTP, hosting every
// conformance fixture handler as a durable function named by its requirement id ("1-1"), plus
// the target functions those handlers invoke.
//
//   durable-emulator --port 9014 [--host 127.0.0.1] [--skip-time] [--log-level info]
//                    [--function NAME=COMMAND]... [--concurrency N]
//                    [--runtime-function NAME]... [--runtime-timeout SECONDS]
//                    [--execution-timeout SECONDS] [--retain-executions N] [--workers N]
//                    [--store PATH] [--store-sync normal|full]
//
// With --store, executions live in an SQLite file and outlive the process: a restart on the same
// file (after a stop or a crash) resumes them (README "Keeping executions across restarts"). A
// store that cannot be used (locked by another emulator, newer schema, corrupt) is reported on
// stderr, naming the file, and the emulator exits with status 1.
//
// A --function is served by handler processes the emulator starts itself (`/bin/sh -c COMMAND`,
// restarted when they exit, up to --concurrency per function); a --runtime-function by
// processes someone else starts. Either way each function has its own Lambda Runtime API
// endpoint on its own loopback port, printed at start-up as one line per function:
//   runtime-api NAME HOST:PORT
// (the AWS_LAMBDA_RUNTIME_API of its processes, whose AWS_ENDPOINT_URL_LAMBDA is
// http://HOST:MAINPORT).
//
// Then prints "listening on http://HOST:PORT" once requests are accepted; SIGINT/SIGTERM stop
// it, and with it every process it started.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <pthread.h>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/emulator/service.hpp"
#include "durable/emulator/sqlite_store.hpp"
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/invocation.hpp"
#include "durable/logger.hpp"
#include "durable/plugin.hpp"
#include "durable/testing/conformance/handler_registry.hpp"
#include "service_checkpoint_client.hpp"

namespace {

using durable::emulator::FunctionRegistry;
using durable::emulator::Service;

// Fixture log lines (the SDK's and the plugins') go to stderr, as a Lambda function's go to its
// log stream: one whole line per write, flushed at once, so that an outside runner reading the
// emulator's output (durable-conformance --remote-logs) finds every line of an execution, and
// lines of concurrent executions never interleave. Not stdout: that stays the machine-readable
// start-up lines, which clients often read through a pipe they stop draining.
void write_log_line(std::string_view line) {
  static std::mutex mu;
  std::string text(line);
  text.push_back('\n');
  std::lock_guard lock(mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

// Runs `handler` as the in-process conformance runner does (durable_runner_backend.cpp): with
// the requirement's plugins and the SDK's debug-level log lines.
durable::emulator::DurableFunction wrap(durable::Handler handler, Service& service,
                                        std::vector<std::shared_ptr<durable::Plugin>> plugins) {
  return [handler = std::move(handler), &service,
          plugins = std::move(plugins)](const durable::DurableExecutionInvocationInput& in) {
    durable::tools::ServiceCheckpointClient client(service);
    durable::InvocationOptions options;
    options.request_id = service.in_flight_request_id(in.durable_execution_arn);
    options.log_level = durable::LogLevel::Debug;
    options.log_sink = write_log_line;
    options.plugins = plugins;
    return durable::run_invocation(handler, in, client, options);
  };
}

// Registers every fixture as the function named by its requirement id, with its requirement's
// settings: plugins, checkpoint faults (into every execution of that function, counted per
// execution) and ExecutionTimeout, plus the functions it invokes.
std::size_t register_fixtures(FunctionRegistry& registry, Service& service) {
  durable::testing::conformance::HandlerRegistry handlers;
  durable::fixtures::register_conformance_handlers(handlers);
  std::size_t count = 0;
  for (const auto& id : handlers.ids()) {
    const auto* entry = handlers.find(id);
    const auto& settings = entry->settings;
    durable::emulator::FunctionOptions options;
    options.timeout = settings.execution_timeout;
    registry.register_durable_function(id, wrap(entry->handler, service, settings.plugins),
                                       options);
    for (const auto& fault : settings.checkpoint_faults) {
      service.inject_function_checkpoint_fault(id, fault.k, fault.kind);
    }
    ++count;
    // The in-process runner gives its plugins to every durable function of the run.
    for (const auto& [name, handler] : settings.durable_functions) {
      registry.register_durable_function(name, wrap(handler, service, settings.plugins));
    }
    for (const auto& [name, target] : settings.plain_functions) {
      registry.register_function(name, target.function, target.options);
    }
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"durable-emulator: the durable execution service emulator over HTTP"};
  std::string host = "127.0.0.1";
  int port = 9014;
  bool skip_time = false;
  std::string log_level = "info";
  std::vector<std::string> runtime_functions;
  std::vector<std::string> supervised_functions;
  int concurrency = 4;
  std::size_t retain_executions = 10000;
  std::size_t workers = 8;
  double runtime_timeout_s = 900;
  std::int64_t execution_timeout_s = 0;
  std::string store_path;
  std::string store_sync = "normal";
  app.add_option("--host", host, "Address to listen on");
  app.add_option("--port", port, "Port to listen on (0: any free port)")->check(CLI::Range(0, 65535));
  app.add_flag("--skip-time", skip_time,
               "Virtual clock: jump to the next timer whenever nothing is running or ready; an open callback holds back only its own execution (time runs at real speed while the next timer is one of its execution's)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--runtime-function", runtime_functions,
                 "Serve this function through its own Lambda Runtime API endpoint, polled by "
                 "processes you start (repeatable)");
  app.add_option("--function", supervised_functions,
                 "NAME=COMMAND: serve NAME through its own Runtime API endpoint with processes "
                 "the emulator starts (/bin/sh -c COMMAND, with AWS_LAMBDA_RUNTIME_API, "
                 "AWS_ENDPOINT_URL_LAMBDA and Lambda's other variables), restarts when they "
                 "exit and stops on shutdown (repeatable)");
  app.add_option("--concurrency", concurrency,
                 "Most processes per --function at once (default 4); more start while invocations wait")
      ->check(CLI::Range(1, 1000));
  app.add_option("--retain-executions", retain_executions,
                 "Terminal executions kept (default 10000) before the earliest to have ended is "
                 "evicted (then GetDurableExecution answers 404); running ones are never evicted")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  app.add_option("--workers", workers,
                 "Threads running the in-process (fixture) functions (default 8); runtime "
                 "functions need none")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  app.add_option("--runtime-timeout", runtime_timeout_s,
                 "Seconds a runtime function's invocation may take (Lambda's function timeout)")
      ->check(CLI::Range(0.001, 900.0));
  app.add_option("--execution-timeout", execution_timeout_s,
                 "ExecutionTimeout in seconds of the runtime functions' executions (default 86400)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{31622400}));
  app.add_option("--store", store_path,
                 "SQLite file keeping executions across restarts (created when missing); "
                 "without it executions live in memory only");
  app.add_option("--store-sync", store_sync,
                 "normal (default): a commit survives the emulator dying; full: it survives a "
                 "power loss too (an fsync per commit)")
      ->check(CLI::IsMember({"normal", "full"}));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  // Block the stop signals before any thread starts so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::shared_ptr<durable::emulator::Clock> clock;
  if (skip_time) {
    clock = std::make_shared<durable::emulator::VirtualClock>();
  } else {
    clock = std::make_shared<durable::emulator::SystemClock>();
  }
  durable::emulator::ServiceOptions service_options;
  service_options.retain_executions = retain_executions;
  std::unique_ptr<Service> service_holder;
  try {
    if (!store_path.empty()) {
      durable::emulator::SqliteStoreOptions sqlite_options;
      sqlite_options.synchronous_full = store_sync == "full";
      service_options.store =
          std::make_shared<durable::emulator::SqliteStore>(store_path, sqlite_options);
    }
    service_holder = std::make_unique<Service>(clock, service_options);
  } catch (const durable::emulator::StoreError& e) {
    // stderr, not the log: stdout carries only the machine-readable start-up lines.
    std::fprintf(stderr, "durable-emulator: %s\n", e.what());
    return 1;
  }
  Service& service = *service_holder;
  FunctionRegistry registry;
  std::size_t count = 0;
  try {
    count = register_fixtures(registry, service);
  } catch (const std::exception& e) {
    spdlog::error("cannot register the fixture functions: {}", e.what());
    return 1;
  }
  durable::emulator::HttpServerOptions options;
  options.host = host;
  options.port = port;
  options.workers = workers;
  durable::emulator::HttpServer server(service, registry, options);
  try {
    durable::emulator::RuntimeFunctionOptions runtime_options;
    runtime_options.timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(runtime_timeout_s * 1000.0));
    if (execution_timeout_s > 0) {
      runtime_options.execution_timeout = std::chrono::seconds(execution_timeout_s);
    }
    runtime_options.concurrency = concurrency;
    for (const auto& name : runtime_functions) server.add_runtime_function(name, runtime_options);
    for (const auto& spec : supervised_functions) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
        spdlog::error("--function takes NAME=COMMAND, got '{}'", spec);
        return 2;
      }
      auto supervised = runtime_options;
      supervised.command = spec.substr(eq + 1);
      server.add_runtime_function(spec.substr(0, eq), supervised);
    }
    server.start();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  // Machine-readable: one line per runtime function, before the "listening" line.
  for (const auto& name : server.runtime_function_names()) {
    std::printf("runtime-api %s %s:%d\n", name.c_str(), host.c_str(),
                server.runtime_api_port(name));
  }
  spdlog::info("{} fixture functions registered; clock: {}; executions: {}", count,
               skip_time ? "virtual (skip-time)" : "system",
               store_path.empty() ? std::string("in memory")
                                  : "SQLite store " + store_path + " (" +
                                        std::to_string(service.execution_count()) + " loaded)");
  std::printf("listening on http://%s:%d\n", host.c_str(), server.port());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {} received, stopping", received);
  server.stop();
  return 0;
}
