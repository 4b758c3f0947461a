// durable-conformance: runs conformance requirements (YAML files or folders of them) against the
// C++ fixture handlers on the in-process emulator and prints a pass/fail table.
//
//   durable-conformance [--filter REGEX] [--verbose] [--seed N] [--skip ID=REASON]... PATH...
//
// Exit status: 0 when no requirement failed, 1 when one did, 2 for usage or unreadable input.
#include <CLI/CLI.hpp>

#include <iostream>
#include <regex>

#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/testing/conformance/driver.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace dc = durable::testing::conformance;

int main(int argc, char** argv) {
  CLI::App app{"Run durable execution conformance requirements against the C++ SDK"};
  std::string filter;
  bool verbose = false;
  std::uint64_t seed = 0;
  std::vector<std::string> skips;
  std::vector<std::string> paths;
  app.add_option("--filter", filter, "Run only requirements whose id matches this regex");
  app.add_flag("-v,--verbose", verbose, "Print descriptions, actual histories, logs and timelines");
  app.add_option("--seed", seed, "Seed for ${GEN_STR:N} variables (default: time based)");
  app.add_option("--skip", skips, "Set a requirement aside: ID=REASON (repeatable)");
  app.add_option("paths", paths, "Requirement YAML files or folders")->required();
  CLI11_PARSE(app, argc, argv);

  dc::DriverOptions options;
  options.verbose = verbose;
  options.seed = seed;
  if (!filter.empty()) {
    try {
      options.filter = std::regex(filter);
    } catch (const std::regex_error& e) {
      std::cerr << "durable-conformance: --filter '" << filter << "' is not a valid regex: "
                << e.what() << "\n";
      return 2;
    }
  }

  dc::HandlerRegistry registry;
  durable::fixtures::register_conformance_handlers(registry);
  for (const auto& s : skips) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
      std::cerr << "durable-conformance: --skip '" << s << "' must be ID=REASON\n";
      return 2;
    }
    registry.skip(s.substr(0, eq), s.substr(eq + 1));
  }

  std::vector<dc::Requirement> requirements;
  int load_errors = 0;
  try {
    std::vector<std::filesystem::path> inputs(paths.begin(), paths.end());
    for (const auto& file : dc::collect_requirement_files(inputs)) {
      try {
        requirements.push_back(dc::load_requirement(file));
      } catch (const dc::RequirementError& e) {
        std::cerr << "error: " << e.what() << "\n";
        ++load_errors;
      }
    }
  } catch (const dc::RequirementError& e) {
    std::cerr << "durable-conformance: " << e.what() << "\n";
    return 2;
  }

  dc::DurableRunnerBackend backend;
  dc::ConformanceDriver driver(registry, backend, options);
  const dc::Summary summary = driver.run_all(requirements, std::cout);
  if (load_errors > 0) {
    std::cerr << load_errors << " requirement file(s) could not be read\n";
    return 2;
  }
  return summary.exit_code();
}
