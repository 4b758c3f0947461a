// durable-bench: the reference workloads of shared/bench/peers, written with this SDK and run by
// DurableRunner (virtual clock, in-process emulator). Prints one JSON line per run:
//   {"workload", "n", "wall_ms", "result", "operations", "invocations", "checkpoints"}
// Compare whole-process time with the TypeScript peer (shared/bench/peers/run-js-peer.sh) on the
// same machine in the same session.
// `--workload replay --n N --every K` adds "every", "replayed_operations" and
// "us_per_replayed_operation" (see run_replay).
// The program exits without tearing down the last run's runner (its emulator, operations and
// histories) or the SDK's parked worker threads: after the last JSON line is flushed it calls
// std::_Exit, as a command-line tool that frees nothing at exit may. Freeing ~2 MB of small
// objects at exit is work the peer's whole-process time does not do either (Node exits without
// collecting its heap). A run's runner is destroyed before the next run starts, outside wall_ms.
// `--workload http --n N --connections C [--store PATH]` measures the emulator's checkpoint API
// over HTTP instead: this program then runs durable-bench-http (http_main.cpp, next to it) with
// the same arguments, so that the in-process workloads' program never loads cpp-httplib, OpenSSL
// or SQLite.
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "durable/durable.hpp"
#include "durable/testing.hpp"

namespace {

using durable::DurableContext;
using durable::Json;
using durable::StepContext;

using durable::testing::DurableRunner;

// Where a run leaves its runner: main destroys it before the next run, and not at all after the
// last one (see the comment at the top).
using RunnerSlot = std::optional<DurableRunner>;

struct Outcome {
  Json result;
  std::size_t operations = 0;
  std::size_t invocations = 0;
  std::size_t checkpoints = 0;  // CheckpointDurableExecution requests
  bool ok = false;
};

// steps: N sequential steps (step i returns i), then one 24-hour wait; returns the sum.
Outcome run_steps(RunnerSlot& slot, int n) {
  DurableRunner& runner = slot.emplace([n](const Json&, DurableContext& ctx) -> Json {
    std::int64_t acc = 0;
    for (int i = 0; i < n; ++i) {
      acc += ctx.step([i](StepContext&) { return static_cast<std::int64_t>(i); },
                      "s" + std::to_string(i));
    }
    ctx.wait(durable::Duration::from_hours(24));
    return acc;
  });
  auto r = runner.run(Json::object());
  return {r.result(), r.operation_count(), r.invocation_count(), r.checkpoint_request_count(),
          r.execution_status() == durable::ExecutionStatus::Succeeded};
}

// waits: N times a step returning i then a 1-hour wait named w<i>; returns the sum (N suspensions
// and replays).
Outcome run_waits(RunnerSlot& slot, int n) {
  DurableRunner& runner = slot.emplace([n](const Json&, DurableContext& ctx) -> Json {
    std::int64_t acc = 0;
    for (int i = 0; i < n; ++i) {
      acc += ctx.step([i](StepContext&) { return static_cast<std::int64_t>(i); },
                      "s" + std::to_string(i));
      ctx.wait(durable::Duration::from_hours(1), "w" + std::to_string(i));
    }
    return acc;
  });
  auto r = runner.run(Json::object());
  return {r.result(), r.operation_count(), r.invocation_count(), r.checkpoint_request_count(),
          r.execution_status() == durable::ExecutionStatus::Succeeded};
}

// replay: N sequential steps with a 1-hour wait after every K of them, so the execution is
// re-invoked N/K times and each invocation replays every operation before it. Total work is
// quadratic in N by design; `replayed_operations` counts the operations the invocations found in
// their initial state, and wall time per replayed operation stays flat when replay is linear.
Outcome run_replay(RunnerSlot& slot, int n, int every) {
  DurableRunner& runner = slot.emplace([n, every](const Json&, DurableContext& ctx) -> Json {
    std::int64_t acc = 0;
    for (int i = 0; i < n; ++i) {
      acc += ctx.step([i](StepContext&) { return static_cast<std::int64_t>(i); },
                      "s" + std::to_string(i));
      if ((i + 1) % every == 0) ctx.wait(durable::Duration::from_hours(1));
    }
    return acc;
  });
  auto r = runner.run(Json::object());
  return {r.result(), r.operation_count(), r.invocation_count(), r.checkpoint_request_count(),
          r.execution_status() == durable::ExecutionStatus::Succeeded &&
              r.result() == Json(static_cast<std::int64_t>(n) * (n - 1) / 2)};
}

// Operations found in the initial state, summed over the invocations of run_replay(n, every):
// invocation j (from 0) starts after j waits, with the execution operation and j * (every + 1)
// steps and waits.
std::size_t replayed_operations(int n, int every) {
  std::size_t total = 0;
  const int waits = n / every;
  for (int j = 0; j <= waits; ++j) {
    total += 1 + static_cast<std::size_t>(j) * static_cast<std::size_t>(every + 1);
  }
  return total;
}

// many: N separate executions of: step a = x+1, step b = a*2, wait 30 s, child context with step
// d = b+3; each returns d. Reports how many returned the expected value.
Outcome run_many(int n) {
  auto handler = [](const Json& event, DurableContext& ctx) -> Json {
    const std::int64_t x = event.at("x").get<std::int64_t>();
    std::int64_t a = ctx.step([x](StepContext&) { return x + 1; }, "a");
    std::int64_t b = ctx.step([a](StepContext&) { return a * 2; }, "b");
    ctx.wait(durable::Duration::from_seconds(30), "w");
    return ctx.run_in_child_context(
        [b](DurableContext& child) { return child.step([b](StepContext&) { return b + 3; }, "d"); },
        "c");
  };
  Outcome out;
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    durable::testing::DurableRunner runner(handler);
    auto r = runner.run(Json{{"x", i}});
    out.operations += r.operation_count();
    out.invocations += r.invocation_count();
    out.checkpoints += r.checkpoint_request_count();
    if (r.execution_status() == durable::ExecutionStatus::Succeeded &&
        r.result() == Json((i + 1) * 2 + 3)) {
      ++ok;
    }
  }
  out.result = Json{{"executions", n}, {"ok", ok}};
  out.ok = ok == n;
  return out;
}

