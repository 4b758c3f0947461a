// Event: one entry of an execution's history (PROTOCOL.md §6). Exactly one `<EventType>Details`
// member is present on the wire; here the details are a variant whose alternative follows from
// the event type (several event types share one shape).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable {

struct EventInput {
  std::optional<std::string> payload;
  std::optional<bool> truncated;
  friend bool operator==(const EventInput&, const EventInput&) = default;
};
struct EventResult {
  std::optional<std::string> payload;
  std::optional<bool> truncated;
  friend bool operator==(const EventResult&, const EventResult&) = default;
};
struct EventError {
  std::optional<ErrorObject> payload;
  std::optional<bool> truncated;
  friend bool operator==(const EventError&, const EventError&) = default;
};
struct RetryDetails {
  std::optional<std::int64_t> current_attempt;
  std::optional<std::int64_t> next_attempt_delay_seconds;
  friend bool operator==(const RetryDetails&, const RetryDetails&) = default;
};

// ContextStarted, StepStarted: `{}`.
struct EmptyDetails {
  friend bool operator==(const EmptyDetails&, const EmptyDetails&) = default;
};
struct ExecutionStartedDetails {
  EventInput input;
  std::int64_t execution_timeout = 0;
  friend bool operator==(const ExecutionStartedDetails&, const ExecutionStartedDetails&) = default;
};
// ExecutionSucceeded, ContextSucceeded, ChainedInvokeSucceeded, CallbackSucceeded.
struct ResultDetails {
  EventResult result;
  friend bool operator==(const ResultDetails&, const ResultDetails&) = default;
};
// ExecutionFailed/TimedOut/Stopped, ContextFailed, WaitCancelled, ChainedInvokeFailed/TimedOut/
// Stopped, CallbackFailed/TimedOut.
struct ErrorDetails {
  std::optional<EventError> error;
  friend bool operator==(const ErrorDetails&, const ErrorDetails&) = default;
};
struct WaitStartedDetails {
  std::int64_t duration = 0;
  Timestamp scheduled_end_timestamp{};
  friend bool operator==(const WaitStartedDetails&, const WaitStartedDetails&) = default;
};
struct WaitSucceededDetails {
  std::optional<std::int64_t> duration;
  friend bool operator==(const WaitSucceededDetails&, const WaitSucceededDetails&) = default;
};
struct StepSucceededDetails {
  EventResult result;
  RetryDetails retry_details;
  friend bool operator==(const StepSucceededDetails&, const StepSucceededDetails&) = default;
};
struct StepFailedDetails {
  EventError error;
  RetryDetails retry_details;
  friend bool operator==(const StepFailedDetails&, const StepFailedDetails&) = default;
};
struct ChainedInvokeStartedDetails {
  std::string function_name;
  std::optional<std::string> tenant_id;
  std::optional<EventInput> input;
  std::optional<std::string> executed_version;
  std::optional<std::string> durable_execution_arn;
  friend bool operator==(const ChainedInvokeStartedDetails&,
                         const ChainedInvokeStartedDetails&) = default;
};
struct CallbackStartedDetails {
  std::string callback_id;
  std::optional<std::int64_t> heartbeat_timeout;
  std::optional<std::int64_t> timeout;
  friend bool operator==(const CallbackStartedDetails&, const CallbackStartedDetails&) = default;
};
struct InvocationCompletedDetails {
  Timestamp start_timestamp{};
  Timestamp end_timestamp{};
  std::string request_id;
  std::optional<EventError> error;
  friend bool operator==(const InvocationCompletedDetails&,
                         const InvocationCompletedDetails&) = default;
};

using EventDetails =
    std::variant<EmptyDetails, ExecutionStartedDetails, ResultDetails, ErrorDetails,
                 WaitStartedDetails, WaitSucceededDetails, StepSucceededDetails, StepFailedDetails,
                 ChainedInvokeStartedDetails, CallbackStartedDetails, InvocationCompletedDetails>;

struct Event {
  EventType event_type = EventType::ExecutionStarted;
  std::optional<std::string> sub_type;
  std::int64_t event_id = 0;
  std::optional<std::string> id;
  std::optional<std::string> name;
  Timestamp event_timestamp{};
  std::optional<std::string> parent_id;
  EventDetails details;

  friend bool operator==(const Event&, const Event&) = default;
};

// The details alternative each event type carries (used when building and parsing events).
EventDetails default_details_for(EventType type);
// Wire member name of the details, e.g. "StepSucceededDetails".
std::string details_member_name(EventType type);

// Timestamps in epoch seconds. Parsing fails (ModelError naming the field) when the details
// member for the event type is missing or has the wrong shape.
void to_json(Json& j, const Event& e);
void from_json(const Json& j, Event& e);

}  // namespace durable
