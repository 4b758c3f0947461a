// The conformance driver: runs requirements against their registered handlers, judges them with
// the official runner's rules, and prints one table row per requirement plus a summary.
// Used from one thread.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/conformance/handler_registry.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

enum class Verdict {
  Passed,
  Failed,
  OptionalFailed,  // failed, but the requirement is `optional: true` (non-blocking)
  NoHandler,
  Skipped,         // set aside (skip list, or a feature the backend lacks); `detail` says why
};

std::string_view to_string(Verdict verdict);

struct RequirementReport {
  std::string id;
  std::string description;
  Verdict verdict = Verdict::Failed;
  std::string detail;  // why it failed or was skipped; the history mismatch report on a mismatch
  std::chrono::microseconds elapsed{0};
};

struct Summary {
  int passed = 0;
  int failed = 0;
  int optional_failed = 0;
  int no_handler = 0;
  int skipped = 0;
  std::vector<RequirementReport> reports;
  // 0 when nothing failed (optional failures, missing handlers and skips do not count), else 1.
  int exit_code() const { return failed == 0 ? 0 : 1; }
};

struct DriverOptions {
  std::optional<std::regex> filter;  // run only requirements whose id matches (regex_search)
  bool verbose = false;              // also print descriptions, actual histories and timelines
  std::uint64_t seed = 0;            // for `${GEN_STR:N}`; 0 = derive from the wall clock
};

class ConformanceDriver {
 public:
  // `registry` and `backend` must outlive the driver.
  ConformanceDriver(const HandlerRegistry& registry, ExecutionBackend& backend,
                    DriverOptions options = {});

  // Runs and judges one requirement (no printing): skip list first, then handler lookup, then
  // features the backend lacks, then execution; result, history and logs are all checked and
  // every failure is described. Never throws for a failing execution: errors become a Failed
  // verdict.
  RequirementReport run(const Requirement& requirement);

  // Runs every requirement that passes the filter in order, printing the table to `out`: a
  // header, one row per requirement (id, verdict, time, reason), failure details under failing
  // rows, then "K without handler, S skipped, O optional failed" and the closing line exactly
  // "N passed, M failed".
  Summary run_all(const std::vector<Requirement>& requirements, std::ostream& out);

 private:
  const HandlerRegistry& registry_;
  ExecutionBackend& backend_;
  DriverOptions options_;
  std::uint64_t runs_ = 0;
};

}  // namespace durable::testing::conformance
