// Requests and responses of the ten durable routes (../shared/spec/lambda-durable-api.json).
// Path and query members (DurableExecutionArn, CallbackId, FunctionName, query filters) are
// fields here too; JSON conversion writes only the body members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/event.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"

namespace durable {

struct CheckpointDurableExecutionRequest {
  std::string durable_execution_arn;  // path
  std::string checkpoint_token;
  std::vector<OperationUpdate> updates;
  std::optional<std::string> client_token;
};
struct CheckpointUpdatedExecutionState {
  std::vector<Operation> operations;
  std::optional<std::string> next_marker;
};
struct CheckpointDurableExecutionResponse {
  std::optional<std::string> checkpoint_token;  // absent once the execution is terminal
  CheckpointUpdatedExecutionState new_execution_state;
};

struct GetDurableExecutionStateRequest {
  std::string durable_execution_arn;  // path
  std::string checkpoint_token;       // query
  std::optional<std::string> marker;  // query
  std::optional<std::int64_t> max_items;  // query, 0..1000, 0 = default 100
};
struct GetDurableExecutionStateResponse {
  std::vector<Operation> operations;
  std::optional<std::string> next_marker;
};

struct GetDurableExecutionRequest {
  std::string durable_execution_arn;
};
struct TraceHeader {
  std::optional<std::string> x_amzn_trace_id;
};
struct GetDurableExecutionResponse {
  std::string durable_execution_arn;
  std::string durable_execution_name;
  std::string function_arn;
  std::optional<std::string> input_payload;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
  Timestamp start_timestamp{};
  ExecutionStatus status = ExecutionStatus::Running;
  std::optional<Timestamp> end_timestamp;
  std::optional<std::string> version;
  std::optional<TraceHeader> trace_header;
};

struct GetDurableExecutionHistoryRequest {
  std::string durable_execution_arn;
  std::optional<bool> include_execution_data;  // default true
  std::optional<std::int64_t> max_items;       // 0..1000, 0 = default 100
  std::optional<std::string> marker;
  std::optional<bool> reverse_order;
};
struct GetDurableExecutionHistoryResponse {
  std::vector<Event> events;
  std::optional<std::string> next_marker;
};

struct ListDurableExecutionsByFunctionRequest {
  std::string function_name;
  std::optional<std::string> qualifier;
  std::optional<std::string> durable_execution_name;
  std::vector<ExecutionStatus> statuses;
  std::optional<Timestamp> started_after;
  std::optional<Timestamp> started_before;
  std::optional<bool> reverse_order;
  std::optional<std::string> marker;
  std::optional<std::int64_t> max_items;
};
struct ExecutionSummary {  // the model's `Execution` shape
  std::string durable_execution_arn;
  std::string durable_execution_name;
  std::string function_arn;
  ExecutionStatus status = ExecutionStatus::Running;
  Timestamp start_timestamp{};
  std::optional<Timestamp> end_timestamp;
};
struct ListDurableExecutionsByFunctionResponse {
  std::vector<ExecutionSummary> durable_executions;
  std::optional<std::string> next_marker;
};

struct SendDurableExecutionCallbackSuccessRequest {
  std::string callback_id;
  std::string result;  // raw bytes of the HTTP body
};
struct SendDurableExecutionCallbackFailureRequest {
  std::string callback_id;
  std::optional<ErrorObject> error;  // the HTTP body is the ErrorObject itself
};
struct SendDurableExecutionCallbackHeartbeatRequest {
  std::string callback_id;
};

struct StopDurableExecutionRequest {
  std::string durable_execution_arn;
  std::optional<ErrorObject> error;  // the HTTP body is the ErrorObject itself
};
struct StopDurableExecutionResponse {
  Timestamp stop_timestamp{};
};

void to_json(Json& j, const CheckpointDurableExecutionRequest& v);
void from_json(const Json& j, CheckpointDurableExecutionRequest& v);
void to_json(Json& j, const CheckpointDurableExecutionResponse& v);
void from_json(const Json& j, CheckpointDurableExecutionResponse& v);
void to_json(Json& j, const GetDurableExecutionStateResponse& v);
void from_json(const Json& j, GetDurableExecutionStateResponse& v);
void to_json(Json& j, const GetDurableExecutionResponse& v);
void from_json(const Json& j, GetDurableExecutionResponse& v);
void to_json(Json& j, const GetDurableExecutionHistoryResponse& v);
void from_json(const Json& j, GetDurableExecutionHistoryResponse& v);
void to_json(Json& j, const ExecutionSummary& v);
void from_json(const Json& j, ExecutionSummary& v);
void to_json(Json& j, const ListDurableExecutionsByFunctionResponse& v);
void from_json(const Json& j, ListDurableExecutionsByFunctionResponse& v);
void to_json(Json& j, const StopDurableExecutionResponse& v);
void from_json(const Json& j, StopDurableExecutionResponse& v);

}  // namespace durable
