#include "durable/testing/determinism_checker.hpp"

#include <cstdlib>
#include <deque>
#include <mutex>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "durable/checkpoint_client.hpp"
#include "durable/emulator/service.hpp"
#include "durable/retry_strategy.hpp"
#include "durable/testing/durable_runner.hpp"

namespace durable::testing {
namespace {

// One checkpoint request the recorded invocation sent, and the state the service held after it.
struct RecordedCheckpoint {
  std::vector<OperationUpdate> updates;
  bool accepted = false;
  std::vector<Operation> state_after;  // empty unless accepted
};

struct RecordedInvocation {
  DurableExecutionInvocationInput input;  // with every page of the initial state
  std::vector<RecordedCheckpoint> checkpoints;
  std::optional<DurableExecutionInvocationOutput> output;  // unset when the invocation threw
  std::string thrown;                                       // what() of what escaped the SDK
};

// Forwards to the emulator and keeps a copy of every request of the recorded invocation.
class RecordingClient final : public CheckpointClient {
 public:
  RecordingClient(emulator::Service& service, RecordedInvocation& record)
      : service_(service), record_(record) {}

  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override {
    std::lock_guard lock(mu_);
    record_.checkpoints.push_back({request.updates, false, {}});
    auto response = service_.checkpoint(request);
    record_.checkpoints.back().accepted = true;
    // What a fresh invocation would be shown at this point, not the service's whole store.
    record_.checkpoints.back().state_after =
        service_.visible_operations(request.durable_execution_arn);
    return response;
  }

  GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) override {
    return service_.get_state(request);
  }

 private:
  emulator::Service& service_;
  RecordedInvocation& record_;
  std::mutex mu_;
};

// Thrown by the replay client to end a replay at its first new checkpoint. Not an ApiError, so
// the SDK treats it as a transport failure and lets it escape run_invocation.
struct ReplayStop {};

class ReplayClient final : public CheckpointClient {
 public:
  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override {
    std::lock_guard lock(mu_);
    if (!first_) first_ = request.updates;
    throw ReplayStop{};
  }
  GetDurableExecutionStateResponse get_state(const GetDurableExecutionStateRequest&) override {
    // The replay input carries the whole state on one page; paging means the SDK misread it.
    throw std::logic_error("determinism replay: unexpected GetDurableExecutionState call");
  }
  std::optional<std::vector<OperationUpdate>> first() {
    std::lock_guard lock(mu_);
    return first_;
  }

 private:
  std::mutex mu_;
  std::optional<std::vector<OperationUpdate>> first_;
};

// What a replay (or the recorded invocation) did first: a checkpoint, or ending the invocation.
struct FirstAction {
  std::optional<std::vector<OperationUpdate>> updates;
  std::optional<DurableExecutionInvocationOutput> output;
  std::string thrown;
};

std::string describe_output(const DurableExecutionInvocationOutput& out) {
  std::string text = "ended the invocation " + std::string(to_string(out.status));
  if (out.result) text += " with result " + *out.result;
  if (out.error) {
    text += " with error " + out.error->error_type.value_or("") + ": " +
            out.error->error_message.value_or("");
  }
  return text;
}

std::string describe_action(const FirstAction& action) {
  if (action.updates && !action.updates->empty()) {
    return "checkpointed " + OperationIdentity::of(action.updates->front()).to_string();
  }
  if (action.output) return describe_output(*action.output);
  return "failed the invocation: " + action.thrown;
}

// Restores the environment variables it changed when it goes out of scope.
class EnvironmentOverride {
 public:
  explicit EnvironmentOverride(const std::map<std::string, std::optional<std::string>>& vars) {
    for (const auto& [name, value] : vars) {
      if (name.empty() || name.find('=') != std::string::npos) {
        throw std::invalid_argument(
            "check_determinism: DeterminismOptions.environment has an invalid variable name \"" +
            name + "\"");
      }
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      set(name, value);
    }
  }
  ~EnvironmentOverride() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) set(it->first, it->second);
  }
  EnvironmentOverride(const EnvironmentOverride&) = delete;
  EnvironmentOverride& operator=(const EnvironmentOverride&) = delete;

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

