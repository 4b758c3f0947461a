// Operation: one checkpointed durable operation as the service stores and returns it
// (PROTOCOL.md §3.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/boxed.hpp"
#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable {

struct ExecutionDetails {
  std::optional<std::string> input_payload;
  friend bool operator==(const ExecutionDetails&, const ExecutionDetails&) = default;
};

struct ContextDetails {
  std::optional<bool> replay_children;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
  friend bool operator==(const ContextDetails&, const ContextDetails&) = default;
};

struct StepDetails {
  // Number of attempts already finished; the SDK's current attempt is attempt + 1.
  std::optional<std::int64_t> attempt;
  std::optional<Timestamp> next_attempt_timestamp;
  std::optional<std::string> result;
  // Boxed (std::optional's interface): most steps succeed, and every step operation is held by
  // the service, the SDK and the test harness; an inline ErrorObject tripled a StepDetails.
  Boxed<ErrorObject> error;
  friend bool operator==(const StepDetails&, const StepDetails&) = default;
};

struct WaitDetails {
  std::optional<Timestamp> scheduled_end_timestamp;
  friend bool operator==(const WaitDetails&, const WaitDetails&) = default;
};

struct CallbackDetails {
  std::optional<std::string> callback_id;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
  friend bool operator==(const CallbackDetails&, const CallbackDetails&) = default;
};

struct ChainedInvokeDetails {
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
  friend bool operator==(const ChainedInvokeDetails&, const ChainedInvokeDetails&) = default;
};

struct Operation {
  std::string id;
  std::optional<std::string> parent_id;
  std::optional<std::string> name;
  OperationType type = OperationType::Step;
  std::optional<std::string> sub_type;
  Timestamp start_timestamp{};
  std::optional<Timestamp> end_timestamp;
  OperationStatus status = OperationStatus::Started;
  Boxed<ExecutionDetails> execution_details;
  Boxed<ContextDetails> context_details;
  Boxed<StepDetails> step_details;
  Boxed<WaitDetails> wait_details;
  Boxed<CallbackDetails> callback_details;
  Boxed<ChainedInvokeDetails> chained_invoke_details;

  friend bool operator==(const Operation&, const Operation&) = default;
};

// API bodies use epoch seconds; the invocation envelope uses epoch milliseconds.
Json operation_to_json(const Operation& op, TimeUnit unit = TimeUnit::Seconds);
Operation operation_from_json(const Json& j, TimeUnit unit = TimeUnit::Seconds);
Json operations_to_json(const std::vector<Operation>& ops, TimeUnit unit = TimeUnit::Seconds);
std::vector<Operation> operations_from_json(const Json& j, TimeUnit unit = TimeUnit::Seconds,
                                            const std::string& field = "Operations");

// ADL hooks use epoch seconds (the API body form).
void to_json(Json& j, const Operation& op);
void from_json(const Json& j, Operation& op);

}  // namespace durable
