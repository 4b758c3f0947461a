#include "durable/testing/durable_runner.hpp"
#include "durable/testing/determinism_checker.hpp"

#include <gmock/gmock.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "durable/model/api.hpp"
#include "durable/model/event.hpp"
#include "in_process_checkpoint_client.hpp"
#include "observation_log.hpp"
#include "plain_function_adapter.hpp"
#include "step_crash_fault.hpp"
#include "timeline_html.hpp"

namespace durable::testing {
namespace {

const char* strictness_name(MockStrictness strictness) {
  switch (strictness) {
    case MockStrictness::Strict: return "strict";
    case MockStrictness::Nice: return "nice";
    case MockStrictness::Naggy: return "naggy";
  }
  return "?";
}

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The service's upper bound for DurableConfig.ExecutionTimeout (366 days).
constexpr std::int64_t kMaxExecutionTimeoutSeconds = 31'622'400;

std::string describe_error(const ErrorObject& e) {
  return e.error_type.value_or("Error") + ": " + e.error_message.value_or("");
}

// The names a callback answers to: its own Name and, for wait_for_callback, the user's name on
// the enclosing WaitForCallback context.
bool callback_matches(const CallbackRule& pattern, const emulator::CallbackInfo& cb) {
  if (cb.parent_sub_type && *cb.parent_sub_type == "WaitForCallback" && cb.parent_name &&
      pattern.matches(*cb.parent_name)) {
    return true;
  }
  return cb.name && pattern.matches(*cb.name);
}

std::string callback_label(const emulator::CallbackInfo& cb) {
  std::string label;
  if (cb.parent_sub_type && *cb.parent_sub_type == "WaitForCallback" && cb.parent_name) {
    label = "\"" + *cb.parent_name + "\" (wait_for_callback)";
  } else {
    label = "\"" + cb.name.value_or("") + "\"";
  }
  return label + " " + std::string(to_string(cb.status)) + " id " + cb.callback_id;
}

emulator::CheckpointFaultKind to_kind(CheckpointFault fault) {
  switch (fault) {
    case CheckpointFault::ServiceError: return emulator::CheckpointFaultKind::kServiceError;
    case CheckpointFault::Throttle: return emulator::CheckpointFaultKind::kThrottle;
    case CheckpointFault::StaleToken: return emulator::CheckpointFaultKind::kStaleToken;
  }
  throw std::invalid_argument("DurableRunner::fail_checkpoint: unknown CheckpointFault");
}

bool is_crash(emulator::CheckpointFaultKind kind) {
  return kind == emulator::CheckpointFaultKind::kCrashAfterApply ||
         kind == emulator::CheckpointFaultKind::kCrashBeforeSend;
}

// Whether a STEP update reports the end of a body run (see OperationObservations::step_runs).
bool ends_body_run(const OperationUpdate& u) {
  if (u.type != OperationType::Step) return false;
  if (u.action != OperationAction::Succeed && u.action != OperationAction::Fail &&
      u.action != OperationAction::Retry) {
    return false;
  }
  return !(u.error && u.error->error_type == "StepInterruptedError");
}

}  // namespace

using detail::ObservationLog;

struct DurableRunner::Impl {
  // What the runner keeps per execution besides what the emulator stores.
  struct ExecutionRecord {
    std::vector<InvocationRecord> invocations;
    std::vector<std::string> logs;
    // Instant the execution times out; the runner refuses to fast-forward to it unless the test
    // asked for an execution timeout, because reaching it means the execution was stuck.
    Timestamp timeout_deadline{};
    bool may_time_out = false;
    // Guarded by Impl::observe_mu (the SDK checkpoints from its branch threads too). Shared
    // with the TestResults already handed out, which see it as immutable: a change after one was
    // made applies to a fresh copy (update_observed). A long execution has one entry per step,
    // and the result of run() is made after the last change, so it is never copied there.
    std::shared_ptr<ObservationLog> observed = std::make_shared<ObservationLog>();
    ObservationLog& update_observed() {
      if (observed.use_count() > 1) {
        observed = std::make_shared<ObservationLog>(*observed);
      } else {
        // Sole owner: pairs with the release of the last other owner (a TestResult that read it).
        std::atomic_thread_fence(std::memory_order_acquire);
      }
      return *observed;
    }
    // Chained invokes of unregistered functions seen since the last check (observe_mu).
    std::vector<std::string> unregistered_invokes;
    // An injected crash may lose one of its invocations: read what the service recorded.
    bool crash_faults = false;
    // crash_during_step faults of this execution; null when it has none.
    std::shared_ptr<detail::StepCrashFault> step_crash;
    // Once terminal, an execution is no longer scanned for callbacks.
    bool terminal = false;
    // Callback rules scheduled per callback id: (due, rule index), sorted; emptied as they act.
    std::map<std::string, std::vector<std::pair<Timestamp, std::size_t>>> callback_plans;
  };

  // What the runner knows about one invocable function name.
  struct FunctionEntry {
    enum class Kind { None, Plain, Durable };
    Kind kind = Kind::None;
    emulator::PlainFunction plain;
    emulator::DurableFunction durable;
    std::optional<ErrorObject> failure;
    std::optional<std::chrono::seconds> timeout;
    milliseconds delay{0};
  };

