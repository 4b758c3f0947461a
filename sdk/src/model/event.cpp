#include "durable/model/event.hpp"

#include "model/json_fields.hpp"

namespace durable {
namespace {

using namespace detail;

Json input_json(const EventInput& v) {
  Json j = Json::object();
  put_opt(j, "Payload", v.payload);
  put_opt(j, "Truncated", v.truncated);
  return j;
}
Json result_json(const EventResult& v) {
  Json j = Json::object();
  put_opt(j, "Payload", v.payload);
  put_opt(j, "Truncated", v.truncated);
  return j;
}
Json error_json(const EventError& v) {
  Json j = Json::object();
  if (v.payload) j["Payload"] = *v.payload;
  put_opt(j, "Truncated", v.truncated);
  return j;
}
Json retry_json(const RetryDetails& v) {
  Json j = Json::object();
  put_opt(j, "CurrentAttempt", v.current_attempt);
  put_opt(j, "NextAttemptDelaySeconds", v.next_attempt_delay_seconds);
  return j;
}

EventInput read_input(const Json& j) {
  require_object(j, "EventInput");
  return {read_opt_string(j, "Payload"), read_opt_bool(j, "Truncated")};
}
EventResult read_result(const Json& j) {
  require_object(j, "EventResult");
  return {read_opt_string(j, "Payload"), read_opt_bool(j, "Truncated")};
}
EventError read_error(const Json& j) {
  require_object(j, "EventError");
  return {read_opt_object<ErrorObject>(j, "Payload"), read_opt_bool(j, "Truncated")};
}
RetryDetails read_retry(const Json& j) {
  require_object(j, "RetryDetails");
  return {read_opt_int(j, "CurrentAttempt"), read_opt_int(j, "NextAttemptDelaySeconds")};
}

// Reads member `key` of `j` with `f`, which must be present when `required`.
template <class F>
auto member(const Json& j, const std::string& key, bool required, F&& f)
    -> std::optional<decltype(f(j))> {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw ModelError(key, "missing required field " + key);
    return std::nullopt;
  }
  return with_field(key, [&] { return f(*it); });
}

struct DetailsWriter {
  Json operator()(const EmptyDetails&) const { return Json::object(); }
  Json operator()(const ExecutionStartedDetails& d) const {
    return {{"Input", input_json(d.input)}, {"ExecutionTimeout", d.execution_timeout}};
  }
  Json operator()(const ResultDetails& d) const { return {{"Result", result_json(d.result)}}; }
  Json operator()(const ErrorDetails& d) const {
    Json j = Json::object();
    if (d.error) j["Error"] = error_json(*d.error);
    return j;
  }
  Json operator()(const WaitStartedDetails& d) const {
    return {{"Duration", d.duration},
            {"ScheduledEndTimestamp", time_to_json(d.scheduled_end_timestamp, TimeUnit::Seconds)}};
  }
  Json operator()(const WaitSucceededDetails& d) const {
    Json j = Json::object();
    put_opt(j, "Duration", d.duration);
    return j;
  }
  Json operator()(const StepSucceededDetails& d) const {
    return {{"Result", result_json(d.result)}, {"RetryDetails", retry_json(d.retry_details)}};
  }
  Json operator()(const StepFailedDetails& d) const {
    return {{"Error", error_json(d.error)}, {"RetryDetails", retry_json(d.retry_details)}};
  }
  Json operator()(const ChainedInvokeStartedDetails& d) const {
    Json j = Json::object();
    j["FunctionName"] = d.function_name;
    put_opt(j, "TenantId", d.tenant_id);
    if (d.input) j["Input"] = input_json(*d.input);
    put_opt(j, "ExecutedVersion", d.executed_version);
    put_opt(j, "DurableExecutionArn", d.durable_execution_arn);
    return j;
  }
  Json operator()(const CallbackStartedDetails& d) const {
    Json j = Json::object();
    j["CallbackId"] = d.callback_id;
    put_opt(j, "HeartbeatTimeout", d.heartbeat_timeout);
    put_opt(j, "Timeout", d.timeout);
    return j;
  }
  Json operator()(const InvocationCompletedDetails& d) const {
    Json j = Json::object();
    j["StartTimestamp"] = time_to_json(d.start_timestamp, TimeUnit::Seconds);
    j["EndTimestamp"] = time_to_json(d.end_timestamp, TimeUnit::Seconds);
    j["RequestId"] = d.request_id;
    if (d.error) j["Error"] = error_json(*d.error);
    return j;
  }
};

// Parses the details member into the alternative `out` already holds (chosen by event type).
struct DetailsReader {
  const Json& j;
  void operator()(EmptyDetails&) const { require_object(j, "Details"); }
  void operator()(ExecutionStartedDetails& d) const {
    require_object(j, "Details");
    d.input = *member(j, "Input", true, read_input);
    d.execution_timeout = read_int(j, "ExecutionTimeout");
  }
  void operator()(ResultDetails& d) const {
    require_object(j, "Details");
    d.result = *member(j, "Result", true, read_result);
  }
  void operator()(ErrorDetails& d) const {
    require_object(j, "Details");
    d.error = member(j, "Error", false, read_error);
  }
  void operator()(WaitStartedDetails& d) const {
    require_object(j, "Details");
    d.duration = read_int(j, "Duration");
    d.scheduled_end_timestamp = read_time(j, "ScheduledEndTimestamp", TimeUnit::Seconds);
  }
  void operator()(WaitSucceededDetails& d) const {
    require_object(j, "Details");
    d.duration = read_opt_int(j, "Duration");
  }
  void operator()(StepSucceededDetails& d) const {
    require_object(j, "Details");
    d.result = *member(j, "Result", true, read_result);
    d.retry_details = member(j, "RetryDetails", false, read_retry).value_or(RetryDetails{});
  }
  void operator()(StepFailedDetails& d) const {
    require_object(j, "Details");
    d.error = *member(j, "Error", true, read_error);
    d.retry_details = member(j, "RetryDetails", false, read_retry).value_or(RetryDetails{});
  }
  void operator()(ChainedInvokeStartedDetails& d) const {
    require_object(j, "Details");
    d.function_name = read_string(j, "FunctionName");
    d.tenant_id = read_opt_string(j, "TenantId");
    d.input = member(j, "Input", false, read_input);
    d.executed_version = read_opt_string(j, "ExecutedVersion");
    d.durable_execution_arn = read_opt_string(j, "DurableExecutionArn");
  }
  void operator()(CallbackStartedDetails& d) const {
    require_object(j, "Details");
    d.callback_id = read_string(j, "CallbackId");
    d.heartbeat_timeout = read_opt_int(j, "HeartbeatTimeout");
    d.timeout = read_opt_int(j, "Timeout");
  }
  void operator()(InvocationCompletedDetails& d) const {
    require_object(j, "Details");
    d.start_timestamp = read_time(j, "StartTimestamp", TimeUnit::Seconds);
    d.end_timestamp = read_time(j, "EndTimestamp", TimeUnit::Seconds);
    d.request_id = read_string(j, "RequestId");
    d.error = member(j, "Error", false, read_error);
  }
};

}  // namespace

