// The JSON value type of the project and the error raised when a wire document is malformed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "durable/model/print.hpp"

namespace durable {

using Json = nlohmann::json;

static_assert(std::is_same_v<Json::array_t, std::vector<Json>> &&
                  std::is_same_v<Json::object_t, std::map<std::string, Json, std::less<>>>,
              "the explicit instantiations below name nlohmann::json's containers");

namespace detail {
// value.dump() (compact, no replacement of invalid UTF-8: throws nlohmann's type_error 316) and
// Json::parse(text) (throws nlohmann's parse_error), compiled once in the library. The headers'
// templates (JsonSerDes and the like) call these instead, so that a translation unit that only
// uses the SDK does not instantiate nlohmann's serializer and parser again. Any thread.
std::string dump_json(const Json& value);
Json parse_json(std::string_view text);
// Exactly dump_json(Json(v)) for an integer, bool-free, without building a document.
std::string json_integer_text(std::int64_t v);
std::string json_unsigned_text(std::uint64_t v);
// Exactly dump_json(Json(s)).
std::string json_string_text(std::string_view s);
// The value of `text` when it is a JSON integer literal alone (no sign but '-', no leading zero,
// no exponent or fraction, no surrounding space) that fits in 64 signed bits; nullopt otherwise.
std::optional<std::int64_t> json_integer_value(std::string_view text);
// The value of `text` when it is a JSON string literal of printable ASCII without escapes;
// nullopt otherwise (the caller then parses it in full).
std::optional<std::string> json_plain_string_value(std::string_view text);
}  // namespace detail

// Epoch-based instant with millisecond precision. The service's API bodies carry epoch seconds
// (possibly fractional); the invocation envelope carries epoch milliseconds.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// Which unit a timestamp takes on the wire.
enum class TimeUnit { Seconds, Milliseconds };

// Raised when a wire document does not match the model: a missing required field, a value of
// the wrong JSON type, an unknown enum value. `field()` is the dotted path of the offending
// member (for example "Operations[2].Status").
class ModelError : public std::runtime_error {
 public:
  ModelError(std::string field, const std::string& what);
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

}  // namespace durable

// nlohmann::json and its containers are instantiated once, in the library (durable::model); a
// translation unit including this header uses those instead of compiling its own copy of every
// member it calls, which at -O0 was a good part of the cost of a handler.
extern template class nlohmann::basic_json<>;
extern template class std::vector<nlohmann::json>;
extern template class std::map<std::string, nlohmann::json, std::less<>>;
