// Uses the installed SDK without the harness: an operation id, a Duration, JSON and an enum name.
#include <cstdio>
#include <string>

#include "durable/durable.hpp"

int main() {
  const std::string id = durable::operation_id(std::nullopt, 1);
  const durable::Json payload = {{"timeout", durable::Duration::from_minutes(5).to_string()},
                                 {"status", durable::to_string(durable::OperationStatus::Succeeded)}};
  std::printf("sdk consumer: %zu %s\n", id.size(), payload.dump().c_str());
  return id.empty() ? 1 : 0;
}