// map: map over the integers 0..N-1 with max concurrency 10, each item one step returning
// item*2; returns the sum of the results.
Outcome run_map(RunnerSlot& slot, int n) {
  DurableRunner& runner = slot.emplace([n](const Json&, DurableContext& ctx) -> Json {
    std::vector<std::int64_t> items(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<std::int64_t>(i);
    durable::MapConfig<std::int64_t, std::int64_t> config;
    config.max_concurrency = 10;
    auto batch = ctx.map(
        items,
        [](DurableContext& item_ctx, const std::int64_t& item, std::size_t,
           const std::vector<std::int64_t>&) {
          return item_ctx.step([item](StepContext&) { return item * 2; });
        },
        "map", config);
    std::int64_t sum = 0;
    for (std::int64_t v : batch.get_results()) sum += v;
    return sum;
  });
  auto r = runner.run(Json::object());
  return {r.result(), r.operation_count(), r.invocation_count(), r.checkpoint_request_count(),
          r.execution_status() == durable::ExecutionStatus::Succeeded &&
              r.result() == Json(static_cast<std::int64_t>(n) * (n - 1))};
}

// True when the command line asks for the http workload (`--workload http` or `--workload=http`).
bool wants_http(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--workload=http") return true;
    if (arg == "--workload" && i + 1 < argc && std::string_view(argv[i + 1]) == "http") return true;
  }
  return false;
}

