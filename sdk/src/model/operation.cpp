#include "durable/model/operation.hpp"

#include "model/json_fields.hpp"

namespace durable {
namespace {

using namespace detail;

Json error_json(const ErrorObject& e) {
  Json j;
  to_json(j, e);
  return j;
}

}  // namespace

Json operation_to_json(const Operation& op, TimeUnit unit) {
  Json j = Json::object();
  j["Id"] = op.id;
  put_opt(j, "ParentId", op.parent_id);
  put_opt(j, "Name", op.name);
  j["Type"] = to_string(op.type);
  put_opt(j, "SubType", op.sub_type);
  j["StartTimestamp"] = time_to_json(op.start_timestamp, unit);
  if (op.end_timestamp) j["EndTimestamp"] = time_to_json(*op.end_timestamp, unit);
  j["Status"] = to_string(op.status);
  if (op.execution_details) {
    Json d = Json::object();
    put_opt(d, "InputPayload", op.execution_details->input_payload);
    j["ExecutionDetails"] = std::move(d);
  }
  if (op.context_details) {
    Json d = Json::object();
    put_opt(d, "ReplayChildren", op.context_details->replay_children);
    put_opt(d, "Result", op.context_details->result);
    if (op.context_details->error) d["Error"] = error_json(*op.context_details->error);
    j["ContextDetails"] = std::move(d);
  }
  if (op.step_details) {
    Json d = Json::object();
    put_opt(d, "Attempt", op.step_details->attempt);
    if (op.step_details->next_attempt_timestamp) {
      d["NextAttemptTimestamp"] = time_to_json(*op.step_details->next_attempt_timestamp, unit);
    }
    put_opt(d, "Result", op.step_details->result);
    if (op.step_details->error) d["Error"] = error_json(*op.step_details->error);
    j["StepDetails"] = std::move(d);
  }
  if (op.wait_details) {
    Json d = Json::object();
    if (op.wait_details->scheduled_end_timestamp) {
      d["ScheduledEndTimestamp"] = time_to_json(*op.wait_details->scheduled_end_timestamp, unit);
    }
    j["WaitDetails"] = std::move(d);
  }
  if (op.callback_details) {
    Json d = Json::object();
    put_opt(d, "CallbackId", op.callback_details->callback_id);
    put_opt(d, "Result", op.callback_details->result);
    if (op.callback_details->error) d["Error"] = error_json(*op.callback_details->error);
    j["CallbackDetails"] = std::move(d);
  }
  if (op.chained_invoke_details) {
    Json d = Json::object();
    put_opt(d, "Result", op.chained_invoke_details->result);
    if (op.chained_invoke_details->error) {
      d["Error"] = error_json(*op.chained_invoke_details->error);
    }
    j["ChainedInvokeDetails"] = std::move(d);
  }
  return j;
}

namespace {

// Runs `f` on the nested object `key` if present, with the key prefixed on errors.
template <class F>
void nested(const Json& j, const std::string& key, F&& f) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (!it->is_object()) wrong_type(key, "object", *it);
  with_field(key, [&] {
    f(*it);
    return 0;
  });
}

}  // namespace

Operation operation_from_json(const Json& j, TimeUnit unit) {
  require_object(j, "Operation");
  Operation op;
  op.id = read_string(j, "Id");
  op.parent_id = read_opt_string(j, "ParentId");
  op.name = read_opt_string(j, "Name");
  op.type = read_enum<OperationType>(j, "Type");
  op.sub_type = read_opt_string(j, "SubType");
  op.start_timestamp = read_time(j, "StartTimestamp", unit);
  op.end_timestamp = read_opt_time(j, "EndTimestamp", unit);
  op.status = read_enum<OperationStatus>(j, "Status");
  nested(j, "ExecutionDetails", [&](const Json& d) {
    op.execution_details = ExecutionDetails{read_opt_string(d, "InputPayload")};
  });
  nested(j, "ContextDetails", [&](const Json& d) {
    op.context_details = ContextDetails{read_opt_bool(d, "ReplayChildren"),
                                        read_opt_string(d, "Result"),
                                        read_opt_object<ErrorObject>(d, "Error")};
  });
  nested(j, "StepDetails", [&](const Json& d) {
    op.step_details = StepDetails{read_opt_int(d, "Attempt"),
                                  read_opt_time(d, "NextAttemptTimestamp", unit),
                                  read_opt_string(d, "Result"),
                                  read_opt_object<ErrorObject>(d, "Error")};
  });
  nested(j, "WaitDetails", [&](const Json& d) {
    op.wait_details = WaitDetails{read_opt_time(d, "ScheduledEndTimestamp", unit)};
  });
  nested(j, "CallbackDetails", [&](const Json& d) {
    op.callback_details = CallbackDetails{read_opt_string(d, "CallbackId"),
                                          read_opt_string(d, "Result"),
                                          read_opt_object<ErrorObject>(d, "Error")};
  });
  nested(j, "ChainedInvokeDetails", [&](const Json& d) {
    op.chained_invoke_details = ChainedInvokeDetails{read_opt_string(d, "Result"),
                                                     read_opt_object<ErrorObject>(d, "Error")};
  });
  return op;
}

Json operations_to_json(const std::vector<Operation>& ops, TimeUnit unit) {
  Json arr = Json::array();
  for (const auto& op : ops) arr.push_back(operation_to_json(op, unit));
  return arr;
}

std::vector<Operation> operations_from_json(const Json& j, TimeUnit unit,
                                            const std::string& field) {
  if (!j.is_array()) wrong_type(field, "array", j);
  std::vector<Operation> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(with_field(field + "[" + std::to_string(i) + "]",
                             [&] { return operation_from_json(j[i], unit); }));
  }
  return out;
}

void to_json(Json& j, const Operation& op) { j = operation_to_json(op, TimeUnit::Seconds); }
void from_json(const Json& j, Operation& op) { op = operation_from_json(j, TimeUnit::Seconds); }

}  // namespace durable
