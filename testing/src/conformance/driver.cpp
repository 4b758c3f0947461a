#include "durable/testing/conformance/driver.hpp"

#include <cstdio>
#include <ostream>
#include <sstream>

#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/history_matcher.hpp"
#include "durable/testing/conformance/log_matcher.hpp"

namespace durable::testing::conformance {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Passed:
      return "pass";
    case Verdict::Failed:
      return "FAIL";
    case Verdict::OptionalFailed:
      return "optional-failed";
    case Verdict::NoHandler:
      return "no handler";
    case Verdict::Skipped:
      return "skipped";
  }
  return "?";
}

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) out += prefix + line + "\n";
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

ConformanceDriver::ConformanceDriver(const HandlerRegistry& registry, ExecutionBackend& backend,
                                     DriverOptions options)
    : registry_(registry), backend_(backend), options_(std::move(options)) {
  if (options_.seed == 0) {
    options_.seed = static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
  }
}

RequirementReport ConformanceDriver::run(const Requirement& requirement) {
  RequirementReport report;
  report.id = requirement.id;
  report.description = requirement.description;
  if (auto reason = registry_.skip_reason(requirement.id)) {
    report.verdict = Verdict::Skipped;
    report.detail = *reason;
    return report;
  }
  const RegisteredHandler* handler = registry_.find(requirement.id);
  if (handler == nullptr) {
    report.verdict = Verdict::NoHandler;
    return report;
  }
  if (!requirement.callback_actions.empty() && !backend_.supports_callbacks()) {
    report.verdict = Verdict::Skipped;
    report.detail = "needs callbacks: the runner has no callback API to apply CallbackActions";
    return report;
  }
  if (!requirement.expected_logs.empty() && !backend_.captures_logs()) {
    report.verdict = Verdict::Skipped;
    report.detail = "needs logs: the backend captures no log lines to check ExpectedLogs against";
    return report;
  }

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> problems;
  ExecutionOutcome outcome;
  bool executed = false;
  try {
    Bindings bindings(options_.seed + runs_++);
    bindings.define_variables(requirement.variables);
    const Json input = bindings.substitute_all(requirement.input);
    outcome = backend_.execute(requirement, *handler, input, bindings);
    executed = true;

    if (requirement.expected_result) {
      const auto& er = *requirement.expected_result;
      if (auto m = match_result(er.execution_status, er.has_result, er.result, outcome.status,
                                outcome.result, bindings)) {
        problems.push_back(*m);
      }
    }
    if (auto m = match_history(requirement.expected_history, outcome.history, bindings)) {
      problems.push_back("history mismatch, " + format_history_mismatch(*m));
    }
    if (!requirement.expected_logs.empty()) {
      if (!outcome.logs_captured) {
        problems.push_back("ExpectedLogs cannot be checked: the backend captured no logs");
      } else {
        for (auto& f : check_logs(requirement.expected_logs, outcome.logs, bindings)) {
          problems.push_back("logs: " + f);
        }
      }
    }
  } catch (const std::exception& e) {
    problems.push_back(std::string("execution error: ") + e.what());
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);

  if (problems.empty()) {
    report.verdict = Verdict::Passed;
    return report;
  }
  report.verdict = requirement.optional ? Verdict::OptionalFailed : Verdict::Failed;
  for (const auto& p : problems) report.detail += p + (p.back() == '\n' ? "" : "\n");
  if (options_.verbose && executed) {
    report.detail += "actual history:\n" + indent(outcome.history.dump(2), "  ");
    if (outcome.logs_captured) {
      report.detail += "logs (" + std::to_string(outcome.logs.size()) + " lines):\n";
      for (const auto& line : outcome.logs) report.detail += "  " + line + "\n";
    }
    if (!outcome.timeline.empty()) report.detail += "timeline:\n" + indent(outcome.timeline, "  ");
  }
  return report;
}

Summary ConformanceDriver::run_all(const std::vector<Requirement>& requirements,
                                   std::ostream& out) {
  Summary summary;
  char row[256];
  std::snprintf(row, sizeof row, "%-12s %-16s %10s  %s\n", "REQUIREMENT", "RESULT", "TIME", "NOTE");
  out << row;
  for (const auto& req : requirements) {
    if (options_.filter && !std::regex_search(req.id, *options_.filter)) continue;
    RequirementReport report = run(req);
    const bool ran = report.verdict == Verdict::Passed || report.verdict == Verdict::Failed ||
                     report.verdict == Verdict::OptionalFailed;
    char time_text[32] = "-";
    if (ran) {
      std::snprintf(time_text, sizeof time_text, "%.1f ms",
                    static_cast<double>(report.elapsed.count()) / 1000.0);
    }
    std::string note = report.verdict == Verdict::Skipped ? report.detail
                       : report.verdict == Verdict::Passed ? std::string()
                                                           : first_line(report.detail);
    if (report.verdict == Verdict::NoHandler) note = "";
    std::snprintf(row, sizeof row, "%-12s %-16s %10s  ", report.id.c_str(),
                  std::string(to_string(report.verdict)).c_str(), time_text);
    out << row << note << "\n";
    if (options_.verbose) out << "    " << report.description << "\n";
    if (report.verdict == Verdict::Failed || report.verdict == Verdict::OptionalFailed) {
      // The first line is already the row's note.
      const auto rest = report.detail.find('\n');
      if (rest != std::string::npos) out << indent(report.detail.substr(rest + 1), "    ");
    }
    switch (report.verdict) {
      case Verdict::Passed:
        ++summary.passed;
        break;
      case Verdict::Failed:
        ++summary.failed;
        break;
      case Verdict::OptionalFailed:
        ++summary.optional_failed;
        break;
      case Verdict::NoHandler:
        ++summary.no_handler;
        break;
      case Verdict::Skipped:
        ++summary.skipped;
        break;
    }
    summary.reports.push_back(std::move(report));
  }
  out << summary.no_handler << " without handler, " << summary.skipped << " skipped, "
      << summary.optional_failed << " optional failed\n";
  out << summary.passed << " passed, " << summary.failed << " failed\n";
  return summary;
}

}  // namespace durable::testing::conformance
