// Field readers and writers shared by the model's JSON conversions. Every reader names the
// member it was reading when it throws, so a malformed document reports "Operations[3].Status"
// rather than a bare nlohmann type error.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/model/json.hpp"

namespace durable::detail {

// Rethrows any exception raised while converting member `key` with the key prepended to the
// field path ("Outer.Inner").
template <class F>
auto with_field(const std::string& key, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ModelError& e) {
    throw ModelError(key + "." + e.field(), e.what());
  } catch (const Json::exception& e) {
    throw ModelError(key, std::string("invalid value for ") + key + ": " + e.what());
  }
}

void require_object(const Json& j, const std::string& what);
[[noreturn]] void wrong_type(const std::string& key, const char* expected, const Json& actual);

std::string read_string(const Json& j, const std::string& key);
std::optional<std::string> read_opt_string(const Json& j, const std::string& key);
std::optional<bool> read_opt_bool(const Json& j, const std::string& key);
std::optional<std::int64_t> read_opt_int(const Json& j, const std::string& key);
std::int64_t read_int(const Json& j, const std::string& key);
std::optional<Timestamp> read_opt_time(const Json& j, const std::string& key, TimeUnit unit);
Timestamp read_time(const Json& j, const std::string& key, TimeUnit unit);
std::optional<std::vector<std::string>> read_opt_string_list(const Json& j, const std::string& key);

Json time_to_json(Timestamp t, TimeUnit unit);

template <class E>
E read_enum(const Json& j, const std::string& key) {
  if (!j.contains(key)) throw ModelError(key, "missing required field " + key);
  const Json& v = j.at(key);
  if (!v.is_string()) wrong_type(key, "string", v);
  auto parsed = enum_from_string<E>(v.get_ref<const std::string&>());
  if (!parsed) {
    throw ModelError(key, "unknown value \"" + v.get<std::string>() + "\" for " + key);
  }
  return *parsed;
}

// Reads an optional nested object with its own from_json, prefixing the path on errors.
template <class T>
std::optional<T> read_opt_object(const Json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) wrong_type(key, "object", *it);
  return with_field(key, [&] {
    T v{};
    from_json(*it, v);
    return v;
  });
}

template <class T>
void put_opt(Json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

}  // namespace durable::detail
