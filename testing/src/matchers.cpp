// The out-of-line helpers of durable/testing/matchers.hpp.
#include "durable/testing/matchers.hpp"

namespace durable::testing::detail {

std::optional<Json> parse_json_text(std::string_view text) {
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

bool explain_json_eq(const Json& expected, const std::optional<Json>& actual,
                     ::testing::MatchResultListener* listener) {
  if (!actual) {
    *listener << "which is not JSON";
    return false;
  }
  if (*actual == expected) return true;
  *listener << "which is " << actual->dump() << ", patch to expected: "
            << Json::diff(*actual, expected).dump();
  return false;
}

bool explain_result(const ResultText& text, const ::testing::Matcher<const Json&>& inner,
                    ::testing::MatchResultListener* listener) {
  if (!text.payload) {
    *listener << text.absent;
    return false;
  }
  const auto value = parse_json_text(*text.payload);
  if (!value) {
    *listener << "whose result is not JSON: " << *text.payload;
    return false;
  }
  ::testing::StringMatchResultListener inner_listener;
  const bool matched = inner.MatchAndExplain(*value, &inner_listener);
  if (inner_listener.str().empty()) {
    *listener << "whose result is " << value->dump(-1, ' ', false, Json::error_handler_t::replace);
  } else {
    *listener << inner_listener.str();
  }
  return matched;
}

bool explain_payload(const TestOperation& op, const ::testing::Matcher<const Json&>& inner,
                     ::testing::MatchResultListener* listener) {
  if (op.type() != ::durable::OperationType::ChainedInvoke) {
    *listener << "which is " << kind_phrase(op.type());
    return false;
  }
  const auto payload = InvokeOperation(op).payload();
  const auto value = as_json(payload);
  if (!value) {
    *listener << (payload ? "whose payload is not JSON: " + *payload
                          : std::string("which has no payload"));
    return false;
  }
  return inner.MatchAndExplain(*value, listener);
}

bool explain_invoke_of(const TestOperation& op, const std::string& function_name,
                       ::testing::MatchResultListener* listener) {
  if (op.type() != ::durable::OperationType::ChainedInvoke) {
    *listener << "which is " << kind_phrase(op.type());
    return false;
  }
  const auto actual = InvokeOperation(op).function_name();
  if (actual == function_name) return true;
  *listener << "which invokes \"" << actual << "\"";
  return false;
}

}  // namespace durable::testing::detail
