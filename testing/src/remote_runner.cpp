#include "durable/testing/remote_runner.hpp"

#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/testing/operations_from_history.hpp"

namespace durable::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<Event> events_of(const Json& history) {
  std::vector<Event> events;
  for (const auto& e : history.at("Events")) events.push_back(e.get<Event>());
  return events;
}

std::string last_events(const std::vector<Event>& events) {
  if (events.empty()) return "no events";
  std::string out;
  for (std::size_t i = events.size() > 5 ? events.size() - 5 : 0; i < events.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += std::string(to_string(events[i].event_type));
    if (events[i].name) out += " '" + *events[i].name + "'";
  }
  return out;
}

}  // namespace

RemoteRunner::RemoteRunner(RemoteRunnerOptions options) : options_(std::move(options)) {
  if (options_.function_name.empty()) {
    throw std::invalid_argument("RemoteRunner: function_name is empty");
  }
  if (options_.poll_interval.count() <= 0) {
    throw std::invalid_argument("RemoteRunner: poll_interval must be positive");
  }
  if (options_.timeout.count() <= 0) {
    throw std::invalid_argument("RemoteRunner: timeout must be positive");
  }
  client_ = std::make_unique<LambdaApiClient>(options_.client);
}

std::string RemoteRunner::start(const Json& input) {
  const InvokeResult invoked =
      client_->invoke(options_.function_name, input.dump(), InvocationType::Event);
  if (!invoked.durable_execution_arn) {
    throw RunnerError("RemoteRunner: Invoke of " + options_.function_name + " at " +
                      options_.client.endpoint.origin() + " answered HTTP " +
                      std::to_string(invoked.status_code) +
                      " without an execution ARN: is it a durable function?");
  }
  arn_ = *invoked.durable_execution_arn;
  return arn_;
}

TestResult RemoteRunner::run(const Json& input) {
  start(input);
  return wait_for_result();
}

