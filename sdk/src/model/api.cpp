#include "durable/model/api.hpp"

#include "model/json_fields.hpp"

namespace durable {

using namespace detail;

namespace {

std::vector<Event> read_events(const Json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) throw ModelError(key, "missing required field " + key);
  if (!it->is_array()) wrong_type(key, "array", *it);
  std::vector<Event> out;
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    out.push_back(with_field(key + "[" + std::to_string(i) + "]", [&] {
      Event e;
      from_json((*it)[i], e);
      return e;
    }));
  }
  return out;
}

std::vector<Operation> read_ops(const Json& j, const std::string& key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw ModelError(key, "missing required field " + key);
    return {};
  }
  return operations_from_json(*it, TimeUnit::Seconds, key);
}

}  // namespace

void to_json(Json& j, const CheckpointDurableExecutionRequest& v) {
  j = Json::object();
  j["CheckpointToken"] = v.checkpoint_token;
  j["Updates"] = v.updates;
  put_opt(j, "ClientToken", v.client_token);
}

void from_json(const Json& j, CheckpointDurableExecutionRequest& v) {
  require_object(j, "CheckpointDurableExecutionRequest");
  v.checkpoint_token = read_string(j, "CheckpointToken");
  v.updates.clear();
  if (auto it = j.find("Updates"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) wrong_type("Updates", "array", *it);
    v.updates.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) {
      v.updates.push_back(with_field("Updates[" + std::to_string(i) + "]", [&] {
        OperationUpdate u;
        from_json((*it)[i], u);
        return u;
      }));
    }
  }
  v.client_token = read_opt_string(j, "ClientToken");
}

void to_json(Json& j, const CheckpointDurableExecutionResponse& v) {
  j = Json::object();
  put_opt(j, "CheckpointToken", v.checkpoint_token);
  Json state = Json::object();
  state["Operations"] = operations_to_json(v.new_execution_state.operations);
  put_opt(state, "NextMarker", v.new_execution_state.next_marker);
  j["NewExecutionState"] = std::move(state);
}

void from_json(const Json& j, CheckpointDurableExecutionResponse& v) {
  require_object(j, "CheckpointDurableExecutionResponse");
  v.checkpoint_token = read_opt_string(j, "CheckpointToken");
  auto it = j.find("NewExecutionState");
  if (it == j.end() || it->is_null()) {
    throw ModelError("NewExecutionState", "missing required field NewExecutionState");
  }
  with_field("NewExecutionState", [&] {
    require_object(*it, "NewExecutionState");
    v.new_execution_state.operations = read_ops(*it, "Operations", false);
    v.new_execution_state.next_marker = read_opt_string(*it, "NextMarker");
    return 0;
  });
}

void to_json(Json& j, const GetDurableExecutionStateResponse& v) {
  j = Json::object();
  j["Operations"] = operations_to_json(v.operations);
  put_opt(j, "NextMarker", v.next_marker);
}

void from_json(const Json& j, GetDurableExecutionStateResponse& v) {
  require_object(j, "GetDurableExecutionStateResponse");
  v.operations = read_ops(j, "Operations", true);
  v.next_marker = read_opt_string(j, "NextMarker");
}

void to_json(Json& j, const GetDurableExecutionResponse& v) {
  j = Json::object();
  j["DurableExecutionArn"] = v.durable_execution_arn;
  j["DurableExecutionName"] = v.durable_execution_name;
  j["FunctionArn"] = v.function_arn;
  put_opt(j, "InputPayload", v.input_payload);
  put_opt(j, "Result", v.result);
  if (v.error) j["Error"] = *v.error;
  j["StartTimestamp"] = time_to_json(v.start_timestamp, TimeUnit::Seconds);
  j["Status"] = to_string(v.status);
  if (v.end_timestamp) j["EndTimestamp"] = time_to_json(*v.end_timestamp, TimeUnit::Seconds);
  put_opt(j, "Version", v.version);
  if (v.trace_header) {
    Json t = Json::object();
    put_opt(t, "XAmznTraceId", v.trace_header->x_amzn_trace_id);
    j["TraceHeader"] = std::move(t);
  }
}

