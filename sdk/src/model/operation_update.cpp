#include "durable/model/operation_update.hpp"

#include "model/json_fields.hpp"

namespace durable {

using namespace detail;

void to_json(Json& j, const OperationUpdate& u) {
  j = Json::object();
  j["Id"] = u.id;
  put_opt(j, "ParentId", u.parent_id);
  put_opt(j, "Name", u.name);
  j["Type"] = to_string(u.type);
  put_opt(j, "SubType", u.sub_type);
  j["Action"] = to_string(u.action);
  put_opt(j, "Payload", u.payload);
  if (u.error) j["Error"] = *u.error;
  if (u.context_options) {
    Json o = Json::object();
    put_opt(o, "ReplayChildren", u.context_options->replay_children);
    j["ContextOptions"] = std::move(o);
  }
  if (u.step_options) {
    Json o = Json::object();
    put_opt(o, "NextAttemptDelaySeconds", u.step_options->next_attempt_delay_seconds);
    j["StepOptions"] = std::move(o);
  }
  if (u.wait_options) {
    Json o = Json::object();
    put_opt(o, "WaitSeconds", u.wait_options->wait_seconds);
    j["WaitOptions"] = std::move(o);
  }
  if (u.callback_options) {
    Json o = Json::object();
    put_opt(o, "TimeoutSeconds", u.callback_options->timeout_seconds);
    put_opt(o, "HeartbeatTimeoutSeconds", u.callback_options->heartbeat_timeout_seconds);
    j["CallbackOptions"] = std::move(o);
  }
  if (u.chained_invoke_options) {
    Json o = Json::object();
    o["FunctionName"] = u.chained_invoke_options->function_name;
    put_opt(o, "TenantId", u.chained_invoke_options->tenant_id);
    j["ChainedInvokeOptions"] = std::move(o);
  }
}

void from_json(const Json& j, ContextOptions& o) {
  require_object(j, "ContextOptions");
  o.replay_children = read_opt_bool(j, "ReplayChildren");
}
void from_json(const Json& j, StepOptions& o) {
  require_object(j, "StepOptions");
  o.next_attempt_delay_seconds = read_opt_int(j, "NextAttemptDelaySeconds");
}
void from_json(const Json& j, WaitOptions& o) {
  require_object(j, "WaitOptions");
  o.wait_seconds = read_opt_int(j, "WaitSeconds");
}
void from_json(const Json& j, CallbackOptions& o) {
  require_object(j, "CallbackOptions");
  o.timeout_seconds = read_opt_int(j, "TimeoutSeconds");
  o.heartbeat_timeout_seconds = read_opt_int(j, "HeartbeatTimeoutSeconds");
}
void from_json(const Json& j, ChainedInvokeOptions& o) {
  require_object(j, "ChainedInvokeOptions");
  o.function_name = read_string(j, "FunctionName");
  o.tenant_id = read_opt_string(j, "TenantId");
}

void from_json(const Json& j, OperationUpdate& u) {
  require_object(j, "OperationUpdate");
  u.id = read_string(j, "Id");
  u.parent_id = read_opt_string(j, "ParentId");
  u.name = read_opt_string(j, "Name");
  u.type = read_enum<OperationType>(j, "Type");
  u.sub_type = read_opt_string(j, "SubType");
  u.action = read_enum<OperationAction>(j, "Action");
  u.payload = read_opt_string(j, "Payload");
  u.error = read_opt_object<ErrorObject>(j, "Error");
  u.context_options = read_opt_object<ContextOptions>(j, "ContextOptions");
  u.step_options = read_opt_object<StepOptions>(j, "StepOptions");
  u.wait_options = read_opt_object<WaitOptions>(j, "WaitOptions");
  u.callback_options = read_opt_object<CallbackOptions>(j, "CallbackOptions");
  u.chained_invoke_options = read_opt_object<ChainedInvokeOptions>(j, "ChainedInvokeOptions");
}

}  // namespace durable