EventDetails default_details_for(EventType type) {
  switch (type) {
    case EventType::ExecutionStarted:
      return ExecutionStartedDetails{};
    case EventType::ExecutionSucceeded:
    case EventType::ContextSucceeded:
    case EventType::ChainedInvokeSucceeded:
    case EventType::CallbackSucceeded:
      return ResultDetails{};
    case EventType::ExecutionFailed:
    case EventType::ExecutionTimedOut:
    case EventType::ExecutionStopped:
    case EventType::ContextFailed:
    case EventType::WaitCancelled:
    case EventType::ChainedInvokeFailed:
    case EventType::ChainedInvokeTimedOut:
    case EventType::ChainedInvokeStopped:
    case EventType::CallbackFailed:
    case EventType::CallbackTimedOut:
      return ErrorDetails{};
    case EventType::WaitStarted:
      return WaitStartedDetails{};
    case EventType::WaitSucceeded:
      return WaitSucceededDetails{};
    case EventType::StepSucceeded:
      return StepSucceededDetails{};
    case EventType::StepFailed:
      return StepFailedDetails{};
    case EventType::ChainedInvokeStarted:
      return ChainedInvokeStartedDetails{};
    case EventType::CallbackStarted:
      return CallbackStartedDetails{};
    case EventType::InvocationCompleted:
      return InvocationCompletedDetails{};
    case EventType::ContextStarted:
    case EventType::StepStarted:
      return EmptyDetails{};
  }
  return EmptyDetails{};
}

std::string details_member_name(EventType type) {
  return std::string(to_string(type)) + "Details";
}

void to_json(Json& j, const Event& e) {
  j = Json::object();
  j["EventType"] = to_string(e.event_type);
  put_opt(j, "SubType", e.sub_type);
  j["EventId"] = e.event_id;
  put_opt(j, "Id", e.id);
  put_opt(j, "Name", e.name);
  j["EventTimestamp"] = time_to_json(e.event_timestamp, TimeUnit::Seconds);
  put_opt(j, "ParentId", e.parent_id);
  j[details_member_name(e.event_type)] = std::visit(DetailsWriter{}, e.details);
}

void from_json(const Json& j, Event& e) {
  require_object(j, "Event");
  e.event_type = read_enum<EventType>(j, "EventType");
  e.sub_type = read_opt_string(j, "SubType");
  e.event_id = read_int(j, "EventId");
  e.id = read_opt_string(j, "Id");
  e.name = read_opt_string(j, "Name");
  e.event_timestamp = read_time(j, "EventTimestamp", TimeUnit::Seconds);
  e.parent_id = read_opt_string(j, "ParentId");
  e.details = default_details_for(e.event_type);
  const std::string key = details_member_name(e.event_type);
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) throw ModelError(key, "missing required field " + key);
  with_field(key, [&] {
    std::visit(DetailsReader{*it}, e.details);
    return 0;
  });
}

}  // namespace durable
