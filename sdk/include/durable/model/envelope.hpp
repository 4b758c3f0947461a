// The invocation envelope: what the service passes to a durable handler and what the handler
// returns (PROTOCOL.md §2). Operation timestamps inside it are epoch milliseconds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"

namespace durable {

struct InitialExecutionState {
  std::vector<Operation> operations;
  std::optional<std::string> next_marker;  // non-empty: page the rest with get_state
};

struct DurableExecutionInvocationInput {
  std::string durable_execution_arn;
  std::string checkpoint_token;
  InitialExecutionState initial_execution_state;
  std::optional<std::vector<std::string>> updated_operation_ids;
};

struct DurableExecutionInvocationOutput {
  InvocationStatus status = InvocationStatus::Pending;
  std::optional<std::string> result;  // JSON text, only with SUCCEEDED
  std::optional<ErrorObject> error;   // only with FAILED
};

// Parsing requires DurableExecutionArn and CheckpointToken (ModelError naming the field).
void to_json(Json& j, const DurableExecutionInvocationInput& v);
void from_json(const Json& j, DurableExecutionInvocationInput& v);
void to_json(Json& j, const DurableExecutionInvocationOutput& v);
void from_json(const Json& j, DurableExecutionInvocationOutput& v);

}  // namespace durable
