// gmock matchers for durable payloads, operations and results.
//
//   EXPECT_THAT(result.result(), JsonEq({{"status", "completed"}}));
//   EXPECT_THAT(result.get_step("charge"), HasStatus(durable::OperationStatus::Succeeded));
//   EXPECT_THAT(result, HasStatus(durable::testing::InvocationStatus::Succeeded));
//   EXPECT_THAT(result.operations(), Contains(HasName("charge")));
//   EXPECT_THAT(result.get_step("charge"), HasResult(JsonEq(42)));
//
// This header is the one public header of the harness that includes gmock; it is meant for test
// code only.
#pragma once

#include <gmock/gmock.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "durable/model/enums.hpp"
#include "durable/model/json.hpp"
#include "durable/testing/invocation_status.hpp"

namespace durable::testing {
namespace detail {

// The JSON value a matcher argument stands for: a Json as is, text (std::string, string_view,
// const char*, std::optional<std::string> payloads) parsed as JSON. Text that is not JSON, or an
// absent payload, yields std::nullopt so the matcher fails with a message instead of throwing.
inline std::optional<Json> parse_json_text(std::string_view text) {
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}
template <class T>
std::optional<Json> as_json(const T& value) {
  if constexpr (std::is_same_v<T, Json>) {
    return value;
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return parse_json_text(std::string_view(value));
  } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    if (!value) return std::nullopt;
    return parse_json_text(*value);
  } else {
    return Json(value);
  }
}

}  // namespace detail

// Matches a durable::Json, or JSON text (std::string, optional payload), equal as JSON to
// `expected` (object key order and number spelling do not matter). On mismatch it explains with
// a JSON Patch from the actual to the expected value.
MATCHER_P(JsonEq, expected,
          std::string(negation ? "is not JSON equal to " : "is JSON equal to ") +
              ::durable::Json(expected).dump()) {
  const ::durable::Json want(expected);
  const auto actual = ::durable::testing::detail::as_json(arg);
  if (!actual) {
    *result_listener << "which is not JSON";
    return false;
  }
  if (*actual == want) return true;
  *result_listener << "which is " << actual->dump() << ", patch to expected: "
                   << ::durable::Json::diff(*actual, want).dump();
  return false;
}

// Matches anything with a status() member: operations (durable::OperationStatus) and
// TestResult (durable::testing::InvocationStatus).
MATCHER_P(HasStatus, expected,
          std::string(negation ? "does not have status " : "has status ") +
              std::string(to_string(expected))) {
  const auto actual = arg.status();
  if (actual == expected) return true;
  *result_listener << "whose status is " << to_string(actual);
  return false;
}

// Matches an operation whose name() equals `expected`.
MATCHER_P(HasName, expected,
          std::string(negation ? "is not named " : "is named ") + std::string(expected)) {
  if (arg.name() == std::string(expected)) return true;
  *result_listener << "whose name is \"" << arg.name() << "\"";
  return false;
}

// Matches an operation whose type() equals `expected`.
MATCHER_P(HasType, expected,
          std::string(negation ? "is not of type " : "is of type ") +
              std::string(::durable::to_string(expected))) {
  if (arg.type() == expected) return true;
  *result_listener << "whose type is " << ::durable::to_string(arg.type());
  return false;
}

// Matches an operation or TestResult whose decoded JSON result matches `inner`.
MATCHER_P(HasResult, inner, "has a result that " + ::testing::DescribeMatcher<::durable::Json>(inner)) {
  const ::durable::Json value = arg.template result<::durable::Json>();
  return ::testing::ExplainMatchResult(inner, value, result_listener);
}

}  // namespace durable::testing
