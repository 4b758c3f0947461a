#include "durable/testing/conformance/run_main.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "durable/testing/conformance/driver.hpp"
#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/conformance/requirement.hpp"
#ifdef DURABLE_CONFORMANCE_REMOTE
#include "durable/testing/conformance/remote_backend.hpp"
#endif

namespace durable::testing::conformance {
namespace {

// Follows "usage: PROGRAM".
constexpr const char* kUsage =
    " [options] PATH...\n"
    "Runs durable execution conformance requirements (YAML files or folders of them) against\n"
    "the registered handlers and prints a pass/fail table.\n"
    "\n"
    "  --filter REGEX            run only requirements whose id matches REGEX\n"
    "  -v, --verbose             print descriptions, actual histories, logs and timelines\n"
    "  --seed N                  seed for ${GEN_STR:N} variables (default: time based)\n"
    "  --skip ID=REASON          set a requirement aside with a reason (repeatable)\n"
    "  --dump DIR                write DIR/<id>.json: status, result, history, logs of each run\n"
    "  --remote URL              run through the Lambda API at URL (e.g. durable-emulator's\n"
    "                            http://127.0.0.1:9014) instead of in process\n"
    "  --remote-logs FILE        with --remote: the file the functions' log lines go to\n"
    "                            (durable-emulator's stderr); without it ExpectedLogs are skipped\n"
    "  --function-prefix P       with --remote: requirement ID runs function P + ID\n"
    "  --allow-empty             exit 0 even when no requirement ran\n"
    "  --allow-missing-handlers  exit 0 even when some requirements have no handler\n"
    "  -h, --help                print this help\n"
    "\n"
    "Exit status: 0 all passed; 1 a failure, nothing ran, or handlers missing; 2 bad usage or\n"
    "an unreadable requirement file.\n";

struct Arguments {
  std::string filter;
  bool verbose = false;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> skips;
  std::optional<std::filesystem::path> dump;
  std::optional<std::string> remote;
  std::optional<std::filesystem::path> remote_logs;
  std::string function_prefix;
  bool allow_empty = false;
  bool allow_missing = false;
  bool help = false;
  std::vector<std::filesystem::path> paths;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Arguments parse_arguments(int argc, char** argv) {
  Arguments a;
  auto value = [&](int& i, const std::string& flag) -> std::string {
    if (i + 1 >= argc) throw UsageError(flag + " needs a value");
    return argv[++i];
  };
  bool only_paths = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (only_paths || arg.empty() || arg[0] != '-') {
      a.paths.emplace_back(arg);
    } else if (arg == "--") {
      only_paths = true;
    } else if (arg == "-h" || arg == "--help") {
      a.help = true;
    } else if (arg == "-v" || arg == "--verbose") {
      a.verbose = true;
    } else if (arg == "--filter") {
      a.filter = value(i, arg);
    } else if (arg == "--seed") {
      const std::string text = value(i, arg);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), a.seed);
      if (ec != std::errc() || end != text.data() + text.size()) {
        throw UsageError("--seed '" + text + "' is not a non-negative integer");
      }
    } else if (arg == "--skip") {
      const std::string s = value(i, arg);
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
        throw UsageError("--skip '" + s + "' must be ID=REASON");
      }
      a.skips.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    } else if (arg == "--dump") {
      a.dump = value(i, arg);
    } else if (arg == "--remote") {
      a.remote = value(i, arg);
    } else if (arg == "--remote-logs") {
      a.remote_logs = value(i, arg);
    } else if (arg == "--function-prefix") {
      a.function_prefix = value(i, arg);
    } else if (arg == "--allow-empty") {
      a.allow_empty = true;
    } else if (arg == "--allow-missing-handlers") {
      a.allow_missing = true;
    } else {
      throw UsageError("unknown option '" + arg + "'");
    }
  }
  if (!a.remote && (a.remote_logs || !a.function_prefix.empty())) {
    throw UsageError("--remote-logs and --function-prefix need --remote");
  }
  if (!a.help && a.paths.empty()) throw UsageError("no requirement PATH given");
  return a;
}

