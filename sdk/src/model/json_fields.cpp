#include "model/json_fields.hpp"

namespace durable {

ModelError::ModelError(std::string field, const std::string& what)
    : std::runtime_error(what), field_(std::move(field)) {}

namespace detail {

void require_object(const Json& j, const std::string& what) {
  if (!j.is_object()) {
    throw ModelError(what, what + " must be a JSON object, got " + std::string(j.type_name()));
  }
}

void wrong_type(const std::string& key, const char* expected, const Json& actual) {
  throw ModelError(key, "field " + key + " must be a " + expected + ", got " +
                            std::string(actual.type_name()));
}

std::string read_string(const Json& j, const std::string& key) {
  auto v = read_opt_string(j, key);
  if (!v) throw ModelError(key, "missing required field " + key);
  return *v;
}

std::optional<std::string> read_opt_string(const Json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) wrong_type(key, "string", *it);
  return it->get<std::string>();
}

std::optional<bool> read_opt_bool(const Json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) wrong_type(key, "boolean", *it);
  return it->get<bool>();
}

std::optional<std::int64_t> read_opt_int(const Json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  wrong_type(key, "integer", *it);
}

std::int64_t read_int(const Json& j, const std::string& key) {
  auto v = read_opt_int(j, key);
  if (!v) throw ModelError(key, "missing required field " + key);
  return *v;
}

std::optional<Timestamp> read_opt_time(const Json& j, const std::string& key, TimeUnit unit) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) wrong_type(key, "number (epoch time)", *it);
  double v = it->get<double>();
  if (!std::isfinite(v)) wrong_type(key, "finite number (epoch time)", *it);
  double ms = unit == TimeUnit::Seconds ? v * 1000.0 : v;
  return Timestamp(std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms))));
}

Timestamp read_time(const Json& j, const std::string& key, TimeUnit unit) {
  auto v = read_opt_time(j, key, unit);
  if (!v) throw ModelError(key, "missing required field " + key);
  return *v;
}

std::optional<std::vector<std::string>> read_opt_string_list(const Json& j,
                                                             const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) wrong_type(key, "array of strings", *it);
  std::vector<std::string> out;
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& e = (*it)[i];
    if (!e.is_string()) wrong_type(key + "[" + std::to_string(i) + "]", "string", e);
    out.push_back(e.get<std::string>());
  }
  return out;
}

Json time_to_json(Timestamp t, TimeUnit unit) {
  auto ms = t.time_since_epoch().count();
  if (unit == TimeUnit::Milliseconds) return ms;
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace detail
}  // namespace durable
