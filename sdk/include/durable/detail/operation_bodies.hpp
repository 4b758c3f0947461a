// Internal to the SDK: the type-erased forms in which DurableContext's templates hand a user's
// code and values to the library (sdk/src), and the SerDes helpers they share. Users never name
// these; they live here so that durable_context.hpp shows the API. Nothing here checkpoints.
#pragma once

#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "durable/duration.hpp"
#include "durable/errors.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"
#include "durable/serdes.hpp"
#include "durable/step_context.hpp"
#include "durable/wait_for_callback_context.hpp"
#include "durable/wait_for_condition_check_context.hpp"
#include "durable/wait_strategy.hpp"
#include "durable/detail/function_ref.hpp"

namespace durable {

class DurableContext;

namespace detail {

// Serialized results larger than this (256 KiB) are not stored on a child context's checkpoint;
// the context is checkpointed with ReplayChildren=true and rebuilt by re-running its body.
inline constexpr std::size_t kChildResultInlineLimit = 256 * 1024;

// A step body with the user's value already serialized (nullopt: void step).
using StepBody = FunctionRef<std::optional<std::string>(StepContext&)>;

struct ChildOutput {
  std::optional<std::string> payload;  // serialized result; nullopt for void bodies
  std::optional<std::string> summary;  // summary_generator output, only for oversized payloads
};
using ChildBody = FunctionRef<ChildOutput(DurableContext&)>;
// Throws the error a failed child context surfaces as (called with the context's id and its
// checkpointed ErrorObject); returning instead means "ChildContextError".
using ChildFailure = FunctionRef<void(const std::string& context_id, const ErrorObject& error)>;

// Payload types as invoke sends them: string literals, C strings and string views are sent as
// std::string (their JSON encoding is a JSON string); everything else as its decayed type.
template <class P>
struct InvokePayload {
  using type = std::conditional_t<!std::is_same_v<std::decay_t<P>, Json> &&
                                      std::is_convertible_v<const P&, std::string_view>,
                                  std::string, std::decay_t<P>>;
};
template <class P>
using invoke_payload_t = typename InvokePayload<P>::type;

// What invoke needs besides the payload.
struct InvokeRequest {
  std::string function_name;
  std::optional<Duration> timeout;
  std::optional<std::string> tenant_id;
};
// Serializes the invoke payload for the operation with the given id (throws SerDesError).
using PayloadEncoder = FunctionRef<std::string(const std::string& operation_id)>;

// One check of wait_for_condition, with the state already (de)serialized.
struct ConditionOutcome {
  std::string state;  // serialized new state
  WaitForConditionDecision decision;
};
using ConditionBody = FunctionRef<ConditionOutcome(const std::optional<std::string>& stored,
                                                     WaitForConditionCheckContext&)>;

// wait_for_callback's user parts with the value type erased: the submitter, and the conversion of
// the callback's raw Result into the operation's checkpointed Payload (operation id given).
using Submitter = FunctionRef<void(const std::string& callback_id, WaitForCallbackContext&)>;
using CallbackTranscoder = FunctionRef<std::optional<std::string>(
    const std::optional<std::string>& raw_result, const std::string& operation_id)>;

// Where one operation sits: its deterministic id and its (normalized) name.
struct OpSite {
  std::string id;
  std::optional<std::string> name;
};

// What a completed operation hands back to the typed wrapper.
struct RawResult {
  std::string operation_id;
  std::optional<std::string> payload;
};

// Runs serdes.serialize; whatever it throws becomes SerDesError (fatal for the execution).
template <class T>
std::string serialize_value(const SerDes<T>& serdes, const T& value, const SerDesContext& ctx) {
  try {
    return serdes.serialize(value, ctx);
  } catch (const std::exception& e) {
    throw SerDesError("cannot serialize the result of operation " + ctx.operation_id + ": " +
                      e.what());
  }
}

// Types the default JsonSerDes can encode (they have to_json/from_json or are JSON-native).
template <class T>
concept JsonConvertible = requires(const T& value, const Json& json) {
  Json(value);
  json.template get<T>();
};

// As above for a value of the operation `operation_id` of execution `arn`; the SerDesContext is
// built only for a SerDes that may read it (the default JsonSerDes does not).
template <class T>
std::string serialize_value(const SerDes<T>& serdes, const T& value,
                            const std::string& operation_id, const std::string& arn) {
  if constexpr (JsonConvertible<T>) {
    if (dynamic_cast<const JsonSerDes<T>*>(&serdes) != nullptr) {
      try {
        return JsonSerDes<T>::encode(value);
      } catch (const std::exception& e) {
        throw SerDesError("cannot serialize the result of operation " + operation_id + ": " +
                          e.what());
      }
    }
  }
  return serialize_value(serdes, value, SerDesContext{operation_id, arn});
}

// `serdes` if set, else JsonSerDes<T>. A type without JSON conversion compiles as long as every
// use configures a SerDes; one that does not gets a ValidationError (nothing is checkpointed).
template <class T>
std::shared_ptr<SerDes<T>> serdes_or_default(std::shared_ptr<SerDes<T>> serdes) {
  if (serdes) return serdes;
  if constexpr (JsonConvertible<T>) {
    // JsonSerDes has no state: one instance per type serves every operation and thread.
    return stateless_serdes<JsonSerDes<T>, T>();
  } else {
    throw ValidationError(
        "no SerDes configured for a value type that has no to_json/from_json: configure one");
  }
}

}  // namespace detail
}  // namespace durable