// Writes each execution's outcome to DIR/<id>.json as the run goes (the driver judges it after).
class DumpingBackend final : public ExecutionBackend {
 public:
  DumpingBackend(ExecutionBackend& inner, std::filesystem::path dir)
      : inner_(inner), dir_(std::move(dir)) {}
  ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                           const Json& input, const Bindings& bindings) override {
    ExecutionOutcome outcome = inner_.execute(requirement, handler, input, bindings);
    Json dump{{"Id", requirement.id},
              {"Input", input},
              {"Status", outcome.status},
              {"Result", outcome.result ? Json(*outcome.result) : Json(nullptr)},
              {"History", outcome.history}};
    if (outcome.logs_captured) dump["Logs"] = outcome.logs;
    const auto path = dir_ / (requirement.id + ".json");
    std::ofstream file(path, std::ios::trunc);
    file << dump.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    if (!file) throw std::runtime_error("--dump: cannot write " + path.string());
    return outcome;
  }
  bool supports_callbacks() const override { return inner_.supports_callbacks(); }
  bool captures_logs() const override { return inner_.captures_logs(); }

 private:
  ExecutionBackend& inner_;
  std::filesystem::path dir_;
};

}  // namespace

int run_main(int argc, char** argv, const HandlerRegistry& registry) {
  return run_main(argc, argv, registry, std::cout, std::cerr);
}

int run_main(int argc, char** argv, const HandlerRegistry& handlers, std::ostream& out,
             std::ostream& err) {
  const std::string program =
      argc > 0 && argv[0] != nullptr ? std::filesystem::path(argv[0]).filename().string()
                                     : "durable-conformance";
  auto usage = [&] { return "usage: " + program + kUsage; };
  Arguments args;
  try {
    args = parse_arguments(argc, argv);
  } catch (const UsageError& e) {
    err << program << ": " << e.what() << "\n" << usage();
    return 2;
  }
  if (args.help) {
    out << usage();
    return 0;
  }

  DriverOptions options;
  options.verbose = args.verbose;
  options.seed = args.seed;
  if (!args.filter.empty()) {
    try {
      options.filter = std::regex(args.filter);
    } catch (const std::regex_error& e) {
      err << program << ": --filter '" << args.filter << "' is not a valid regex: " << e.what()
          << "\n";
      return 2;
    }
  }
  HandlerRegistry registry = handlers;
  for (const auto& [id, reason] : args.skips) registry.skip(id, reason);
  if (args.dump) {
    std::error_code ec;
    std::filesystem::create_directories(*args.dump, ec);
    if (ec || !std::filesystem::is_directory(*args.dump)) {
      err << program << ": --dump: cannot create the directory " << args.dump->string() << "\n";
      return 2;
    }
  }

  std::vector<Requirement> requirements;
  int load_errors = 0;
  try {
    for (const auto& file : collect_requirement_files(args.paths)) {
      try {
        requirements.push_back(load_requirement(file));
      } catch (const RequirementError& e) {
        err << "error: " << e.what() << "\n";
        ++load_errors;
      }
    }
  } catch (const RequirementError& e) {
    err << program << ": " << e.what() << "\n";
    return 2;
  }

  std::unique_ptr<ExecutionBackend> backend;
  if (args.remote) {
#ifdef DURABLE_CONFORMANCE_REMOTE
    try {
      RemoteBackendOptions remote;
      remote.client = LambdaApiClientOptions::for_endpoint(*args.remote);
      remote.function_prefix = args.function_prefix;
      remote.log_file = args.remote_logs;
      backend = std::make_unique<RemoteBackend>(std::move(remote));
    } catch (const std::exception& e) {
      err << program << ": --remote " << *args.remote << ": " << e.what() << "\n";
      return 2;
    }
#else
    err << program << ": --remote: this build has no HTTP client (cpp-httplib was not found)\n";
    return 2;
#endif
  } else {
    backend = std::make_unique<DurableRunnerBackend>();
  }
  std::unique_ptr<DumpingBackend> dumping;
  ExecutionBackend* used = backend.get();
  if (args.dump) {
    dumping = std::make_unique<DumpingBackend>(*backend, *args.dump);
    used = dumping.get();
  }

  ConformanceDriver driver(registry, *used, options);
  const Summary summary = driver.run_all(requirements, out);
  if (load_errors > 0) {
    err << load_errors << " requirement file(s) could not be read\n";
    return 2;
  }
  if (summary.exit_code() != 0) return summary.exit_code();
  const int ran = summary.passed + summary.failed + summary.optional_failed;
  if (ran == 0 && !args.allow_empty) {
    err << program << ": no requirement ran (" << summary.no_handler << " without handler, "
        << summary.skipped << " skipped); pass --allow-empty if that is expected\n";
    return 1;
  }
  if (summary.no_handler > 0 && !args.allow_missing) {
    err << program << ": " << summary.no_handler
        << " requirement(s) have no handler; register them, --skip them with a reason, or pass "
           "--allow-missing-handlers\n";
    return 1;
  }
  return 0;
}

}  // namespace durable::testing::conformance
