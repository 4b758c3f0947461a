// ErrorObject: the wire form of every failure (PROTOCOL.md §3.4).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "durable/model/json.hpp"

namespace durable {

struct ErrorObject {
  std::optional<std::string> error_type;
  std::optional<std::string> error_message;
  std::optional<std::string> error_data;
  std::optional<std::vector<std::string>> stack_trace;

  friend bool operator==(const ErrorObject&, const ErrorObject&) = default;
};

// Absent members are omitted; parsing rejects wrong JSON types naming the field.
void to_json(Json& j, const ErrorObject& e);
void from_json(const Json& j, ErrorObject& e);

}  // namespace durable
