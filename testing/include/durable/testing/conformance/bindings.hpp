// The placeholder variables of one requirement run: the YAML's `Variables` (pre-bound before the
// run) and the `${NAME}` placeholders bound while matching the history. One instance per
// requirement run; not thread-safe (the driver uses it from one thread).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "durable/model/json.hpp"

namespace durable::testing::conformance {

class Bindings {
 public:
  // `seed` drives `${GEN_STR:N}`; a fixed seed makes generated values reproducible in tests.
  explicit Bindings(std::uint64_t seed = 0);

  // Resolves a `Variables` mapping: a value `${GEN_STR:N}` becomes N random characters from
  // [a-z0-9], any other scalar is bound as written (strings get already-bound variables
  // substituted). Throws std::invalid_argument naming the variable when `variables` is not an
  // object or N is not a positive integer.
  void define_variables(const Json& variables);

  // Binds `name` to `value` when unbound and returns true; when already bound returns whether the
  // bound value equals `value` (Python equality, see values.hpp).
  bool bind_or_check(const std::string& name, const Json& value);

  std::optional<Json> lookup(const std::string& name) const;
  const std::map<std::string, Json>& all() const { return values_; }

  // Replaces every `${NAME}` occurrence whose NAME is bound with the bound value (strings as
  // they are, other JSON values in their compact JSON text). Unbound placeholders and `${/re/}`
  // markers are left untouched.
  std::string substitute(const std::string& text) const;

  // substitute() applied to every string (not keys) inside `value`.
  Json substitute_all(const Json& value) const;

 private:
  std::map<std::string, Json> values_;
  std::uint64_t rng_state_;
};

}  // namespace durable::testing::conformance
