// gmock matchers for durable payloads, operations and results.
//
//   EXPECT_THAT(result.result(), JsonEq({{"status", "completed"}}));
//   EXPECT_THAT(result.get_step("charge"), HasStatus(durable::OperationStatus::Succeeded));
//   EXPECT_THAT(result, HasStatus(durable::testing::ExecutionStatus::Succeeded));
//   EXPECT_THAT(result.operations(), Contains(HasName("charge")));
//   EXPECT_THAT(result.get_step("charge"), HasResult(JsonEq(42)));
//   EXPECT_THAT(result.operations(OperationType::ChainedInvoke),
//               ElementsAre(AllOf(IsInvokeOf("validate"), HasPayload(JsonEq({{"id", 1}})),
//                                 Succeeded())));
//   EXPECT_THAT(result, AllOf(Failed(), HasErrorType("StepError"), HasErrorMessage("declined")));
//
// This header is the one public header of the harness that includes gmock; it is meant for test
// code only.
#pragma once

#include <gmock/gmock.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "durable/model/enums.hpp"
#include "durable/model/json.hpp"
#include "durable/model/error_object.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/test_operation.hpp"

namespace durable::testing {
namespace detail {

// The JSON value a matcher argument stands for: a Json as is, text (std::string, string_view,
// const char*, std::optional<std::string> payloads) parsed as JSON. Text that is not JSON, or an
// absent payload, yields std::nullopt so the matcher fails with a message instead of throwing.
// Out of line (matchers.cpp), so that test files do not compile nlohmann's parser.
std::optional<Json> parse_json_text(std::string_view text);
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

// The error an argument carries: an ErrorObject itself, an optional one, or whatever error()
// returns (operations, TestResult).
template <class T>
std::optional<ErrorObject> error_of(const T& arg) {
  if constexpr (std::is_same_v<T, ErrorObject>) {
    return arg;
  } else if constexpr (std::is_same_v<T, std::optional<ErrorObject>>) {
    return arg;
  } else {
    return arg.error();
  }
}

// Whether `arg` (an operation or a TestResult) has the "succeeded"/"failed" status of its kind.
template <class T>
bool has_outcome(const T& arg, bool succeeded) {
  const auto status = arg.status();
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(status)>, ::durable::OperationStatus>) {
    return status == (succeeded ? ::durable::OperationStatus::Succeeded
                                : ::durable::OperationStatus::Failed);
  } else {
    return status == (succeeded ? ExecutionStatus::Succeeded : ExecutionStatus::Failed);
  }
}

// "a WAIT operation", "an EXECUTION operation".
inline std::string kind_phrase(::durable::OperationType type) {
  const std::string name(::durable::to_string(type));
  const bool vowel = name.find_first_of("AEIOU") == 0;
  return (vowel ? "an " : "a ") + name + " operation";
}

// The result an argument carries, as HasResult reads it. `absent` explains a missing result (an
// operation kind that has none, or one that did not succeed); empty when `payload` is set.
struct ResultText {
  std::optional<std::string> payload;
  std::string absent;
};
inline ResultText result_text_of(const TestOperation& op) {
  std::optional<std::string> payload;
  switch (op.type()) {
    case ::durable::OperationType::Step: payload = StepOperation(op).result_payload(); break;
    case ::durable::OperationType::Context: payload = ContextOperation(op).result_payload(); break;
    case ::durable::OperationType::Callback: payload = CallbackOperation(op).result_payload(); break;
    case ::durable::OperationType::ChainedInvoke:
      payload = InvokeOperation(op).result_payload();
      break;
    default:
      return {std::nullopt, "which is " + kind_phrase(op.type()) + ", which has no result"};
  }
  if (!payload) {
    return {std::nullopt, "which has no result (status " +
                              std::string(::durable::to_string(op.status())) + ")"};
  }
  return {std::move(payload), {}};
}
// A TestResult (or anything else with result_payload()): an absent result reads as JSON null,
// as TestResult::result() does.
template <class T>
ResultText result_text_of(const T& arg) {
  if constexpr (std::is_base_of_v<TestOperation, T>) {
    return result_text_of(static_cast<const TestOperation&>(arg));
  } else {
    const auto& payload = arg.result_payload();
    return {payload ? payload : std::optional<std::string>("null"), {}};
  }
}

// The bodies of the matchers below, compiled once in the library (matchers.cpp) so that a test
// file instantiates only the thin MATCHER_P shells: nlohmann's diff and gmock's explanation
// plumbing are not compiled again in every file. Each returns whether the argument matches and
// writes the explanation to `listener` (which may not be interested).
bool explain_json_eq(const Json& expected, const std::optional<Json>& actual,
                     ::testing::MatchResultListener* listener);
bool explain_result(const ResultText& text, const ::testing::Matcher<const Json&>& inner,
                    ::testing::MatchResultListener* listener);
bool explain_payload(const TestOperation& op, const ::testing::Matcher<const Json&>& inner,
                     ::testing::MatchResultListener* listener);
bool explain_invoke_of(const TestOperation& op, const std::string& function_name,
                       ::testing::MatchResultListener* listener);

}  // namespace detail