// Replaces this process with durable-bench-http from this program's directory, with the same
// arguments. Returns only on failure, with the exit status to use after printing why.
int exec_http_program(char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path program =
      (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "durable-bench-http";
  const std::string path = program.string();
  argv[0] = const_cast<char*>(path.c_str());
  ::execv(path.c_str(), argv);
  std::cerr << "durable-bench: the http workload runs " << path << ", which could not be started: "
            << std::strerror(errno) << "\n";
  return 2;
}

struct Options {
  std::string workload;
  int n = 0;  // 0: the workload's reference N
  int repeat = 1;
  int every = 100;
};

constexpr std::string_view kUsage =
    "Runs the reference durable workloads with DurableRunner\n"
    "Usage: durable-bench --workload NAME [--n N] [--repeat R] [--every K]\n"
    "  --workload NAME  steps | waits | many | map | replay | http (required)\n"
    "  --n N            size of the workload, 1 to 1000000 (default: the reference N)\n"
    "  --repeat R       runs to make, one JSON line each, 1 to 1000 (default 1)\n"
    "  --every K        replay: steps between two waits, 1 to 1000000 (default 100)\n"
    "  -h, --help       this text\n"
    "--workload http runs durable-bench-http (see its --help for --connections, --store).\n";

// An integer option's value in [low, high], or nothing (after printing why).
std::optional<int> int_value(std::string_view option, std::string_view text, int low, int high) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    std::cerr << "durable-bench: " << option << " must be an integer from " << low << " to " << high
              << ", got '" << text << "'\n";
    return std::nullopt;
  }
  return value;
}

// Parses the command line by hand (CLI11's global validators and parser were ~0.5 ms of each
// run's start). Returns -1 to go on, or the exit status: 0 after --help, 2 for bad input.
int parse_options(int argc, char** argv, Options& out) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    std::string_view value;
    const std::size_t eq = arg.find('=');
    const bool inline_value = arg.starts_with("--") && eq != std::string_view::npos;
    if (inline_value) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (arg != "--workload" && arg != "--n" && arg != "--repeat" && arg != "--every") {
      std::cerr << "durable-bench: unknown argument '" << argv[i] << "'\n" << kUsage;
      return 2;
    }
    if (!inline_value) {
      if (i + 1 >= argc) {
        std::cerr << "durable-bench: " << arg << " needs a value\n";
        return 2;
      }
      value = argv[++i];
    }
    if (arg == "--workload") {
      if (value != "steps" && value != "waits" && value != "many" && value != "map" &&
          value != "replay" && value != "http") {
        std::cerr << "durable-bench: --workload must be steps, waits, many, map, replay or http, "
                     "got '"
                  << value << "'\n";
        return 2;
      }
      out.workload = value;
      continue;
    }
    const std::optional<int> number =
        arg == "--repeat" ? int_value(arg, value, 1, 1000) : int_value(arg, value, 1, 1000000);
    if (!number) return 2;
    (arg == "--n" ? out.n : arg == "--repeat" ? out.repeat : out.every) = *number;
  }
  if (out.workload.empty()) {
    std::cerr << "durable-bench: --workload is required\n" << kUsage;
    return 2;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (wants_http(argc, argv)) return exec_http_program(argv);

  Options options;
  if (const int status = parse_options(argc, argv, options); status >= 0) return status;
  const std::string& workload = options.workload;
  int n = options.n;
  const int repeat = options.repeat;
  const int every = options.every;
  if (n == 0) n = workload == "steps" ? 1000 : 100;

  bool all_ok = true;
  RunnerSlot runner;
  for (int k = 0; k < repeat; ++k) {
    runner.reset();
    auto started = std::chrono::steady_clock::now();
    Outcome o = workload == "steps"    ? run_steps(runner, n)
                : workload == "waits"  ? run_waits(runner, n)
                : workload == "map"    ? run_map(runner, n)
                : workload == "replay" ? run_replay(runner, n, every)
                                       : run_many(n);
    double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    all_ok = all_ok && o.ok;
    Json line{{"workload", workload},         {"n", n},
              {"wall_ms", wall_ms},           {"result", o.result},
              {"operations", o.operations},   {"invocations", o.invocations},
              {"checkpoints", o.checkpoints}, {"ok", o.ok}};
    if (workload == "replay") {
      const std::size_t replayed = replayed_operations(n, every);
      line["every"] = every;
      line["replayed_operations"] = replayed;
      line["us_per_replayed_operation"] = wall_ms * 1000.0 / static_cast<double>(replayed);
    }
    std::cout << line.dump() << std::endl;
  }
  // std::endl flushed every line; nothing else is buffered. Exits without destructors.
  std::_Exit(all_ok ? 0 : 1);
}