std::string op_line(const OperationIdentity& id) { return id.to_string(); }

// The operation sequence of a prefix, followed by the recorded and the replayed next step.
std::string make_diff(const std::vector<Operation>& prefix, const std::string& expected,
                      const std::string& actual) {
  std::ostringstream out;
  for (const auto& op : prefix) out << "    " << op_line(OperationIdentity::of(op)) << "\n";
  out << "  - " << expected << "\n";
  out << "  + " << actual << "\n";
  return out.str();
}

class Checker {
 public:
  explicit Checker(const Handler& handler) : handler_(handler) {}

  // Replays `state` and compares its first action with what the recorded run did next.
  // `expected_updates` are the recorded invocation's updates from that point on (any order is
  // accepted for the first one, as concurrent branches may checkpoint in another order).
  std::optional<Divergence> check(const RecordedInvocation& inv, std::size_t index,
                                  std::optional<std::size_t> after_checkpoint,
                                  const std::vector<Operation>& state, bool compare_action) {
    const FirstAction expected = recorded_next(inv, after_checkpoint);
    const FirstAction actual = replay(inv, state);
    Divergence d;
    d.invocation = index + 1;
    d.request_id = request_id_of(index);
    d.after_checkpoint = after_checkpoint;
    d.prefix_operations = state.size();
    d.expected = describe_action(expected);
    d.actual = describe_action(actual);

    // The SDK's own replay check failed: name the recorded operation it tripped over.
    if (actual.output && actual.output->error &&
        actual.output->error->error_type == "NonDeterministicExecutionError" &&
        !(expected.output && expected.output->error &&
          expected.output->error->error_type == "NonDeterministicExecutionError")) {
      const std::string message = actual.output->error->error_message.value_or("");
      for (const auto& op : state) {
        if (message.find("operation " + op.id + " ") != std::string::npos) {
          d.expected_operation = OperationIdentity::of(op);
          d.expected = "replay " + d.expected_operation->to_string() + " as recorded";
          break;
        }
      }
      d.actual = message;
      d.diff = make_diff(state, d.expected, d.actual);
      return d;
    }

    if (expected.updates && !expected.updates->empty()) {
      if (!actual.updates || actual.updates->empty()) {
        d.expected_operation = OperationIdentity::of(expected.updates->front());
        d.diff = make_diff(state, d.expected, d.actual);
        return d;
      }
      const auto want = OperationIdentity::of(expected.updates->front());
      const auto got = OperationIdentity::of(actual.updates->front());
      if (matches(want, got, compare_action)) return std::nullopt;
      // A concurrent branch may legitimately reach the service first.
      for (const auto& u : later_updates(inv, after_checkpoint)) {
        if (matches(OperationIdentity::of(u), got, compare_action)) return std::nullopt;
      }
      d.expected_operation = want;
      d.actual_operation = got;
      d.diff = make_diff(state, want.to_string(), got.to_string());
      return d;
    }

    if (actual.updates && !actual.updates->empty()) {
      d.actual_operation = OperationIdentity::of(actual.updates->front());
      d.diff = make_diff(state, d.expected, d.actual);
      return d;
    }
    if (expected.output && actual.output) {
      const auto& a = *expected.output;
      const auto& b = *actual.output;
      const bool same_error =
          (!a.error && !b.error) ||
          (a.error && b.error && a.error->error_type == b.error->error_type);
      if (a.status == b.status && a.result == b.result && same_error) return std::nullopt;
      d.diff = make_diff(state, d.expected, d.actual);
      return d;
    }
    if (!expected.output && !actual.output) return std::nullopt;  // both failed the invocation
    d.diff = make_diff(state, d.expected, d.actual);
    return d;
  }

  void set_request_ids(std::vector<std::string> ids) { request_ids_ = std::move(ids); }

 private:
  static bool matches(const OperationIdentity& want, const OperationIdentity& got,
                      bool compare_action) {
    return want.same_operation(got) && (!compare_action || want.action == got.action);
  }

