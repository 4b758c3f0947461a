#include "durable/model/envelope.hpp"

#include "model/json_fields.hpp"

namespace durable {

using namespace detail;

void to_json(Json& j, const DurableExecutionInvocationInput& v) {
  j = Json::object();
  j["DurableExecutionArn"] = v.durable_execution_arn;
  j["CheckpointToken"] = v.checkpoint_token;
  Json state = Json::object();
  state["Operations"] =
      operations_to_json(v.initial_execution_state.operations, TimeUnit::Milliseconds);
  put_opt(state, "NextMarker", v.initial_execution_state.next_marker);
  j["InitialExecutionState"] = std::move(state);
  put_opt(j, "UpdatedOperationIds", v.updated_operation_ids);
}

void from_json(const Json& j, DurableExecutionInvocationInput& v) {
  if (!j.is_object()) {
    throw ModelError("DurableExecutionInvocationInput",
                     "invocation event must be a JSON object with DurableExecutionArn, "
                     "CheckpointToken and InitialExecutionState, got " +
                         std::string(j.type_name()));
  }
  v.durable_execution_arn = read_string(j, "DurableExecutionArn");
  v.checkpoint_token = read_string(j, "CheckpointToken");
  v.initial_execution_state = {};
  if (auto it = j.find("InitialExecutionState"); it != j.end() && !it->is_null()) {
    with_field("InitialExecutionState", [&] {
      require_object(*it, "InitialExecutionState");
      if (auto ops = it->find("Operations"); ops != it->end() && !ops->is_null()) {
        v.initial_execution_state.operations =
            operations_from_json(*ops, TimeUnit::Milliseconds, "Operations");
      }
      v.initial_execution_state.next_marker = read_opt_string(*it, "NextMarker");
      return 0;
    });
  }
  v.updated_operation_ids = read_opt_string_list(j, "UpdatedOperationIds");
}

void to_json(Json& j, const DurableExecutionInvocationOutput& v) {
  j = Json::object();
  j["Status"] = to_string(v.status);
  put_opt(j, "Result", v.result);
  if (v.error) j["Error"] = *v.error;
}

void from_json(const Json& j, DurableExecutionInvocationOutput& v) {
  require_object(j, "DurableExecutionInvocationOutput");
  v.status = read_enum<InvocationStatus>(j, "Status");
  v.result = read_opt_string(j, "Result");
  v.error = read_opt_object<ErrorObject>(j, "Error");
}

}  // namespace durable
