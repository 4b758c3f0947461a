// Conversion of conformance YAML documents into JSON values, resolving plain scalars the way the
// official (PyYAML-based) runner sees them, so that later comparisons against the service's JSON
// behave like Python equality.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "durable/model/json.hpp"

namespace durable::testing::conformance {

// Raised for unreadable or malformed requirement files. `source()` names the file (or the label
// passed in), `field()` the dotted path of the offending member ("" for whole-document errors).
class RequirementError : public std::runtime_error {
 public:
  RequirementError(std::string source, std::string field, const std::string& message);
  const std::string& source() const noexcept { return source_; }
  const std::string& field() const noexcept { return field_; }

 private:
  std::string source_;
  std::string field_;
};

// Parses one YAML document into JSON. Plain (unquoted) scalars follow YAML 1.1 resolution as
// PyYAML applies it: null/~/empty → null, true/false/yes/no/on/off → bool, integers (decimal,
// 0x, 0o, 0b, underscores) → integer, numbers with a dot or .inf/.nan → float, anything else a
// string. Quoted scalars are always strings (`'1'` stays "1", `'"task-1"'` is the 8-character
// string "task-1" with its quotes). Mapping keys become strings. Throws RequirementError naming
// `source` on a syntax error. Pure function; any thread.
Json yaml_to_json(std::string_view text, const std::string& source);

}  // namespace durable::testing::conformance