  struct FaultSpec {
    std::uint64_t k;
    emulator::CheckpointFaultKind kind;
  };

  RunnerOptions options;
  std::shared_ptr<emulator::Clock> clock;
  emulator::VirtualClock* virtual_clock = nullptr;
  std::shared_ptr<emulator::Service> service;
  emulator::FunctionRegistry registry;
  std::string current_arn;
  // Keyed by ARN. std::map keeps element addresses stable, which the log sinks rely on.
  std::map<std::string, ExecutionRecord> executions;
  // Guards the `logs` vectors: the SDK may log from the branch threads it owns.
  std::mutex log_mu;
  // Request id of the invocation being run, handed to the SDK for its log lines.
  std::string in_flight_request_id;
  // CheckpointDurableExecution requests the invocation in flight made so far.
  std::size_t in_flight_checkpoint_requests = 0;
  std::mutex observe_mu;
  std::map<std::string, FunctionEntry> functions;
  // unique_ptr: mocks are handed out by reference and must never move.
  struct MockSlot {
    std::shared_ptr<FunctionMock> mock;
    MockStrictness strictness = MockStrictness::Naggy;
  };
  std::map<std::string, MockSlot> mocks;
  // deque: rules are handed out by reference and must never move.
  std::deque<CallbackRule> callback_rules;
  std::vector<FaultSpec> faults;
  // crash_during_step declarations: (step name or id, delay into the body).
  std::vector<std::pair<std::string, milliseconds>> step_crashes;
  // The handler under test as given, for check_determinism's replays.
  Handler handler_under_test;

  explicit Impl(RunnerOptions opts) : options(std::move(opts)) {
    if (options.function_name.empty()) {
      throw std::invalid_argument("DurableRunner: RunnerOptions.function_name must not be empty");
    }
    if (options.initial_state_page_size == 0) {
      throw std::invalid_argument(
          "DurableRunner: RunnerOptions.initial_state_page_size must be at least 1");
    }
    if (options.skip_time) {
      auto vc = options.start_time ? std::make_shared<emulator::VirtualClock>(*options.start_time)
                                   : std::make_shared<emulator::VirtualClock>();
      virtual_clock = vc.get();
      clock = std::move(vc);
    } else {
      clock = std::make_shared<emulator::SystemClock>();
    }
    emulator::ServiceOptions service_options;
    service_options.initial_state_page_size = options.initial_state_page_size;
    service = std::make_shared<emulator::Service>(clock, service_options);
    // The registry is a shared handle: chained invokes resolve their targets in the same
    // registrations the runner keeps adding to.
    service->set_function_registry(registry);
  }

  emulator::DurableFunction wrap(Handler handler,
                                 std::vector<std::shared_ptr<Plugin>> plugins = {}) {
    return [this, handler = std::move(handler),
            plugins = std::move(plugins)](const DurableExecutionInvocationInput& input) {
      ExecutionRecord* record = &executions[input.durable_execution_arn];
      detail::CheckpointObserver observer;
      observer.sent = [this, record](const CheckpointDurableExecutionRequest& request) {
        std::lock_guard lock(observe_mu);
        if (!request.updates.empty()) {
          const auto& last = request.updates.back();
          if (last.type == OperationType::Step && last.action == OperationAction::Start &&
              std::none_of(request.updates.begin(), request.updates.end(),
                           [&](const OperationUpdate& u) {
                             return u.id == last.id && u.action != OperationAction::Start;
                           })) {
            ++record->update_observed().at_most_once_starts[last.id];
          }
        }
        for (const auto& u : request.updates) {
          if (!ends_body_run(u)) continue;
          record->update_observed().add_body_run(
              u.id, u.name ? std::string_view(*u.name) : std::string_view());
        }
      };
      observer.accepted = [this, record](const CheckpointDurableExecutionRequest& request) {
        std::lock_guard lock(observe_mu);
        for (const auto& u : request.updates) {
          if (u.type != OperationType::ChainedInvoke || u.action != OperationAction::Start ||
              !u.chained_invoke_options) {
            continue;
          }
          const auto& fn = u.chained_invoke_options->function_name;
          record->update_observed().invoke_starts[u.id] = {fn, u.chained_invoke_options->tenant_id,
                                                  u.payload};
          if (options.fail_on_unregistered_function && !registry.contains(fn)) {
            record->unregistered_invokes.push_back(describe_unregistered(fn, u));
          }
        }
      };
      if (record->step_crash) {
        observer.gate = [fault = record->step_crash](
                            const CheckpointDurableExecutionRequest& request,
                            const detail::CheckpointObserver::Send& send) {
          return fault->checkpoint(request, send);
        };
      }
      detail::InProcessCheckpointClient client(*service, std::move(observer));
      InvocationOptions invocation_options;
      invocation_options.request_id = in_flight_request_id;
      invocation_options.log_level = LogLevel::Debug;
      invocation_options.plugins = plugins;
      // With a step-crash fault, what the service saw before the crash is decided by the fault's
      // `after` against the flush window alone (StepCrashFault simulates the flush): a real
      // background flush would add whatever a slow or preempted test thread let it send.
      if (record->step_crash) invocation_options.checkpoint_flush_window = milliseconds(0);
      if (options.capture_logs) {
        auto* logs = &record->logs;
        invocation_options.log_sink = [this, logs](std::string_view line) {
          std::lock_guard lock(log_mu);
          logs->emplace_back(line);
        };
      } else {
        invocation_options.log_sink = [](std::string_view) {};
      }
      struct CountRequests {
        const detail::InProcessCheckpointClient& client;
        std::size_t& out;
        ~CountRequests() { out = client.checkpoint_calls(); }
      } count{client, in_flight_checkpoint_requests};
      return run_invocation(handler, input, client, invocation_options);
    };
  }

