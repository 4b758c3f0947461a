// Printers for the SDK's value types, so that test frameworks (GoogleTest's EXPECT_EQ, gmock's
// Contains/ElementsAre, PrintToString) and logs show names instead of bytes:
//  * every enum of namespace durable prints as its wire name ("SUCCEEDED", "CHAINED_INVOKE", ...);
//  * ErrorObject prints its members by their wire names;
//  * durable::Json (nlohmann::json) prints as compact JSON text (GoogleTest would otherwise print
//    it element by element, as a container);
//  * the wire types Operation, OperationUpdate and Event print as their type name followed by
//    their compact wire JSON (members sorted by name), e.g. Operation{"Id":"s1",...}.
// Duration, BatchResult and the harness's types have their printers beside them.
//
// This header is light on purpose (no <ostream>, no nlohmann/json.hpp): the headers defining the
// types include it, so the printers are visible wherever the types are, in every translation unit
// alike. All functions here are pure and safe to call from any thread.
#pragma once

#include <concepts>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <type_traits>

namespace durable {

// Opaque declarations of the enums below, defined in their own headers.
enum class StepSemantics;
enum class NestingType;
enum class JitterStrategy;
enum class LogLevel;
enum class TimeUnit;
struct ErrorObject;
struct Operation;
struct OperationUpdate;
struct Event;

// Names of enums that have no wire spelling of their own, in the style of the service's enums:
// "AT_LEAST_ONCE_PER_RETRY", "NESTED", "FULL", "WARN", "MILLISECONDS".
std::string_view to_string(StepSemantics value);
std::string_view to_string(NestingType value);
std::string_view to_string(JitterStrategy value);
std::string_view to_string(LogLevel value);
std::string_view to_string(TimeUnit value);

namespace detail {
// Writes `text` to `os`; kept out of line so this header needs no <ostream>.
std::ostream& write_text(std::ostream& os, std::string_view text);
}  // namespace detail

// Any enum of namespace durable that has a to_string() prints as that name. Found by
// argument-dependent lookup, so `os << OperationStatus::Succeeded` works without a using.
template <class E>
  requires std::is_enum_v<E> && requires(E value) {
    { to_string(value) } -> std::convertible_to<std::string_view>;
  }
std::ostream& operator<<(std::ostream& os, E value) {
  return detail::write_text(os, to_string(value));
}

// `ErrorObject{ErrorType: "StepError", ErrorMessage: "declined"}`, with ErrorData and the number
// of StackTrace frames when present; absent members are left out.
std::ostream& operator<<(std::ostream& os, const ErrorObject& error);

// GoogleTest's printers for the wire types: `Operation{<wire JSON>}` (timestamps in epoch
// seconds, as the API returns them), `OperationUpdate{...}`, `Event{...}`.
void PrintTo(const Operation& op, std::ostream* os);
void PrintTo(const OperationUpdate& update, std::ostream* os);
void PrintTo(const Event& event, std::ostream* os);

}  // namespace durable

namespace nlohmann {
// GoogleTest's printer for durable::Json: compact JSON text (invalid UTF-8 replaced), e.g.
// {"id":1}. Declared in nlohmann's namespace so that argument-dependent lookup finds it.
void PrintTo(const json& value, std::ostream* os);
}  // namespace nlohmann
