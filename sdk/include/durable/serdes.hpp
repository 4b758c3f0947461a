// SerDes: how an operation's value becomes the checkpointed payload text and back.
//
// The default encodes with nlohmann/json through the type's ADL to_json/from_json. A SerDes<T>
// passed in a StepConfig/ChildConfig replaces it for that one operation. Whatever a SerDes
// throws is reported as a fatal SerDesError (the execution fails, nothing is retried).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "durable/model/json.hpp"

namespace durable {

// Where the value being (de)serialized belongs.
struct SerDesContext {
  std::string operation_id;
  std::string durable_execution_arn;
};

// Implementations must be thread-safe if one instance is shared by concurrent operations.
template <class T>
class SerDes {
 public:
  virtual ~SerDes() = default;
  virtual std::string serialize(const T& value, const SerDesContext& context) const = 0;
  // `data` is the checkpointed payload; "" when the checkpoint carries no payload.
  virtual T deserialize(std::string_view data, const SerDesContext& context) const = 0;
};

// Operations returning void have no value to encode; the specialization exists so that
// StepConfig<void> and ChildConfig<void> are well-formed. It is never called.
template <>
class SerDes<void> {
 public:
  virtual ~SerDes() = default;
};

// The default: JSON text via to_json/from_json. An absent or empty payload decodes as JSON null.
// The text conversion itself is out of line (detail::dump_json/parse_json), and the common value
// types below are instantiated once in the library, which keeps users' compiles short.
namespace detail {
// Integer types whose JSON text JsonSerDes writes and reads without building a document.
template <class T>
inline constexpr bool kPlainJsonInteger =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, signed char> && !std::is_same_v<T, unsigned char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t> && sizeof(T) <= sizeof(std::int64_t);
}  // namespace detail

template <class T>
class JsonSerDes final : public SerDes<T> {
 public:
  std::string serialize(const T& value, const SerDesContext&) const override {
    return encode(value);
  }
  T deserialize(std::string_view data, const SerDesContext&) const override {
    return decode(data);
  }

  // serialize/deserialize without a context, which JSON does not read. Integers, bool and
  // std::string take a direct path whose text and values are exactly nlohmann's (dump, and
  // parse + get<T>); anything that path does not recognise goes through nlohmann.
  static std::string encode(const T& value) {
    if constexpr (std::is_same_v<T, Json>) {
      return detail::dump_json(value);
    } else if constexpr (detail::kPlainJsonInteger<T> && std::is_signed_v<T>) {
      return detail::json_integer_text(static_cast<std::int64_t>(value));
    } else if constexpr (detail::kPlainJsonInteger<T>) {
      return detail::json_unsigned_text(static_cast<std::uint64_t>(value));
    } else if constexpr (std::is_same_v<T, bool>) {
      return value ? "true" : "false";
    } else if constexpr (std::is_same_v<T, std::string>) {
      return detail::json_string_text(value);
    } else {
      return detail::dump_json(Json(value));
    }
  }
  static T decode(std::string_view data) {
    if (data.empty()) return Json(nullptr).template get<T>();
    if constexpr (std::is_same_v<T, Json>) {
      return detail::parse_json(data);
    } else {
      if constexpr (detail::kPlainJsonInteger<T>) {
        if (const auto v = detail::json_integer_value(data)) return static_cast<T>(*v);
      } else if constexpr (std::is_same_v<T, bool>) {
        if (data == "true") return true;
        if (data == "false") return false;
      } else if constexpr (std::is_same_v<T, std::string>) {
        if (auto text = detail::json_plain_string_value(data)) return std::move(*text);
      }
      return detail::parse_json(data).template get<T>();
    }
  }
};

namespace detail {
// The one process-wide instance of a stateless SerDes S, as a shared_ptr that owns nothing
// (aliasing constructor): callers compile no control block, and the instance is never destroyed,
// so operations still running at exit can use it. Any thread.
template <class S, class T>
std::shared_ptr<SerDes<T>> stateless_serdes() {
  static S* const instance = new S();
  return std::shared_ptr<SerDes<T>>(std::shared_ptr<SerDes<T>>(), instance);
}
}  // namespace detail

extern template class JsonSerDes<Json>;
extern template class JsonSerDes<std::string>;
extern template class JsonSerDes<bool>;
extern template class JsonSerDes<int>;
extern template class JsonSerDes<std::int64_t>;
extern template class JsonSerDes<double>;

// Text stored as-is in both directions: configure it on a create_callback<std::string> or
// wait_for_callback<std::string> to receive exactly the text the external system sent (the
// default decodes it as JSON).
class PassThroughSerDes final : public SerDes<std::string> {
 public:
  std::string serialize(const std::string& value, const SerDesContext&) const override {
    return value;
  }
  std::string deserialize(std::string_view data, const SerDesContext&) const override {
    return std::string(data);
  }
};

}  // namespace durable
