#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "durable/model/api_error.hpp"
#include "durable/model/enums.hpp"
#include "durable/testing/conformance/callback_actions.hpp"
#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/durable_runner.hpp"

namespace durable::testing::conformance {

namespace {

using std::chrono::milliseconds;

// The service's upper bound for DurableConfig.ExecutionTimeout (366 days); the runner uses it
// when the requirement sets none.
constexpr std::chrono::seconds kMaxExecutionTimeout{31'622'400};
constexpr milliseconds kWallLimit = std::chrono::seconds(60);

// Sends planned actions through the emulator's callback API (what boto3's
// send_durable_execution_callback_* calls reach on the real service).
class ServiceCallbackController final : public CallbackController {
 public:
  explicit ServiceCallbackController(emulator::Service& service) : service_(service) {}

  void send_success(const std::string& callback_id, const std::string& result) override {
    SendDurableExecutionCallbackSuccessRequest request;
    request.callback_id = callback_id;
    request.result = result;
    service_.send_callback_success(request);
  }
  void send_failure(const std::string& callback_id, const Json& error) override {
    SendDurableExecutionCallbackFailureRequest request;
    request.callback_id = callback_id;
    if (!error.empty()) request.error = error.get<ErrorObject>();
    service_.send_callback_failure(request);
  }
  void send_heartbeat(const std::string& callback_id) override {
    SendDurableExecutionCallbackHeartbeatRequest request;
    request.callback_id = callback_id;
    service_.send_callback_heartbeat(request);
  }

 private:
  emulator::Service& service_;
};

struct ScheduledAction {
  Timestamp due;
  PlannedCallbackAction action;
};

std::string describe_action(const PlannedCallbackAction& a) {
  const char* op = a.operation == CallbackOperation::Success   ? "success"
                   : a.operation == CallbackOperation::Failure ? "failure"
                                                               : "heartbeat";
  return std::string(op) + " for callback '" + a.callback_name + "' (" + a.callback_id + ")";
}

}  // namespace

ExecutionOutcome DurableRunnerBackend::execute(const Requirement& requirement,
                                               const RegisteredHandler& handler, const Json& input,
                                               const Bindings& bindings) {
  RunnerOptions options;
  options.function_name = "conformance-" + requirement.id;
  options.capture_logs = true;
  options.plugins = handler.settings.plugins;
  DurableRunner runner(handler.handler, options);
  for (const auto& [name, fn] : handler.settings.durable_functions) {
    runner.register_durable_function(name, fn);
  }
  for (const auto& [name, target] : handler.settings.plain_functions) {
    runner.registry().register_function(name, target.function, target.options);
  }
  RunOptions run_options;
  run_options.timeout = kWallLimit;
  run_options.execution_timeout = handler.settings.execution_timeout;
  const std::string arn = runner.start(input, run_options);
  for (const auto& fault : handler.settings.checkpoint_faults) {
    runner.service().inject_checkpoint_fault(arn, fault.k, fault.kind);
  }

  emulator::Service& service = runner.service();
  emulator::VirtualClock* clock = runner.virtual_clock();
  ServiceCallbackController controller(service);
  CallbackActionPlanner planner(requirement.callback_actions, bindings);
  std::vector<ScheduledAction> scheduled;  // kept in due order, ties in planning order

  GetDurableExecutionRequest describe;
  describe.durable_execution_arn = arn;
  const Timestamp timeout_deadline =
      service.get_execution(describe).start_timestamp +
      handler.settings.execution_timeout.value_or(kMaxExecutionTimeout);
  const bool may_time_out = handler.settings.execution_timeout.has_value();
  const auto wall_deadline = std::chrono::steady_clock::now() + kWallLimit;

  auto stuck = [&](const std::string& why) -> std::runtime_error {
    const std::string waiting = service.describe_waiting(arn);
    return std::runtime_error("requirement " + requirement.id + ": execution " + why +
                              (waiting.empty() ? std::string() : "; it waits for: " + waiting));
  };

  for (;;) {
    runner.run_until_idle();
    if (is_terminal(service.get_execution(describe).status)) break;
    if (std::chrono::steady_clock::now() > wall_deadline) {
      throw stuck("did not finish within " + std::to_string(kWallLimit.count()) +
                  " ms of wall time");
    }
    // Callbacks that appeared since the last look get their actions, due after their Delay.
    for (auto& planned : planner.plan(runner.result().history_json())) {
      const Timestamp due = clock->now() + planned.delay;
      auto at = std::upper_bound(
          scheduled.begin(), scheduled.end(), due,
          [](const Timestamp& t, const ScheduledAction& s) { return t < s.due; });
      scheduled.insert(at, ScheduledAction{due, std::move(planned)});
    }
    const std::optional<Timestamp> timer = service.next_timer_due();
    if (!scheduled.empty() && (!timer || scheduled.front().due < *timer)) {
      ScheduledAction next = std::move(scheduled.front());
      scheduled.erase(scheduled.begin());
      clock->advance_to(next.due);
      try {
        dispatch_callback_action(next.action, controller);
      } catch (const ApiError& e) {
        throw std::runtime_error("requirement " + requirement.id + ": the service refused the " +
                                 describe_action(next.action) + ": " + e.code() + ": " +
                                 e.what());
      }
      continue;
    }
    if (!timer) throw stuck("cannot make progress: nothing to run, no callback action, no timer");
    if (!may_time_out && *timer >= timeout_deadline) {
      throw stuck("cannot make progress before its execution timeout");
    }
    runner.advance_to_next_timer();
  }

  const TestResult result = runner.result();
  ExecutionOutcome out;
  out.status = std::string(to_string(result.execution_status()));
  out.result = result.result_payload();
  out.history = result.history_json();
  out.logs = result.logs();
  out.logs_captured = true;
  out.timeline = result.timeline();
  return out;
}

}  // namespace durable::testing::conformance
