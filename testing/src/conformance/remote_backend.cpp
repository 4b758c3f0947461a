#include "durable/testing/conformance/remote_backend.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "durable/model/api_error.hpp"
#include "durable/model/enums.hpp"
#include "durable/testing/conformance/callback_actions.hpp"

namespace durable::testing::conformance {
namespace {

using Clock = std::chrono::steady_clock;

class ApiCallbackController final : public CallbackController {
 public:
  explicit ApiCallbackController(LambdaApiClient& client) : client_(client) {}
  void send_success(const std::string& callback_id, const std::string& result) override {
    client_.send_callback_success(callback_id, result);
  }
  void send_failure(const std::string& callback_id, const Json& error) override {
    client_.send_callback_failure(callback_id, error);
  }
  void send_heartbeat(const std::string& callback_id) override {
    client_.send_callback_heartbeat(callback_id);
  }

 private:
  LambdaApiClient& client_;
};

struct ScheduledAction {
  Clock::time_point due;
  PlannedCallbackAction action;
};

std::string describe_action(const PlannedCallbackAction& a) {
  const char* op = a.operation == CallbackOperation::Success   ? "success"
                   : a.operation == CallbackOperation::Failure ? "failure"
                                                               : "heartbeat";
  return std::string(op) + " for callback '" + a.callback_name + "' (" + a.callback_id + ")";
}

std::uintmax_t file_size_or_zero(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// The JSON lines of `path` from byte `from` on that belong to execution `arn`.
std::vector<std::string> read_execution_logs(const std::filesystem::path& path,
                                             std::uintmax_t from, const std::string& arn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the log file " + path.string());
  in.seekg(static_cast<std::streamoff>(from));
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() != '{') continue;
    const Json record = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object()) continue;
    for (const char* key : {"executionArn", "durableExecutionArn"}) {
      auto it = record.find(key);
      if (it != record.end() && it->is_string() && it->get<std::string>() == arn) {
        lines.push_back(line);
        break;
      }
    }
  }
  return lines;
}

// The last few events, for a message about an execution that never ended.
std::string tail_of(const Json& history) {
  const Json* events = &history;
  if (history.is_object() && history.contains("Events")) events = &history["Events"];
  if (!events->is_array() || events->empty()) return "no events";
  std::string out;
  const std::size_t n = events->size();
  for (std::size_t i = n > 5 ? n - 5 : 0; i < n; ++i) {
    const Json& e = (*events)[i];
    if (!out.empty()) out += ", ";
    out += e.value("EventType", std::string("?"));
    if (e.contains("Name") && e["Name"].is_string()) out += " '" + e["Name"].get<std::string>() + "'";
  }
  return "last events: " + out;
}

}  // namespace

RemoteBackend::RemoteBackend(RemoteBackendOptions options)
    : options_(std::move(options)), client_(options_.client) {
  if (options_.poll_interval.count() <= 0) {
    throw std::invalid_argument("RemoteBackend: poll_interval must be positive");
  }
  if (options_.wall_limit.count() <= 0) {
    throw std::invalid_argument("RemoteBackend: wall_limit must be positive");
  }
}

ExecutionOutcome RemoteBackend::execute(const Requirement& requirement,
                                        const RegisteredHandler& /*handler*/, const Json& input,
                                        const Bindings& bindings) {
  const std::string function = options_.function_prefix + requirement.id;
  const std::string where = "requirement " + requirement.id + " (function " + function + " at " +
                            client_.options().endpoint.origin() + ")";
  const std::uintmax_t log_start =
      options_.log_file ? file_size_or_zero(*options_.log_file) : 0;

  InvokeResult invoked;
  try {
    invoked = client_.invoke(function, input.dump(), InvocationType::Event);
  } catch (const std::exception& e) {
    throw std::runtime_error(where + ": Invoke failed: " + e.what());
  }
  if (!invoked.durable_execution_arn) {
    throw std::runtime_error(where + ": Invoke answered HTTP " +
                             std::to_string(invoked.status_code) +
                             " without X-Amz-Durable-Execution-Arn (is it a durable function?)");
  }
  const std::string arn = *invoked.durable_execution_arn;

  ApiCallbackController controller(client_);
  CallbackActionPlanner planner(requirement.callback_actions, bindings);
  std::vector<ScheduledAction> scheduled;  // kept in due order, ties in planning order
  const auto wall_deadline = Clock::now() + options_.wall_limit;
  Json history = Json::object();
  GetDurableExecutionResponse execution;

  for (;;) {
    execution = client_.get_execution(arn);
    if (is_terminal(execution.status)) break;
    if (Clock::now() > wall_deadline) {
      try {
        client_.stop_execution(arn);
      } catch (const std::exception&) {
        // Best effort: the message below is what matters.
      }
      throw std::runtime_error(where + ": execution " + arn + " did not finish within " +
                               std::to_string(options_.wall_limit.count()) +
                               " ms of wall time (stopped); " + tail_of(history));
    }
    if (planner.has_actions()) {
      history = client_.get_history(arn);
      for (auto& planned : planner.plan(history)) {
        const auto due = Clock::now() + planned.delay;
        auto at = std::upper_bound(
            scheduled.begin(), scheduled.end(), due,
            [](const Clock::time_point& t, const ScheduledAction& s) { return t < s.due; });
        scheduled.insert(at, ScheduledAction{due, std::move(planned)});
      }
      while (!scheduled.empty() && scheduled.front().due <= Clock::now()) {
        ScheduledAction next = std::move(scheduled.front());
        scheduled.erase(scheduled.begin());
        try {
          dispatch_callback_action(next.action, controller);
        } catch (const ApiError& e) {
          throw std::runtime_error(where + ": the service refused the " +
                                   describe_action(next.action) + ": " + e.code() + ": " +
                                   e.what());
        }
      }
    }
    auto sleep = options_.poll_interval;
    if (!scheduled.empty()) {
      const auto until_due = std::chrono::duration_cast<std::chrono::milliseconds>(
          scheduled.front().due - Clock::now());
      sleep = std::clamp(until_due, std::chrono::milliseconds(0), sleep);
    }
    std::this_thread::sleep_for(sleep);
  }

  ExecutionOutcome out;
  out.status = std::string(to_string(execution.status));
  out.result = execution.result;
  out.history = client_.get_history(arn);
  if (options_.log_file) {
    out.logs = read_execution_logs(*options_.log_file, log_start, arn);
    out.logs_captured = true;
  }
  return out;
}

}  // namespace durable::testing::conformance
