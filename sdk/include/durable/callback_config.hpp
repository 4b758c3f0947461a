// CallbackConfig and WaitForCallbackConfig: options of create_callback and wait_for_callback
// (SDK-SEMANTICS.md §4, PROTOCOL.md §8.1).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "durable/duration.hpp"
#include "durable/errors.hpp"
#include "durable/retry_strategy.hpp"
#include "durable/serdes.hpp"

namespace durable {

// T defaults to std::string, as create_callback's does, so a config written without a type fits
// the call written without one.
template <class T = std::string>
struct CallbackConfig {
  // How long the external system has to complete the callback; zero: no limit. Otherwise at
  // least one second, sent as whole seconds (CallbackOptions.TimeoutSeconds). Expiry makes
  // result() throw CallbackTimeoutError ("Callback.Timeout").
  Duration timeout{};
  // Longest gap allowed between heartbeats of the external system; zero: no heartbeat needed.
  // Otherwise at least one second (CallbackOptions.HeartbeatTimeoutSeconds). Expiry makes
  // result() throw CallbackTimeoutError ("Callback.Heartbeat").
  Duration heartbeat_timeout{};
  // Decodes the text the external system sent. Empty: detail::default_callback_serdes<T>().
  std::shared_ptr<SerDes<T>> serdes{};
};

template <class T = std::string>
struct WaitForCallbackConfig {
  // As CallbackConfig::timeout / heartbeat_timeout, for the inner callback.
  Duration timeout{};
  Duration heartbeat_timeout{};
  // Retry strategy of the submitter step. Empty: retry_presets::default_strategy().
  RetryStrategy retry_strategy{};
  // Decodes the callback's result and encodes the operation's own result (the WaitForCallback
  // context's Payload), so both directions must work. Empty: default_callback_serdes<T>().
  std::shared_ptr<SerDes<T>> serdes{};
};

namespace detail {

// JSON text via to_json/from_json, as every reference SDK decodes callback results by default.
// A callback that succeeded without a result decodes as JSON null, except for std::string,
// which has no null and gets the empty string (for a result of JSON null too) (so "no answer" stays distinguishable from an
// answer only by the caller's own convention, as with any empty text).
template <class T>
class CallbackJsonSerDes final : public SerDes<T> {
 public:
  std::string serialize(const T& value, const SerDesContext&) const override {
    if constexpr (std::is_same_v<T, Json>) {
      return detail::dump_json(value);
    } else {
      return detail::dump_json(Json(value));
    }
  }
  T deserialize(std::string_view data, const SerDesContext&) const override {
    if (data.empty()) {
      if constexpr (std::is_same_v<T, std::string>) {
        return std::string();
      } else {
        return Json(nullptr).template get<T>();
      }
    }
    Json json = detail::parse_json(data);
    if constexpr (std::is_same_v<T, std::string>) {
      // An external system that answers "no value" as JSON null means the same as no result.
      if (json.is_null()) return std::string();
    }
    if constexpr (std::is_same_v<T, Json>) {
      return json;
    } else {
      return json.template get<T>();
    }
  }
};

// Compiled once in the library for the common types (see JsonSerDes).
extern template class CallbackJsonSerDes<Json>;
extern template class CallbackJsonSerDes<std::string>;

// The default SerDes of a callback: JSON for every type (CallbackJsonSerDes), so a
// std::string result is the decoded string ("\"abc\"" from the external system gives abc).
// Configure PassThroughSerDes to receive the exact text instead.
// Types without to_json/from_json compile as long as a SerDes is configured; otherwise this
// throws ValidationError (before anything is checkpointed).
template <class T>
std::shared_ptr<SerDes<T>> default_callback_serdes() {
  if constexpr (requires(const T& value, const Json& json) {
                  Json(value);
                  json.template get<T>();
                }) {
    return stateless_serdes<CallbackJsonSerDes<T>, T>();
  } else {
    throw ValidationError(
        "no SerDes configured for a callback value type that has no to_json/from_json: "
        "configure one");
  }
}

}  // namespace detail
}  // namespace durable