  // Takes one ready invocation and runs it to completion on this thread. Returns false when no
  // invocation was ready.
  bool run_one() {
    auto pending = service->take_ready_invocation();
    if (!pending) return false;
    InvocationRecord record;
    record.request_id = pending->request_id;
    record.function_name = pending->function_name;
    record.start = clock->now();
    const auto wall_start = SteadyClock::now();

    emulator::InvocationOutcome outcome;
    const auto step_crash = executions[pending->durable_execution_arn].step_crash;
    bool crashed_in_step = false;
    if (auto fn = registry.find(pending->function_name)) {
      if (step_crash) step_crash->begin_invocation();
      in_flight_request_id = pending->request_id;
      in_flight_checkpoint_requests = 0;
      // Whatever escapes the SDK's boundary (retryable service errors are rethrown on purpose)
      // is a failed invocation, as a Lambda runtime would report it; the service retries it.
      try {
        outcome.output = (*fn)(pending->input);
      } catch (const ApiError& e) {
        outcome.error = ErrorObject{e.code(), e.what(), std::nullopt, std::nullopt};
      } catch (const std::exception& e) {
        outcome.error =
            ErrorObject{"Runtime.UnhandledException", e.what(), std::nullopt, std::nullopt};
      } catch (...) {
        outcome.error = ErrorObject{"Runtime.UnhandledException",
                                    "an exception of unknown type escaped the function",
                                    std::nullopt, std::nullopt};
      }
      in_flight_request_id.clear();
      record.checkpoint_requests = in_flight_checkpoint_requests;
      if (step_crash) {
        // The process died inside a step's body: what the service sees is the runtime exiting.
        if (auto exit = step_crash->end_invocation(pending->request_id)) {
          outcome.output.reset();
          outcome.error = std::move(exit);
          crashed_in_step = true;
        }
      }
    } else {
      outcome.error = ErrorObject{"ResourceNotFoundException",
                                  "Function not found: " + pending->function_name +
                                      " (register it with DurableRunner::register_durable_function)",
                                  std::nullopt, std::nullopt};
    }

    record.end = clock->now();
    record.wall_duration =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - wall_start);
    if (outcome.output) {
      record.output_status = outcome.output->status;
      record.error = outcome.output->error;
    } else {
      record.error = outcome.error;
    }
    record.crashed = crashed_in_step;
    service->complete_invocation(pending->durable_execution_arn, pending->request_id, outcome);
    auto& execution = executions[pending->durable_execution_arn];
    if (execution.crash_faults) {
      // The service may have discarded this invocation's output as lost in a crash: what a test
      // needs to see is what the service recorded, not the SDK's refused checkpoint.
      if (auto recorded = recorded_invocation_error(pending->durable_execution_arn,
                                                    pending->request_id);
          recorded && recorded->error_type == "Runtime.ExitError") {
        record.crashed = true;
        record.error = std::move(recorded);
        record.output_status.reset();
      }
    }
    execution.invocations.push_back(std::move(record));
    return true;
  }

