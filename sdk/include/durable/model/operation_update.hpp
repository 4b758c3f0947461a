// OperationUpdate: one element of a checkpoint batch (PROTOCOL.md §4.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable {

struct ContextOptions {
  std::optional<bool> replay_children;
  friend bool operator==(const ContextOptions&, const ContextOptions&) = default;
};
struct StepOptions {
  std::optional<std::int64_t> next_attempt_delay_seconds;
  friend bool operator==(const StepOptions&, const StepOptions&) = default;
};
struct WaitOptions {
  std::optional<std::int64_t> wait_seconds;
  friend bool operator==(const WaitOptions&, const WaitOptions&) = default;
};
struct CallbackOptions {
  std::optional<std::int64_t> timeout_seconds;            // 0 or absent: no timeout
  std::optional<std::int64_t> heartbeat_timeout_seconds;  // 0 or absent: no heartbeat timeout
  friend bool operator==(const CallbackOptions&, const CallbackOptions&) = default;
};
struct ChainedInvokeOptions {
  std::string function_name;
  std::optional<std::string> tenant_id;
  friend bool operator==(const ChainedInvokeOptions&, const ChainedInvokeOptions&) = default;
};

struct OperationUpdate {
  std::string id;
  std::optional<std::string> parent_id;
  std::optional<std::string> name;
  OperationType type = OperationType::Step;
  std::optional<std::string> sub_type;
  OperationAction action = OperationAction::Start;
  std::optional<std::string> payload;
  std::optional<ErrorObject> error;
  std::optional<ContextOptions> context_options;
  std::optional<StepOptions> step_options;
  std::optional<WaitOptions> wait_options;
  std::optional<CallbackOptions> callback_options;
  std::optional<ChainedInvokeOptions> chained_invoke_options;

  friend bool operator==(const OperationUpdate&, const OperationUpdate&) = default;
};

void to_json(Json& j, const OperationUpdate& u);

// Length in bytes of Json(u).dump(), computed without building the document. The SDK measures
// every queued update against the 750 KiB batch limit, so this is on the checkpoint hot path.
// Exact for valid UTF-8 text (invalid bytes count as one byte each).
std::size_t serialized_size(const OperationUpdate& u);
void from_json(const Json& j, OperationUpdate& u);

}  // namespace durable
