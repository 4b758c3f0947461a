// The out-of-line helpers of durable/testing/matchers.hpp.
#include "durable/testing/matchers.hpp"

namespace durable::testing::detail {

std::optional<Json> parse_json_text(std::string_view text) {
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace durable::testing::detail