  std::optional<ErrorObject> recorded_invocation_error(const std::string& arn,
                                                       const std::string& request_id) const {
    GetDurableExecutionHistoryRequest request;
    request.durable_execution_arn = arn;
    request.reverse_order = true;
    request.max_items = 10;
    for (const auto& event : service->get_history(request).events) {
      if (event.event_type != EventType::InvocationCompleted) continue;
      const auto* details = std::get_if<InvocationCompletedDetails>(&event.details);
      if (details == nullptr || details->request_id != request_id) continue;
      if (details->error) return details->error->payload;
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::string describe_unregistered(const std::string& fn, const OperationUpdate& u) const {
    std::string message = "the handler invoked function \"" + fn + "\" (CHAINED_INVOKE " +
                          (u.name ? "\"" + *u.name + "\", " : std::string()) + "id " + u.id +
                          "), which is not registered with this DurableRunner";
    const auto it = functions.find(fn);
    if (it != functions.end() && it->second.kind == FunctionEntry::Kind::None) {
      message += ": delay_function(\"" + fn + "\") was declared, but the function has no body";
    }
    return message +
           ". Register it with register_function, register_raw_function, "
           "register_durable_function or mock_function (or set "
           "RunnerOptions.fail_on_unregistered_function = false to let the invoke fail with "
           "ResourceNotFoundException)";
  }

  // Fails fast on a chained invoke of an unregistered function, before the emulator fails it.
  void check_unregistered() {
    std::string message;
    {
      std::lock_guard lock(observe_mu);
      for (auto& [arn, record] : executions) {
        for (auto& line : record.unregistered_invokes) {
          message += "\nExecution " + arn + ": " + line + ".";
        }
        record.unregistered_invokes.clear();
      }
    }
    if (!message.empty()) throw RunnerError("DurableRunner: run failed fast." + message);
  }

  // --- Callback rules ---

  // Plans the rules for callbacks seen for the first time, applies the actions due now, and
  // returns {whether anything was sent, the earliest action still planned}.
  std::pair<bool, std::optional<Timestamp>> apply_callback_rules() {
    if (callback_rules.empty()) return {false, std::nullopt};
    bool acted = false;
    std::optional<Timestamp> next;
    const Timestamp now = clock->now();
    for (auto& [arn, record] : executions) {
      if (record.terminal) continue;
      if (is_terminal(describe(arn).status)) {
        record.terminal = true;
        continue;
      }
      std::vector<Operation> ops;  // read only when a new callback needs its start time
      for (const auto& cb : service->callbacks(arn)) {
        auto plan_it = record.callback_plans.find(cb.callback_id);
        if (plan_it == record.callback_plans.end()) {
          if (ops.empty()) ops = service->operations(arn);
          plan_it = record.callback_plans.emplace(cb.callback_id, plan_rules(cb, ops)).first;
        }
        auto& plan = plan_it->second;
        if (cb.status != OperationStatus::Started) {
          plan.clear();
          continue;
        }
        while (!plan.empty() && plan.front().first <= now) {
          const CallbackRule& rule = callback_rules[plan.front().second];
          plan.erase(plan.begin());
          if (send_rule_action(rule, cb.callback_id)) {
            acted = true;
            if (rule.is_terminal()) plan.clear();
          }
        }
        if (!plan.empty() && (!next || plan.front().first < *next)) next = plan.front().first;
      }
    }
    return {acted, next};
  }

  std::vector<std::pair<Timestamp, std::size_t>> plan_rules(const emulator::CallbackInfo& cb,
                                                            const std::vector<Operation>& ops) {
    Timestamp created = clock->now();
    for (const auto& op : ops) {
      if (op.id == cb.operation_id) created = op.start_timestamp;
    }
    std::vector<std::pair<Timestamp, std::size_t>> plan;
    bool terminal_chosen = false;
    for (std::size_t i = 0; i < callback_rules.size(); ++i) {
      const CallbackRule& rule = callback_rules[i];
      if (!callback_matches(rule, cb)) continue;
      if (rule.is_terminal()) {
        if (terminal_chosen) continue;
        terminal_chosen = true;
      }
      plan.emplace_back(created + rule.delay().as_milliseconds(), i);
    }
    std::stable_sort(plan.begin(), plan.end());
    return plan;
  }

  // Sends what `rule` says; returns false when it sends nothing (time_out) or the service
  // refused (the callback closed meanwhile, e.g. its timeout fired at the same instant).
  bool send_rule_action(const CallbackRule& rule, const std::string& callback_id) {
    try {
      switch (rule.action()) {
        case CallbackRule::Action::Succeed:
          service->send_callback_success({callback_id, rule.result()});
          return true;
        case CallbackRule::Action::Fail:
          service->send_callback_failure({callback_id, rule.error()});
          return true;
        case CallbackRule::Action::Heartbeat:
          service->send_callback_heartbeat({callback_id});
          return true;
        case CallbackRule::Action::TimeOut:
        case CallbackRule::Action::None:
          return false;
      }
    } catch (const ApiError& e) {
      if (e.code() == "CallbackTimeoutException") return false;
      throw RunnerError("DurableRunner: on_callback(\"" + rule.pattern() + "\") could not " +
                        to_string(rule.action()) + " callback " + callback_id + ": " + e.what());
    }
    return false;
  }

  // One line per callback of `arn`, saying which rules match it (for RunnerError messages).
  std::string describe_callbacks(const std::string& arn) const {
    std::string out;
    for (const auto& cb : service->callbacks(arn)) {
      out += "\n  callback " + callback_label(cb);
      if (cb.status != OperationStatus::Started) continue;
      std::string matched;
      for (const auto& rule : callback_rules) {
        if (!callback_matches(rule, cb)) continue;
        if (!matched.empty()) matched += ", ";
        matched += "on_callback(\"" + rule.pattern() + "\")." + to_string(rule.action());
      }
      out += matched.empty() ? " — no on_callback rule matches it" : " — rules: " + matched;
    }
    return out;
  }

  std::size_t run_ready() {
    std::size_t count = 0;
    while (run_one()) ++count;
    return count;
  }

  GetDurableExecutionResponse describe(const std::string& arn) const {
    GetDurableExecutionRequest request;
    request.durable_execution_arn = arn;
    return service->get_execution(request);
  }

  [[noreturn]] void fail_stuck(const std::string& arn, const std::string& reason) const {
    std::string message = "DurableRunner: execution " + arn + " " + reason + ".";
    const auto waiting = service->describe_waiting(arn);
    message += waiting.empty() ? " The emulator reports nothing it waits for."
                               : "\nIt is waiting for: " + waiting;
    // The emulator's account says what is pending; the error that keeps a step retrying is what
    // a test author needs next, so name it.
    for (const auto& op : service->operations(arn)) {
      if (op.type == OperationType::Step && !is_terminal(op.status) && op.step_details &&
          op.step_details->error) {
        message += "\nSTEP \"" + op.name.value_or(op.id) + "\" failed attempt " +
                   std::to_string(op.step_details->attempt.value_or(0)) + " with " +
                   describe_error(*op.step_details->error) + ".";
      }
    }
    if (const auto callbacks = describe_callbacks(arn); !callbacks.empty()) {
      message += "\nCallbacks:" + callbacks;
    }
    const auto it = executions.find(arn);
    if (it != executions.end() && !it->second.invocations.empty()) {
      const auto& last = it->second.invocations.back();
      message += "\nLast invocation (" + last.request_id + ") ";
      message += last.output_status ? "returned " + std::string(to_string(*last.output_status))
                                    : std::string("failed");
      if (last.error) message += " with " + describe_error(*last.error);
      message += ".";
    }
    throw RunnerError(message);
  }

  // Quiescence loop: run everything that is ready, apply the callback rules that are due, and
  // only when nothing is left to do now, move the clock to the next timer or rule. Returns once
  // done() holds (default: `arn` is terminal). Throws RunnerError when it cannot get there.
  void drive(const std::string& arn, milliseconds wall_limit,
             const std::function<bool()>& done = {}, const std::string& goal = {}) {
    const auto wall_deadline = SteadyClock::now() + wall_limit;
    auto check_wall = [&] {
      if (SteadyClock::now() > wall_deadline) {
        fail_stuck(arn, "did not " + (goal.empty() ? std::string("finish") : "get to " + goal) +
                            " within the wall-clock limit of " +
                            std::to_string(wall_limit.count()) + " ms");
      }
    };
    const auto& record = executions[arn];
    for (;;) {
      while (run_one()) {
        check_unregistered();
        check_wall();
      }
      check_unregistered();
      const bool terminal = is_terminal(describe(arn).status);
      if (done ? done() : terminal) return;
      if (terminal) fail_stuck(arn, "ended before it got to " + goal);
      check_wall();
      const auto [acted, rule_due] = apply_callback_rules();
      if (acted) continue;
      auto due = service->next_timer_due();
      if (rule_due && (!due || *rule_due <= *due)) due = rule_due;
      if (!due) {
        fail_stuck(arn, "cannot make progress: no invocation is ready and no timer is armed");
      }
      if (!record.may_time_out && *due >= record.timeout_deadline) {
        fail_stuck(arn,
                   "cannot make progress: nothing is left to run before its execution timeout "
                   "(set RunOptions.execution_timeout to let it time out)");
      }
      if (virtual_clock) {
        if (*due > clock->now()) virtual_clock->advance_to(*due);
      } else {
        const auto wait = *due - clock->now();
        if (wait > milliseconds(0)) {
          const auto remaining =
              std::chrono::duration_cast<milliseconds>(wall_deadline - SteadyClock::now());
          std::this_thread::sleep_for(std::min<milliseconds>(
              std::chrono::duration_cast<milliseconds>(wait), remaining + milliseconds(1)));
          check_wall();
        }
      }
      // Rules due at the same instant as a timer act first (they were applied above only if
      // already due; now the clock reached them).
      if (apply_callback_rules().first) continue;
      service->fire_due_timers();
    }
  }

  // --- Function table ---

  // Registers `name` in the emulator as its entry says: a failure wins over any body, a durable
  // body runs as its own execution, a plain body with the entry's delay and timeout.
  void sync_function(const std::string& name) {
    const FunctionEntry& e = functions[name];
    emulator::FunctionOptions fo;
    fo.timeout = e.timeout;
    fo.delay = e.delay;
    // A function that times out runs until its timeout, whatever its own delay.
    if (e.timeout) fo.delay = std::max(e.delay, std::chrono::duration_cast<milliseconds>(*e.timeout));
    if (e.failure) {
      registry.register_function(
          name, [error = *e.failure](const std::string&) -> std::string {
            throw emulator::FunctionError(error);
          },
          fo);
    } else if (e.kind == FunctionEntry::Kind::Durable) {
      fo.delay = milliseconds(0);
      registry.register_durable_function(name, e.durable, fo);
    } else if (e.kind == FunctionEntry::Kind::Plain) {
      registry.register_function(name, e.plain, fo);
    } else if (e.timeout) {
      // Nothing to run: the emulator discards the outcome of a call that timed out anyway.
      registry.register_function(name, [](const std::string&) { return std::string("null"); },
                                 fo);
    }
    // A delay alone has nothing to answer with; the function stays unregistered and an invoke of
    // it fails the run with a message saying so.
  }

  void check_target_name(const std::string& name, const char* api) const {
    if (name.empty()) {
      throw std::invalid_argument(std::string("DurableRunner::") + api + ": empty function name");
    }
    if (name == options.function_name) {
      throw std::invalid_argument(std::string("DurableRunner::") + api + ": \"" + name +
                                  "\" is the handler under test (RunnerOptions.function_name)");
    }
  }

  void set_plain(const std::string& name, emulator::PlainFunction fn) {
    auto& e = functions[name];
    e.kind = FunctionEntry::Kind::Plain;
    e.plain = std::move(fn);
    e.durable = nullptr;
    sync_function(name);
  }

  void add_fault(std::uint64_t k, emulator::CheckpointFaultKind kind, const char* api) {
    if (k == 0) {
      throw std::invalid_argument(std::string("DurableRunner::") + api +
                                  ": k is 1-based (the first checkpoint is 1), got 0");
    }
    faults.push_back({k, kind});
    if (!current_arn.empty()) inject_fault(current_arn, faults.back());
  }

  void inject_fault(const std::string& arn, const FaultSpec& fault) {
    service->inject_checkpoint_fault(arn, fault.k, fault.kind);
    if (is_crash(fault.kind)) executions[arn].crash_faults = true;
  }

  void add_step_crash(const std::string& arn, const std::pair<std::string, milliseconds>& spec) {
    auto& record = executions[arn];
    if (!record.step_crash) {
      // The window the SDK flushes queued updates in: the runner leaves it at its default.
      record.step_crash = std::make_shared<detail::StepCrashFault>(
          InvocationOptions{}.checkpoint_flush_window, [this](milliseconds after) {
            if (virtual_clock) virtual_clock->advance(after);
          });
    }
    record.step_crash->add(spec.first, spec.second);
  }

  void require_started() const {
    if (current_arn.empty()) {
      throw RunnerError("DurableRunner: no execution was started; call start() or run() first");
    }
  }

  TestResult snapshot(const std::string& arn) {
    const auto execution = describe(arn);
    TestResult::Snapshot snap;
    snap.execution_arn = arn;
    snap.status = execution.status;
    snap.result = execution.result;
    snap.error = execution.error;
    snap.start_timestamp = execution.start_timestamp;
    snap.end_timestamp = execution.end_timestamp;
    snap.operations = service->operations(arn);
    const auto& record = executions[arn];
    snap.invocations = record.invocations;
    {
      std::lock_guard lock(log_mu);
      snap.logs = record.logs;
    }
    std::shared_ptr<const ObservationLog> observed;
    {
      std::lock_guard lock(observe_mu);
      observed = record.observed;
    }
    TestResult result(std::move(snap),
                      TestResult::DeferredObservations{[observed = std::move(observed)] {
                        return std::make_shared<const OperationObservations>(
                            observed->materialize());
                      }},
                      service);
    detail::keep_for_timeline_dir(result);
    return result;
  }
};

DurableRunner::DurableRunner(Handler handler, RunnerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->handler_under_test = handler;
  register_durable_function(impl_->options.function_name, std::move(handler));
}

DurableRunner::~DurableRunner() = default;

void DurableRunner::register_durable_function(const std::string& name, Handler handler) {
  if (name.empty()) {
    throw std::invalid_argument("DurableRunner::register_durable_function: empty function name");
  }
  if (!handler) {
    throw std::invalid_argument("DurableRunner::register_durable_function: the handler for \"" +
                                name + "\" is empty");
  }
  if (name == impl_->options.function_name) {
    // The handler under test: no faults apply to it.
    impl_->registry.register_durable_function(
        name, impl_->wrap(std::move(handler), impl_->options.plugins));
    return;
  }
  auto& entry = impl_->functions[name];
  if (entry.delay > milliseconds(0)) {
    throw std::invalid_argument("DurableRunner::register_durable_function: delay_function(\"" +
                                name +
                                "\") was declared, but a durable function's time is its own "
                                "(use waits inside it)");
  }
  entry.kind = Impl::FunctionEntry::Kind::Durable;
  entry.durable = impl_->wrap(std::move(handler));
  entry.plain = nullptr;
  impl_->sync_function(name);
}

void DurableRunner::register_function(const std::string& name, PlainHandler fn) {
  impl_->check_target_name(name, "register_function");
  if (!fn) {
    throw std::invalid_argument("DurableRunner::register_function: the function \"" + name +
                                "\" is empty");
  }
  impl_->set_plain(name, detail::adapt_json(name, std::move(fn)));
}

void DurableRunner::register_raw_function(const std::string& name, RawPlainHandler fn) {
  impl_->check_target_name(name, "register_raw_function");
  if (!fn) {
    throw std::invalid_argument("DurableRunner::register_raw_function: the function \"" + name +
                                "\" is empty");
  }
  impl_->set_plain(name, detail::adapt_raw(name, std::move(fn)));
}

FunctionMock& DurableRunner::mock_function(const std::string& name, MockStrictness strictness) {
  impl_->check_target_name(name, "mock_function");
  auto& slot = impl_->mocks[name];
  if (!slot.mock) {
    // shared_ptr keeps the deleter of the wrapper type: StrictMock/NiceMock unregister themselves
    // from gmock in their own destructors.
    switch (strictness) {
      case MockStrictness::Strict:
        slot.mock = std::make_shared<::testing::StrictMock<FunctionMock>>();
        break;
      case MockStrictness::Nice:
        slot.mock = std::make_shared<::testing::NiceMock<FunctionMock>>();
        break;
      case MockStrictness::Naggy:
        slot.mock = std::make_shared<FunctionMock>();
        break;
    }
    slot.strictness = strictness;
  } else if (slot.strictness != strictness) {
    throw std::logic_error("mock_function(\"" + name + "\"): the mock was made " +
                           std::string(strictness_name(slot.strictness)) + ", not " +
                           std::string(strictness_name(strictness)));
  }
  FunctionMock* mock = slot.mock.get();
  impl_->set_plain(name, detail::adapt_json(name, [mock](const Json& payload) {
                     return mock->Call(payload);
                   }));
  return *mock;
}

void DurableRunner::fail_function(const std::string& name, ErrorObject error) {
  impl_->check_target_name(name, "fail_function");
  impl_->functions[name].failure = std::move(error);
  impl_->sync_function(name);
}

void DurableRunner::fail_function(const std::string& name, std::string error_type,
                                  std::string error_message) {
  fail_function(name, ErrorObject{std::move(error_type), std::move(error_message), std::nullopt,
                                  std::nullopt});
}

void DurableRunner::time_out_function(const std::string& name, Duration after) {
  impl_->check_target_name(name, "time_out_function");
  const auto ms = after.as_milliseconds();
  if (ms < std::chrono::seconds(1) || ms.count() % 1000 != 0) {
    throw std::invalid_argument("DurableRunner::time_out_function(\"" + name +
                                "\"): the timeout must be whole seconds, at least one (got " +
                                after.to_string() + ")");
  }
  impl_->functions[name].timeout = std::chrono::duration_cast<std::chrono::seconds>(ms);
  impl_->sync_function(name);
}

void DurableRunner::delay_function(const std::string& name, Duration delay) {
  impl_->check_target_name(name, "delay_function");
  if (delay.as_milliseconds() < milliseconds(0)) {
    throw std::invalid_argument("DurableRunner::delay_function(\"" + name +
                                "\"): negative delay " + delay.to_string());
  }
  auto& entry = impl_->functions[name];
  if (entry.kind == Impl::FunctionEntry::Kind::Durable) {
    throw std::invalid_argument("DurableRunner::delay_function(\"" + name +
                                "\"): it is a durable function, whose time is its own (use "
                                "waits inside it)");
  }
  entry.delay = delay.as_milliseconds();
  impl_->sync_function(name);
}

CallbackRule& DurableRunner::on_callback(const std::string& name_or_pattern) {
  return impl_->callback_rules.emplace_back(name_or_pattern);
}

std::string DurableRunner::wait_for_callback(const std::string& name, milliseconds timeout) {
  impl_->require_started();
  const CallbackRule pattern(name);
  const std::string arn = impl_->current_arn;
  std::string found;
  const auto find_open = [&] {
    for (const auto& cb : impl_->service->callbacks(arn)) {
      if (cb.status == OperationStatus::Started && callback_matches(pattern, cb)) {
        found = cb.callback_id;
        return true;
      }
    }
    return false;
  };
  impl_->drive(arn, timeout, find_open, "an open callback named \"" + name + "\"");
  return found;
}

void DurableRunner::send_callback_success(const std::string& callback_id, const Json& result) {
  impl_->service->send_callback_success({callback_id, result.dump()});
}

void DurableRunner::send_callback_success_raw(const std::string& callback_id,
                                              std::string result) {
  impl_->service->send_callback_success({callback_id, std::move(result)});
}

void DurableRunner::send_callback_failure(const std::string& callback_id, ErrorObject error) {
  impl_->service->send_callback_failure({callback_id, std::move(error)});
}

void DurableRunner::send_callback_heartbeat(const std::string& callback_id) {
  impl_->service->send_callback_heartbeat({callback_id});
}

void DurableRunner::fail_checkpoint(std::uint64_t k, CheckpointFault fault) {
  impl_->add_fault(k, to_kind(fault), "fail_checkpoint");
}

void DurableRunner::crash_after_checkpoint(std::uint64_t k) {
  impl_->add_fault(k, emulator::CheckpointFaultKind::kCrashAfterApply, "crash_after_checkpoint");
}

void DurableRunner::crash_before_checkpoint(std::uint64_t k) {
  impl_->add_fault(k, emulator::CheckpointFaultKind::kCrashBeforeSend, "crash_before_checkpoint");
}

void DurableRunner::crash_during_step(const std::string& step, Duration after) {
  if (step.empty()) {
    throw std::invalid_argument("DurableRunner::crash_during_step: empty step name");
  }
  impl_->step_crashes.emplace_back(step, after.as_milliseconds());
  if (!impl_->current_arn.empty()) {
    impl_->add_step_crash(impl_->current_arn, impl_->step_crashes.back());
  }
}

TestResult DurableRunner::run(const Json& input, const RunOptions& options) {
  const auto arn = start(input, options);
  impl_->drive(arn, options.timeout);
  return impl_->snapshot(arn);
}

std::string DurableRunner::start(const Json& input, const RunOptions& options) {
  if (options.timeout <= milliseconds(0)) {
    throw std::invalid_argument("DurableRunner: RunOptions.timeout must be positive (got " +
                                std::to_string(options.timeout.count()) + " ms)");
  }
  emulator::StartExecutionRequest request;
  request.function_name = impl_->options.function_name;
  request.execution_name = options.execution_name;
  request.input = input.dump();
  request.execution_timeout_seconds = kMaxExecutionTimeoutSeconds;
  if (options.execution_timeout) {
    const auto seconds = options.execution_timeout->count();
    if (seconds < 1 || seconds > kMaxExecutionTimeoutSeconds) {
      throw std::invalid_argument(
          "DurableRunner: RunOptions.execution_timeout must be 1.." +
          std::to_string(kMaxExecutionTimeoutSeconds) + " seconds (got " +
          std::to_string(seconds) + " s)");
    }
    request.execution_timeout_seconds = seconds;
  }
  for (const auto& rule : impl_->callback_rules) {
    if (rule.action() == CallbackRule::Action::None) {
      throw RunnerError("DurableRunner: on_callback(\"" + rule.pattern() +
                        "\") declares no action (succeed, fail, heartbeat or time_out)");
    }
  }
  const auto response = impl_->service->start_execution(request);
  const auto& arn = response.durable_execution_arn;
  auto& record = impl_->executions[arn];
  for (const auto& fault : impl_->faults) impl_->inject_fault(arn, fault);
  for (const auto& crash : impl_->step_crashes) impl_->add_step_crash(arn, crash);
  record.may_time_out = options.execution_timeout.has_value();
  record.timeout_deadline = impl_->describe(arn).start_timestamp +
                            std::chrono::seconds(request.execution_timeout_seconds);
  impl_->current_arn = arn;
  return arn;
}

std::size_t DurableRunner::run_until_idle() {
  const auto count = impl_->run_ready();
  impl_->check_unregistered();
  return count;
}

void DurableRunner::advance_clock(milliseconds by) {
  if (!impl_->virtual_clock) {
    throw RunnerError("DurableRunner::advance_clock needs the virtual clock (skip_time = true)");
  }
  if (by < milliseconds(0)) {
    throw std::invalid_argument("DurableRunner::advance_clock: negative duration " +
                                std::to_string(by.count()) + " ms");
  }
  const auto target = impl_->clock->now() + by;
  // Timers inside the window fire in order, each followed by the invocations it triggers, so
  // that a timer armed by one of those invocations inside the window fires too.
  for (;;) {
    impl_->run_ready();
    impl_->check_unregistered();
    const auto due = impl_->service->next_timer_due();
    if (!due || *due > target) break;
    impl_->virtual_clock->advance_to(*due);
    impl_->service->fire_due_timers();
  }
  impl_->virtual_clock->advance_to(target);
}

bool DurableRunner::advance_to_next_timer() {
  const auto due = impl_->service->next_timer_due();
  if (!due) return false;
  if (impl_->virtual_clock) {
    impl_->virtual_clock->advance_to(*due);
  } else {
    const auto wait = *due - impl_->clock->now();
    if (wait > milliseconds(0)) std::this_thread::sleep_for(wait);
  }
  impl_->service->fire_due_timers();
  return true;
}

ExecutionStatus DurableRunner::status() const {
  impl_->require_started();
  return impl_->describe(impl_->current_arn).status;
}

TestResult DurableRunner::result() const {
  impl_->require_started();
  return impl_->snapshot(impl_->current_arn);
}

TestResult DurableRunner::result(const std::string& execution_arn) const {
  try {
    (void)impl_->describe(execution_arn);
  } catch (const ApiError& e) {
    throw RunnerError("DurableRunner::result: unknown execution " + execution_arn + " (" +
                      e.what() + ")");
  }
  return impl_->snapshot(execution_arn);
}

TestResult DurableRunner::wait_for_result(milliseconds timeout) {
  impl_->require_started();
  impl_->drive(impl_->current_arn, timeout);
  return impl_->snapshot(impl_->current_arn);
}

DeterminismReport DurableRunner::check_determinism(const Json& input) {
  return durable::testing::check_determinism(*this, impl_->handler_under_test, input);
}

DeterminismReport DurableRunner::check_determinism(const Json& input,
                                                   const DeterminismOptions& options) {
  return durable::testing::check_determinism(*this, impl_->handler_under_test, input, options);
}

const std::string& DurableRunner::execution_arn() const { return impl_->current_arn; }
emulator::Service& DurableRunner::service() { return *impl_->service; }
emulator::VirtualClock* DurableRunner::virtual_clock() { return impl_->virtual_clock; }
emulator::FunctionRegistry& DurableRunner::registry() { return impl_->registry; }
const RunnerOptions& DurableRunner::options() const { return impl_->options; }

}  // namespace durable::testing
