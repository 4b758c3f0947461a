// A fixed environment for the durable::lambda functions that read configuration through an
// EnvironmentLookup, so tests never touch the process environment.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "durable/lambda/aws_credentials.hpp"

namespace durable::lambda::test {

// Answers with `values`; a name that is not there is unset.
inline EnvironmentLookup fake_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace durable::lambda::test