void from_json(const Json& j, GetDurableExecutionResponse& v) {
  require_object(j, "GetDurableExecutionResponse");
  v.durable_execution_arn = read_string(j, "DurableExecutionArn");
  v.durable_execution_name = read_string(j, "DurableExecutionName");
  v.function_arn = read_string(j, "FunctionArn");
  v.input_payload = read_opt_string(j, "InputPayload");
  v.result = read_opt_string(j, "Result");
  v.error = read_opt_object<ErrorObject>(j, "Error");
  v.start_timestamp = read_time(j, "StartTimestamp", TimeUnit::Seconds);
  v.status = read_enum<ExecutionStatus>(j, "Status");
  v.end_timestamp = read_opt_time(j, "EndTimestamp", TimeUnit::Seconds);
  v.version = read_opt_string(j, "Version");
  v.trace_header.reset();
  if (auto it = j.find("TraceHeader"); it != j.end() && !it->is_null()) {
    with_field("TraceHeader", [&] {
      require_object(*it, "TraceHeader");
      v.trace_header = TraceHeader{read_opt_string(*it, "XAmznTraceId")};
      return 0;
    });
  }
}

void to_json(Json& j, const GetDurableExecutionHistoryResponse& v) {
  j = Json::object();
  j["Events"] = v.events;
  put_opt(j, "NextMarker", v.next_marker);
}

void from_json(const Json& j, GetDurableExecutionHistoryResponse& v) {
  require_object(j, "GetDurableExecutionHistoryResponse");
  v.events = read_events(j, "Events");
  v.next_marker = read_opt_string(j, "NextMarker");
}

void to_json(Json& j, const ExecutionSummary& v) {
  j = Json::object();
  j["DurableExecutionArn"] = v.durable_execution_arn;
  j["DurableExecutionName"] = v.durable_execution_name;
  j["FunctionArn"] = v.function_arn;
  j["Status"] = to_string(v.status);
  j["StartTimestamp"] = time_to_json(v.start_timestamp, TimeUnit::Seconds);
  if (v.end_timestamp) j["EndTimestamp"] = time_to_json(*v.end_timestamp, TimeUnit::Seconds);
}

void from_json(const Json& j, ExecutionSummary& v) {
  require_object(j, "Execution");
  v.durable_execution_arn = read_string(j, "DurableExecutionArn");
  v.durable_execution_name = read_string(j, "DurableExecutionName");
  v.function_arn = read_string(j, "FunctionArn");
  v.status = read_enum<ExecutionStatus>(j, "Status");
  v.start_timestamp = read_time(j, "StartTimestamp", TimeUnit::Seconds);
  v.end_timestamp = read_opt_time(j, "EndTimestamp", TimeUnit::Seconds);
}

void to_json(Json& j, const ListDurableExecutionsByFunctionResponse& v) {
  j = Json::object();
  j["DurableExecutions"] = v.durable_executions;
  put_opt(j, "NextMarker", v.next_marker);
}

void from_json(const Json& j, ListDurableExecutionsByFunctionResponse& v) {
  require_object(j, "ListDurableExecutionsByFunctionResponse");
  v.durable_executions.clear();
  if (auto it = j.find("DurableExecutions"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) wrong_type("DurableExecutions", "array", *it);
    for (std::size_t i = 0; i < it->size(); ++i) {
      v.durable_executions.push_back(
          with_field("DurableExecutions[" + std::to_string(i) + "]", [&] {
            ExecutionSummary s;
            from_json((*it)[i], s);
            return s;
          }));
    }
  }
  v.next_marker = read_opt_string(j, "NextMarker");
}

void to_json(Json& j, const StopDurableExecutionResponse& v) {
  j = Json::object();
  j["StopTimestamp"] = time_to_json(v.stop_timestamp, TimeUnit::Seconds);
}

void from_json(const Json& j, StopDurableExecutionResponse& v) {
  require_object(j, "StopDurableExecutionResponse");
  v.stop_timestamp = read_time(j, "StopTimestamp", TimeUnit::Seconds);
}

}  // namespace durable