  std::string request_id_of(std::size_t index) const {
    return index < request_ids_.size() ? request_ids_[index] : std::string();
  }

  static FirstAction recorded_next(const RecordedInvocation& inv,
                                   std::optional<std::size_t> after_checkpoint) {
    FirstAction action;
    const std::size_t next = after_checkpoint.value_or(0);
    if (next < inv.checkpoints.size()) {
      action.updates = inv.checkpoints[next].updates;
      return action;
    }
    action.output = inv.output;
    action.thrown = inv.thrown;
    return action;
  }

  static std::vector<OperationUpdate> later_updates(const RecordedInvocation& inv,
                                                    std::optional<std::size_t> after_checkpoint) {
    std::vector<OperationUpdate> all;
    for (std::size_t i = after_checkpoint.value_or(0); i < inv.checkpoints.size(); ++i) {
      all.insert(all.end(), inv.checkpoints[i].updates.begin(), inv.checkpoints[i].updates.end());
    }
    return all;
  }

  FirstAction replay(const RecordedInvocation& inv, const std::vector<Operation>& state) const {
    DurableExecutionInvocationInput input;
    input.durable_execution_arn = inv.input.durable_execution_arn;
    input.checkpoint_token = "determinism-replay";
    input.initial_execution_state.operations = state;
    ReplayClient client;
    InvocationOptions invocation_options;
    invocation_options.log_sink = [](std::string_view) {};
    FirstAction action;
    try {
      action.output = run_invocation(handler_, input, client, invocation_options);
    } catch (const ReplayStop&) {
    } catch (const std::exception& e) {
      action.thrown = e.what();
    } catch (...) {
      action.thrown = "an exception of unknown type";
    }
    action.updates = client.first();
    if (action.updates) action.output.reset();
    return action;
  }

  const Handler& handler_;
  std::vector<std::string> request_ids_;
};

}  // namespace

OperationIdentity OperationIdentity::of(const Operation& op) {
  return {op.id, op.type, op.sub_type, op.name, op.parent_id, std::nullopt};
}

OperationIdentity OperationIdentity::of(const OperationUpdate& update) {
  return {update.id, update.type, update.sub_type, update.name, update.parent_id, update.action};
}

bool OperationIdentity::same_operation(const OperationIdentity& other) const {
  return id == other.id && type == other.type && sub_type == other.sub_type &&
         name == other.name && parent_id == other.parent_id;
}

std::string OperationIdentity::to_string() const {
  std::string text(durable::to_string(type));
  if (sub_type) text += "/" + *sub_type;
  text += name ? " \"" + *name + "\"" : std::string(" (unnamed)");
  text += " id " + id;
  text += " parent " + (parent_id ? *parent_id : std::string("-"));
  if (action) text += " " + std::string(durable::to_string(*action));
  return text;
}

DeterminismReport::operator ::testing::AssertionResult() const {
  if (passed()) return ::testing::AssertionSuccess() << to_string();
  return ::testing::AssertionFailure() << to_string();
}

std::string DeterminismReport::to_string() const {
  std::ostringstream out;
  if (passed()) {
    out << "deterministic: " << prefixes_checked << " replayed prefixes of " << invocations
        << " invocation(s) and " << checkpoints << " checkpoint(s) matched the recorded run";
    return out.str();
  }
  if (error) {
    out << "determinism check could not complete the recorded run: " << *error;
    return out.str();
  }
  if (misuse) {
    out << "not replay-safe: the handler calls a durable operation inside a step body: "
        << *misuse << "\n";
    if (recorded) out << "recorded run:\n" << recorded->timeline();
    return out.str();
  }
  const auto& d = *divergence;
  out << "non-deterministic replay: replaying invocation " << d.invocation;
  if (!d.request_id.empty()) out << " (request " << d.request_id << ")";
  if (d.after_checkpoint) {
    out << " from the state after its checkpoint " << *d.after_checkpoint;
  } else {
    out << " from its starting state";
  }
  out << " (" << d.prefix_operations << " operations) diverged from the recorded run\n"
      << "  expected: " << d.expected << "\n"
      << "  actual:   " << d.actual << "\n"
      << "operation sequence (recorded \"-\", replay \"+\"):\n"
      << d.diff;
  if (recorded) out << "recorded run:\n" << recorded->timeline();
  return out.str();
}

