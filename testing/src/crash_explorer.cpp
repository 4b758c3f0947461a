#include "durable/testing/crash_explorer.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <gtest/gtest.h>

#include "durable/testing/durable_runner.hpp"

namespace durable::testing {
namespace {

// Invocations that ended without output: what a checkpoint fault turns an invocation into.
std::size_t failed_invocations(const TestResult& result) {
  return static_cast<std::size_t>(
      std::count_if(result.invocations().begin(), result.invocations().end(),
                    [](const InvocationRecord& r) { return !r.output_status.has_value(); }));
}

void inject(DurableRunner& runner, std::uint64_t k, CrashFault fault) {
  switch (fault) {
    case CrashFault::CrashBeforeSend:
    case CrashFault::InvocationTimeout: runner.crash_before_checkpoint(k); return;
    case CrashFault::CrashAfterApply: runner.crash_after_checkpoint(k); return;
    case CrashFault::Throttle: runner.fail_checkpoint(k, CheckpointFault::Throttle); return;
    case CrashFault::ServiceError: runner.fail_checkpoint(k, CheckpointFault::ServiceError); return;
    case CrashFault::StaleToken: runner.fail_checkpoint(k, CheckpointFault::StaleToken); return;
    case CrashFault::CrashInStepBody: break;  // per step, not per checkpoint (see explore)
  }
  throw std::invalid_argument("CrashExplorer: unknown CrashFault");
}

// Whether an at-most-once step found its attempt interrupted. The history keeps the error of
// every attempt (the final operation state may show only the last one).
bool has_interrupted_step(const TestResult& result) {
  return result.history_json().dump().find("\"StepInterruptedError\"") != std::string::npos;
}

std::string describe_outcome(const TestResult& r) {
  std::string text(to_string(r.status()));
  if (r.result_payload()) text += " with result " + *r.result_payload();
  if (r.error()) {
    text += " with error " + r.error()->error_type.value_or("") + ": " +
            r.error()->error_message.value_or("");
  }
  return text;
}

// The semantic checks of one faulted run against the clean one; one sentence per problem.
std::vector<std::string> judge(const TestResult& clean, const TestResult& run) {
  std::vector<std::string> problems;
  bool same_outcome = run.status() == clean.status();
  if (same_outcome && clean.status() == ExecutionStatus::Succeeded) {
    same_outcome = run.result() == clean.result();
  } else if (same_outcome && clean.error() && run.error()) {
    same_outcome = clean.error()->error_type == run.error()->error_type;
  }
  if (!same_outcome) {
    problems.push_back("the execution ended " + describe_outcome(run) + ", the clean run " +
                       describe_outcome(clean));
  }
  const auto& seen = run.observations();
  for (const auto& [id, starts] : seen.at_most_once_starts) {
    const auto runs_it = seen.step_runs.find(id);
    const std::size_t runs = runs_it == seen.step_runs.end() ? 0 : runs_it->second;
    if (runs > starts) {
      std::string name;
      for (const auto& [step_id, step_name] : seen.step_names) {
        if (step_id == id) name = step_name;
      }
      problems.push_back("at-most-once step \"" + name + "\" (id " + id + ") ran its body " +
                         std::to_string(runs) + " times for " + std::to_string(starts) +
                         " started attempt(s)");
    }
  }
  std::map<std::string, std::size_t> runs_by_name;
  for (const auto& [id, name] : seen.step_names) runs_by_name[name] += seen.step_runs.at(id);
  for (const auto& [id, name] : clean.observations().step_names) {
    if (runs_by_name[name] == 0) {
      problems.push_back("step \"" + name + "\" ran in the clean run but its body never ran");
    }
  }
  return problems;
}

// Where a violation came from is usually a body that ran more often than in the clean run.
void add_body_run_notes(const TestResult& clean, const TestResult& run,
                        std::vector<std::string>& problems) {
  const auto by_name = [](const OperationObservations& seen) {
    std::map<std::string, std::size_t> runs;
    for (const auto& [id, name] : seen.step_names) runs[name] += seen.step_runs.at(id);
    return runs;
  };
  const auto before = by_name(clean.observations());
  for (const auto& [name, runs] : by_name(run.observations())) {
    const auto it = before.find(name);
    const std::size_t clean_runs = it == before.end() ? 0 : it->second;
    if (runs > clean_runs) {
      problems.push_back("note: step \"" + name + "\" ran its body " + std::to_string(runs) +
                         " time(s), " + std::to_string(clean_runs) + " in the clean run");
    }
  }
}

}  // namespace

std::string_view to_string(CrashFault fault) {
  switch (fault) {
    case CrashFault::CrashBeforeSend: return "CrashBeforeSend";
    case CrashFault::CrashAfterApply: return "CrashAfterApply";
    case CrashFault::Throttle: return "Throttle";
    case CrashFault::ServiceError: return "ServiceError";
    case CrashFault::StaleToken: return "StaleToken";
    case CrashFault::InvocationTimeout: return "InvocationTimeout";
    case CrashFault::CrashInStepBody: return "CrashInStepBody";
  }
  return "Unknown";
}

std::vector<CrashFault> all_crash_faults() {
  return {CrashFault::CrashBeforeSend, CrashFault::CrashAfterApply, CrashFault::Throttle,
          CrashFault::ServiceError,    CrashFault::StaleToken,      CrashFault::InvocationTimeout,
          CrashFault::CrashInStepBody};
}

CrashReport::operator ::testing::AssertionResult() const {
  if (passed()) return ::testing::AssertionSuccess() << to_string();
  return ::testing::AssertionFailure() << to_string();
}

std::string CrashReport::to_string() const {
  std::ostringstream out;
  if (error) {
    out << "crash-point exploration could not complete the clean run: " << *error;
    return out.str();
  }
  std::size_t fired = 0;
  std::size_t interrupted = 0;
  std::size_t step_points = 0;
  for (const auto& p : points) {
    fired += p.fired ? 1 : 0;
    interrupted += p.interrupted ? 1 : 0;
    step_points += p.fault == CrashFault::CrashInStepBody ? 1 : 0;
  }
  out << "crash points: " << clean_checkpoints << " checkpoint(s) and " << step_points
      << " step bod" << (step_points == 1 ? "y" : "ies") << " of the clean run ("
      << (clean ? describe_outcome(*clean) : std::string("?")) << "), " << points.size()
      << " faulted run(s), " << fired << " fault(s) fired, " << interrupted
      << " interrupted an at-most-once step, " << violations.size() << " violation(s)";
  for (const auto& v : violations) {
    if (v.fault == CrashFault::CrashInStepBody) {
      out << "\n\nviolation in step \"" << v.step << "\"";
    } else {
      out << "\n\nviolation at checkpoint " << v.checkpoint;
    }
    out << " with " << durable::testing::to_string(v.fault) << ":\n";
    for (const auto& p : v.problems) out << "  - " << p << "\n";
    if (!v.timeline.empty()) out << "failing run:\n" << v.timeline;
  }
  return out.str();
}

std::ostream& operator<<(std::ostream& os, const CrashReport& report) {
  return os << report.to_string();
}

CrashExplorer::CrashExplorer(RunnerFactory factory, ExplorerOptions options)
    : factory_(std::move(factory)), options_(std::move(options)) {
  if (!factory_) throw std::invalid_argument("CrashExplorer: the runner factory is empty");
  if (options_.faults.empty()) {
    throw std::invalid_argument("CrashExplorer: ExplorerOptions.faults is empty");
  }
}

CrashReport CrashExplorer::explore(const Json& input) const {
  const auto make = [this] {
    auto runner = factory_();
    if (!runner) throw std::invalid_argument("CrashExplorer: the runner factory returned nullptr");
    return runner;
  };
  CrashReport report;
  {
    auto runner = make();
    try {
      report.clean = runner->run(input, options_.run_options);
    } catch (const std::exception& e) {
      report.error = e.what();
      return report;
    }
  }
  const TestResult& clean = *report.clean;
  const std::size_t baseline_failures = failed_invocations(clean);

  // Runs one faulted run; returns true when exploring must stop (stop_at_first_violation).
  const auto explore_point = [&](ExploredPoint point,
                                 const std::function<void(DurableRunner&)>& inject_fault) {
    CrashViolation violation;
    violation.checkpoint = point.checkpoint;
    violation.step = point.step;
    violation.fault = point.fault;
    auto runner = make();
    inject_fault(*runner);
    try {
      TestResult run = runner->run(input, options_.run_options);
      point.status = run.status();
      point.invocations = run.invocation_count();
      point.fired = failed_invocations(run) > baseline_failures;
      if (point.fired) {
        violation.problems = judge(clean, run);
        point.interrupted = has_interrupted_step(run);
        if (point.interrupted && options_.tolerate_interrupted_steps) {
          // The differing outcome is the at-most-once contract at work; the body counts still
          // have to hold.
          std::erase_if(violation.problems, [](const std::string& p) {
            return p.starts_with("the execution ended");
          });
        }
        if (!violation.problems.empty()) add_body_run_notes(clean, run, violation.problems);
        if (options_.invariant) {
          if (auto broken = options_.invariant(run)) violation.problems.push_back(*broken);
        }
      }
      violation.timeline = run.timeline();
      violation.run = std::move(run);
    } catch (const std::exception& e) {
      point.fired = true;
      violation.problems.push_back(std::string("the run did not finish: ") + e.what());
    }
    point.violated = !violation.problems.empty();
    report.points.push_back(point);
    if (!point.violated) return false;
    report.violations.push_back(std::move(violation));
    return options_.stop_at_first_violation;
  };

  std::vector<CrashFault> checkpoint_faults;
  bool step_bodies = false;
  for (const CrashFault fault : options_.faults) {
    if (fault == CrashFault::CrashInStepBody) {
      step_bodies = true;
    } else {
      checkpoint_faults.push_back(fault);
    }
  }

  for (std::uint64_t k = 1; !checkpoint_faults.empty(); ++k) {
    if (options_.max_points != 0 && k > options_.max_points) break;
    bool any_fired = false;
    for (const CrashFault fault : checkpoint_faults) {
      ExploredPoint point;
      point.checkpoint = k;
      point.fault = fault;
      if (explore_point(point, [k, fault](DurableRunner& r) { inject(r, k, fault); })) {
        return report;
      }
      any_fired = any_fired || report.points.back().fired;
    }
    if (!any_fired) {
      // Past the clean run's last checkpoint: these runs were clean runs again.
      std::erase_if(report.points, [k](const ExploredPoint& p) { return p.checkpoint == k; });
      break;
    }
    report.clean_checkpoints = k;
  }

  if (step_bodies) {
    // Every step whose body ran in the clean run, by operation id (unique, and the same in every
    // run of a deterministic handler).
    const auto after = options_.step_crash_after;
    for (const auto& [id, name] : clean.observations().step_names) {
      ExploredPoint point;
      point.fault = CrashFault::CrashInStepBody;
      point.step = name.empty() ? id : name;
      if (explore_point(point, [&id = id, after](DurableRunner& r) {
            r.crash_during_step(id, after);
          })) {
        return report;
      }
    }
  }
  return report;
}

CrashReport explore_crash_points(RunnerFactory factory, const Json& input,
                                 ExplorerOptions options) {
  return CrashExplorer(std::move(factory), std::move(options)).explore(input);
}

}  // namespace durable::testing
