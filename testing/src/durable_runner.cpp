#include "durable/testing/durable_runner.hpp"

#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "in_process_checkpoint_client.hpp"

namespace durable::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The service's upper bound for DurableConfig.ExecutionTimeout (366 days).
constexpr std::int64_t kMaxExecutionTimeoutSeconds = 31'622'400;

std::string describe_error(const ErrorObject& e) {
  return e.error_type.value_or("Error") + ": " + e.error_message.value_or("");
}

}  // namespace

struct DurableRunner::Impl {
  // What the runner keeps per execution besides what the emulator stores.
  struct ExecutionRecord {
    std::vector<InvocationRecord> invocations;
    std::vector<std::string> logs;
    // Instant the execution times out; the runner refuses to fast-forward to it unless the test
    // asked for an execution timeout, because reaching it means the execution was stuck.
    Timestamp timeout_deadline{};
    bool may_time_out = false;
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

  emulator::DurableFunction wrap(Handler handler) {
    return [this, handler = std::move(handler)](const DurableExecutionInvocationInput& input) {
      detail::InProcessCheckpointClient client(*service);
      InvocationOptions invocation_options;
      invocation_options.request_id = in_flight_request_id;
      invocation_options.log_level = LogLevel::Debug;
      if (options.capture_logs) {
        auto* logs = &executions[input.durable_execution_arn].logs;
        invocation_options.log_sink = [this, logs](std::string_view line) {
          std::lock_guard lock(log_mu);
          logs->emplace_back(line);
        };
      } else {
        invocation_options.log_sink = [](std::string_view) {};
      }
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
    if (auto fn = registry.find(pending->function_name)) {
      in_flight_request_id = pending->request_id;
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
    service->complete_invocation(pending->durable_execution_arn, pending->request_id, outcome);
    executions[pending->durable_execution_arn].invocations.push_back(std::move(record));
    return true;
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

  // Quiescence loop: run everything that is ready, and only when nothing is, move the clock to the
  // next timer. Ends when `arn` is terminal; throws RunnerError when it cannot get there.
  void drive(const std::string& arn, milliseconds wall_limit) {
    const auto wall_deadline = SteadyClock::now() + wall_limit;
    auto check_wall = [&] {
      if (SteadyClock::now() > wall_deadline) {
        fail_stuck(arn, "did not finish within the wall-clock limit of " +
                            std::to_string(wall_limit.count()) + " ms");
      }
    };
    const auto& record = executions[arn];
    for (;;) {
      while (run_one()) check_wall();
      if (is_terminal(describe(arn).status)) return;
      check_wall();
      const auto due = service->next_timer_due();
      if (!due) {
        fail_stuck(arn, "cannot make progress: no invocation is ready and no timer is armed");
      }
      if (!record.may_time_out && *due >= record.timeout_deadline) {
        fail_stuck(arn,
                   "cannot make progress: nothing is left to run before its execution timeout "
                   "(set RunOptions.execution_timeout to let it time out)");
      }
      if (virtual_clock) {
        virtual_clock->advance_to(*due);
      } else {
        const auto wait = *due - clock->now();
        if (wait > milliseconds(0)) {
          const auto remaining = std::chrono::duration_cast<milliseconds>(wall_deadline - SteadyClock::now());
          std::this_thread::sleep_for(std::min<milliseconds>(wait, remaining + milliseconds(1)));
          check_wall();
        }
      }
      service->fire_due_timers();
    }
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
    return TestResult(std::move(snap), service);
  }
};

DurableRunner::DurableRunner(Handler handler, RunnerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
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
  impl_->registry.register_durable_function(name, impl_->wrap(std::move(handler)));
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
  const auto response = impl_->service->start_execution(request);
  const auto& arn = response.durable_execution_arn;
  auto& record = impl_->executions[arn];
  record.may_time_out = options.execution_timeout.has_value();
  record.timeout_deadline = impl_->describe(arn).start_timestamp +
                            std::chrono::seconds(request.execution_timeout_seconds);
  impl_->current_arn = arn;
  return arn;
}

std::size_t DurableRunner::run_until_idle() { return impl_->run_ready(); }

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

InvocationStatus DurableRunner::status() const {
  impl_->require_started();
  return to_invocation_status(impl_->describe(impl_->current_arn).status);
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

const std::string& DurableRunner::execution_arn() const { return impl_->current_arn; }
emulator::Service& DurableRunner::service() { return *impl_->service; }
emulator::VirtualClock* DurableRunner::virtual_clock() { return impl_->virtual_clock; }
emulator::FunctionRegistry& DurableRunner::registry() { return impl_->registry; }
const RunnerOptions& DurableRunner::options() const { return impl_->options; }

}  // namespace durable::testing