// Matches a durable::Json, or JSON text (std::string, optional payload), equal as JSON to
// `expected` (object key order and number spelling do not matter). On mismatch it explains with
// a JSON Patch from the actual to the expected value.
MATCHER_P(JsonEq, expected,
          std::string(negation ? "is not JSON equal to " : "is JSON equal to ") +
              ::durable::Json(expected).dump()) {
  return ::durable::testing::detail::explain_json_eq(::durable::Json(expected),
                                                     ::durable::testing::detail::as_json(arg),
                                                     result_listener);
}

// JsonEq with a braced JSON value: JsonEq({{"amount", 100.0}}).
inline auto JsonEq(::durable::Json::initializer_list_t expected) {
  return JsonEq(::durable::Json(expected));
}

// Matches anything with a status() member: operations (durable::OperationStatus) and
// TestResult (durable::testing::ExecutionStatus).
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

// Matches an operation (STEP, CONTEXT, CALLBACK or CHAINED_INVOKE, as a TestOperation or its
// typed view) or a TestResult whose result, decoded as JSON, matches `inner`. An operation without
// a result (a WAIT, or one that did not succeed) or whose result is not JSON does not match, and
// the message says why.
MATCHER_P(HasResult, inner, "has a result that " + ::testing::DescribeMatcher<::durable::Json>(inner)) {
  return ::durable::testing::detail::explain_result(
      ::durable::testing::detail::result_text_of(arg),
      ::testing::SafeMatcherCast<const ::durable::Json&>(inner), result_listener);
}

// Matches an operation (or TestResult) that succeeded: OperationStatus::Succeeded, or
// ExecutionStatus::Succeeded for a TestResult.
MATCHER(Succeeded, negation ? "did not succeed" : "succeeded") {
  if (::durable::testing::detail::has_outcome(arg, true)) return true;
  *result_listener << "whose status is " << to_string(arg.status());
  return false;
}

// Matches an operation (or TestResult) that failed (FAILED; TIMED_OUT and STOPPED do not match).
MATCHER(Failed, negation ? "did not fail" : "failed") {
  if (::durable::testing::detail::has_outcome(arg, false)) return true;
  *result_listener << "whose status is " << to_string(arg.status());
  return false;
}

// Matches a CHAINED_INVOKE operation whose invoked function is `function_name`.
MATCHER_P(IsInvokeOf, function_name,
          std::string(negation ? "is not an invoke of " : "is an invoke of ") +
              std::string(function_name)) {
  return ::durable::testing::detail::explain_invoke_of(arg, std::string(function_name),
                                                       result_listener);
}

// Matches a CHAINED_INVOKE operation whose payload, decoded as JSON, matches `inner`.
MATCHER_P(HasPayload, inner,
          "has a payload that " + ::testing::DescribeMatcher<::durable::Json>(inner)) {
  return ::durable::testing::detail::explain_payload(
      arg, ::testing::SafeMatcherCast<const ::durable::Json&>(inner), result_listener);
}

// Matches anything carrying an error (operation, TestResult, ErrorObject, optional ErrorObject)
// whose ErrorType equals `expected`.
MATCHER_P(HasErrorType, expected,
          std::string(negation ? "does not have error type " : "has error type ") +
              std::string(expected)) {
  const auto error = ::durable::testing::detail::error_of(arg);
  if (!error) {
    *result_listener << "which has no error";
    return false;
  }
  if (error->error_type.value_or("") == std::string(expected)) return true;
  *result_listener << "whose error type is \"" << error->error_type.value_or("") << "\"";
  return false;
}

// As HasErrorType, for an ErrorMessage that contains `substring`.
MATCHER_P(HasErrorMessage, substring,
          std::string(negation ? "does not have an error message containing "
                               : "has an error message containing ") +
              std::string(substring)) {
  const auto error = ::durable::testing::detail::error_of(arg);
  if (!error) {
    *result_listener << "which has no error";
    return false;
  }
  const std::string message = error->error_message.value_or("");
  if (message.find(std::string(substring)) != std::string::npos) return true;
  *result_listener << "whose error message is \"" << message << "\"";
  return false;
}

}  // namespace durable::testing