std::ostream& operator<<(std::ostream& os, const DeterminismReport& report) {
  return os << report.to_string();
}

DeterminismReport check_determinism(DurableRunner& runner, const Handler& handler,
                                    const Json& input, const DeterminismOptions& options) {
  if (!handler) throw std::invalid_argument("check_determinism: the handler is empty");
  if (options.wall_clock_gap < std::chrono::milliseconds(0)) {
    throw std::invalid_argument("check_determinism: DeterminismOptions.wall_clock_gap is negative (" +
                                std::to_string(options.wall_clock_gap.count()) + " ms)");
  }
  const std::string name = runner.options().function_name;
  auto original = runner.registry().find(name);
  if (!original) {
    throw std::invalid_argument("check_determinism: the runner has no function \"" + name + "\"");
  }

  // Recorded per execution ARN: only the execution this call starts is checked.
  std::mutex mu;
  // deque: an invocation's record must not move while a later one is added.
  std::map<std::string, std::deque<RecordedInvocation>> recorded;
  emulator::Service& service = runner.service();
  runner.registry().register_durable_function(
      name, [&](const DurableExecutionInvocationInput& in) {
        RecordedInvocation* inv = nullptr;
        {
          std::lock_guard lock(mu);
          inv = &recorded[in.durable_execution_arn].emplace_back();
        }
        inv->input = in;
        // The whole state the invocation is shown (every page), with the service's visibility.
        inv->input.initial_execution_state.operations =
            service.visible_operations(in.durable_execution_arn);
        inv->input.initial_execution_state.next_marker.reset();
        RecordingClient client(service, *inv);
        InvocationOptions invocation_options;
        invocation_options.log_sink = [](std::string_view) {};
        try {
          inv->output = run_invocation(handler, in, client, invocation_options);
        } catch (const std::exception& e) {
          inv->thrown = e.what();
          throw;
        }
        return *inv->output;
      });

  DeterminismReport report;
  if (options.jitter_seed) set_jitter_seed(*options.jitter_seed);
  try {
    report.recorded = runner.run(input, options.run_options);
  } catch (const std::exception& e) {
    report.error = e.what();
  }
  runner.registry().register_durable_function(name, *original);
  if (report.error) return report;
  if (const auto& failure = report.recorded->error();
      failure && failure->error_type == "OperationMisuseError") {
    report.misuse = failure->error_message.value_or("a durable operation inside a step body");
    return report;
  }

  const auto& invocations = recorded[report.recorded->execution_arn()];
  report.invocations = invocations.size();
  std::vector<std::string> request_ids;
  for (const auto& r : report.recorded->invocations()) request_ids.push_back(r.request_id);

  std::this_thread::sleep_for(options.wall_clock_gap);
  if (options.jitter_seed) set_jitter_seed(*options.jitter_seed ^ 0x9e3779b97f4a7c15ULL);
  EnvironmentOverride environment(options.environment);

  Checker checker(handler);
  checker.set_request_ids(std::move(request_ids));
  for (std::size_t i = 0; i < invocations.size(); ++i) {
    const auto& inv = invocations[i];
    report.checkpoints += inv.checkpoints.size();
    ++report.prefixes_checked;
    if (auto d = checker.check(inv, i, std::nullopt, inv.input.initial_execution_state.operations,
                               true)) {
      report.divergence = std::move(d);
      return report;
    }
    if (!options.each_checkpoint) continue;
    for (std::size_t c = 0; c < inv.checkpoints.size(); ++c) {
      if (!inv.checkpoints[c].accepted) break;  // nothing after a refused checkpoint was applied
      ++report.prefixes_checked;
      if (auto d = checker.check(inv, i, c + 1, inv.checkpoints[c].state_after, false)) {
        report.divergence = std::move(d);
        return report;
      }
    }
  }
  return report;
}

}  // namespace durable::testing
