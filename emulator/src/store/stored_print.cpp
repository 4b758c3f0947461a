// Printers of the store's records (execution_store.hpp): what a failing store test shows.
#include <ostream>

#include "durable/emulator/execution_store.hpp"
#include "durable/model/json.hpp"

namespace durable::emulator {
namespace {

std::int64_t millis(Timestamp t) { return t.time_since_epoch().count(); }

template <class T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json();
}

Json invocation_json(const StoredInvocation& r) {
  return {{"request_id", r.request_id}, {"start", millis(r.start)}};
}

// Never throws: user strings with invalid UTF-8 are replaced in the printed text.
void print(std::ostream* os, const char* type, const Json& fields) {
  *os << type << fields.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

void PrintTo(const StoredInvocation& r, std::ostream* os) {
  print(os, "StoredInvocation", invocation_json(r));
}

void PrintTo(const StoredExecution& r, std::ostream* os) {
  Json j = {{"key", r.key},
            {"is_new", r.is_new},
            {"arn", r.arn},
            {"name", r.name},
            {"execution_op_id", r.execution_op_id},
            {"function_name", r.function_name},
            {"qualifier", r.qualifier},
            {"function_arn", r.function_arn},
            {"input", r.input},
            {"timeout_seconds", r.timeout_seconds},
            {"start_timestamp", millis(r.start_timestamp)},
            {"status", std::string(to_string(r.status))},
            {"end_timestamp", r.end_timestamp ? Json(millis(*r.end_timestamp)) : Json()},
            {"result", optional_json(r.result)},
            {"error", optional_json(r.error)},
            {"parent_arn", optional_json(r.parent_arn)},
            {"parent_op_id", r.parent_op_id},
            {"token_sequence", r.token_sequence},
            {"invocations_started", r.invocations_started},
            {"checkpoint_calls", r.checkpoint_calls},
            {"consecutive_failures", r.consecutive_failures},
            {"invocation_wanted", r.invocation_wanted},
            {"in_flight", r.in_flight ? invocation_json(*r.in_flight) : Json()},
            {"updated_operation_ids", r.updated_operation_ids}};
  print(os, "StoredExecution", j);
}

void PrintTo(const StoredOperation& r, std::ostream* os) {
  Json j = {{"execution_key", r.execution_key},
            {"index", r.index},
            {"op", operation_to_json(r.op, TimeUnit::Milliseconds)},
            {"wait_seconds", r.wait_seconds},
            {"heartbeat_seconds", r.heartbeat_seconds},
            {"invoke_input", optional_json(r.invoke_input)},
            {"invoke_times_out_after", optional_json(r.invoke_times_out_after)}};
  if (r.invoke_options) {
    Json options = {{"FunctionName", r.invoke_options->function_name}};
    if (r.invoke_options->tenant_id) options["TenantId"] = *r.invoke_options->tenant_id;
    j["invoke_options"] = std::move(options);
  } else {
    j["invoke_options"] = nullptr;
  }
  print(os, "StoredOperation", j);
}

void PrintTo(const StoredEvent& r, std::ostream* os) {
  print(os, "StoredEvent", {{"execution_key", r.execution_key}, {"event", r.event}});
}

void PrintTo(const StoredTimer& r, std::ostream* os) {
  print(os, "StoredTimer",
        {{"execution_key", r.execution_key},
         {"kind", r.kind},
         {"op_id", r.op_id},
         {"due", millis(r.due)}});
}

void PrintTo(const StoredClientToken& r, std::ostream* os) {
  print(os, "StoredClientToken",
        {{"execution_key", r.execution_key},
         {"client_token", r.client_token},
         {"checkpoint_token", r.checkpoint_token},
         {"response", r.response}});
}

}  // namespace durable::emulator