TestResult RemoteRunner::wait_for_result() {
  if (arn_.empty()) throw RunnerError("RemoteRunner::wait_for_result: nothing was started");
  const auto deadline = Clock::now() + options_.timeout;
  for (;;) {
    const auto execution = client_->get_execution(arn_);
    if (is_terminal(execution.status)) return result();
    if (Clock::now() > deadline) {
      const auto events = events_of(client_->get_history(arn_));
      throw RunnerError("RemoteRunner: execution " + arn_ + " of " + options_.function_name +
                        " did not end within " + std::to_string(options_.timeout.count()) +
                        " ms (status " + std::string(to_string(execution.status)) +
                        "; last events: " + last_events(events) +
                        "). Raise RemoteRunnerOptions::timeout if it is slow, answer its "
                        "callbacks if it waits for one, or read the function's logs.");
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

TestResult RemoteRunner::result() const {
  if (arn_.empty()) throw RunnerError("RemoteRunner::result: nothing was started");
  const auto execution = client_->get_execution(arn_);
  std::vector<Event> events = events_of(client_->get_history(arn_));
  TestResult::Snapshot snapshot;
  snapshot.execution_arn = arn_;
  snapshot.status = execution.status;
  snapshot.result = execution.result;
  snapshot.error = execution.error;
  snapshot.start_timestamp = execution.start_timestamp;
  snapshot.end_timestamp = execution.end_timestamp;
  snapshot.operations = operations_from_history(events, execution_operation_id(arn_));
  for (auto& op : snapshot.operations) {
    if (op.type == OperationType::Execution) op.name = execution.durable_execution_name;
  }
  return TestResult(std::move(snapshot), std::move(events));
}

std::string RemoteRunner::wait_for_callback(const std::string& name,
                                           std::chrono::milliseconds timeout) {
  if (arn_.empty()) throw RunnerError("RemoteRunner::wait_for_callback: nothing was started");
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> seen;
  for (;;) {
    const auto ops = operations_from_history(events_of(client_->get_history(arn_)),
                                             execution_operation_id(arn_));
    seen.clear();
    for (const auto& op : ops) {
      if (op.type != OperationType::Callback) continue;
      std::optional<std::string> parent_name;
      for (const auto& p : ops) {
        if (op.parent_id && p.id == *op.parent_id) parent_name = p.name;
      }
      const std::string shown = op.name.value_or(parent_name.value_or("(unnamed)"));
      seen.push_back(shown + " " + std::string(to_string(op.status)));
      const bool named = op.name == name || (!op.name && parent_name == name);
      if (named && op.status == OperationStatus::Started && op.callback_details &&
          op.callback_details->callback_id) {
        return *op.callback_details->callback_id;
      }
    }
    const auto execution = client_->get_execution(arn_);
    const bool ended = is_terminal(execution.status);
    if (ended || Clock::now() > deadline) {
      std::string list;
      for (const auto& s : seen) list += (list.empty() ? "" : ", ") + s;
      throw RunnerError("RemoteRunner::wait_for_callback: no open callback named '" + name +
                        "' in execution " + arn_ +
                        (ended ? " (it ended " + std::string(to_string(execution.status)) + ")"
                               : " within " + std::to_string(timeout.count()) + " ms") +
                        "; callbacks: " + (list.empty() ? "none" : list));
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

void RemoteRunner::send_callback_success(const std::string& callback_id, const Json& result) {
  client_->send_callback_success(callback_id, result.dump());
}
void RemoteRunner::send_callback_failure(const std::string& callback_id,
                                         const ErrorObject& error) {
  client_->send_callback_failure(callback_id, Json(error));
}
void RemoteRunner::send_callback_heartbeat(const std::string& callback_id) {
  client_->send_callback_heartbeat(callback_id);
}

std::optional<std::string> remote_function_for(const std::string& name,
                                               const lambda::EnvironmentLookup& env) {
  const auto mapping = env("DURABLE_TEST_FUNCTIONS");
  if (!mapping || mapping->empty()) return std::nullopt;
  std::size_t pos = 0;
  while (pos <= mapping->size()) {
    auto end = mapping->find(',', pos);
    if (end == std::string::npos) end = mapping->size();
    const std::string entry = mapping->substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      throw std::invalid_argument("DURABLE_TEST_FUNCTIONS: entry '" + entry +
                                  "' must be NAME=FUNCTION");
    }
    if (entry.substr(0, eq) == name) return entry.substr(eq + 1);
  }
  return std::nullopt;
}

LocalOrRemoteRunner::LocalOrRemoteRunner(const std::string& name, Handler handler,
                                         RunnerOptions options,
                                         const lambda::EnvironmentLookup& env) {
  if (auto function = remote_function_for(name, env)) {
    RemoteRunnerOptions remote;
    remote.client = LambdaApiClientOptions::for_endpoint("", env);
    remote.function_name = *function;
    remote_ = std::make_unique<RemoteRunner>(std::move(remote));
  } else {
    local_ = std::make_unique<DurableRunner>(std::move(handler), std::move(options));
  }
}

TestResult LocalOrRemoteRunner::run(const Json& input) {
  return remote_ ? remote_->run(input) : local_->run(input);
}
std::string LocalOrRemoteRunner::start(const Json& input) {
  return remote_ ? remote_->start(input) : local_->start(input);
}
TestResult LocalOrRemoteRunner::wait_for_result() {
  return remote_ ? remote_->wait_for_result() : local_->wait_for_result();
}
std::string LocalOrRemoteRunner::wait_for_callback(const std::string& name,
                                                   std::chrono::milliseconds timeout) {
  return remote_ ? remote_->wait_for_callback(name, timeout)
                 : local_->wait_for_callback(name, timeout);
}
void LocalOrRemoteRunner::send_callback_success(const std::string& callback_id,
                                                const Json& result) {
  remote_ ? remote_->send_callback_success(callback_id, result)
          : local_->send_callback_success(callback_id, result);
}
void LocalOrRemoteRunner::send_callback_failure(const std::string& callback_id,
                                                const ErrorObject& error) {
  remote_ ? remote_->send_callback_failure(callback_id, error)
          : local_->send_callback_failure(callback_id, error);
}
void LocalOrRemoteRunner::send_callback_heartbeat(const std::string& callback_id) {
  remote_ ? remote_->send_callback_heartbeat(callback_id)
          : local_->send_callback_heartbeat(callback_id);
}

}  // namespace durable::testing
