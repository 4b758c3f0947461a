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
// Every factory returns a DurableMatcher, which gmock turns into a Matcher of whatever the
// assertion holds: an operation (TestOperation or a typed view), a TestResult, an ErrorObject (or
// an optional one), a Json, or JSON text. A matcher whose property the subject does not have (a
// result of a WAIT, the payload of a STEP) does not match, and says why. The matchers' work is
// compiled once in the library: a test file instantiates one small adapter per subject type, not
// one class per matcher and use.
//
// This header is the one public header of the harness that includes gmock; it is meant for test
// code only.
#pragma once

#include <gmock/gmock.h>

#include <memory>
#include <optional>
#include <ostream>
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

class TestResult;

namespace detail {

// What a matcher is applied to, with the subject's type erased. Exactly one of the members is set,
// except for an optional ErrorObject or optional text that is empty (`error_subject` /
// `text_subject` tell those apart). A value that is only convertible to Json is converted into
// `owned_json` (so a MatchSubject may be moved).
struct MatchSubject {
  const TestOperation* operation = nullptr;
  const TestResult* result = nullptr;
  const Json* json = nullptr;
  std::optional<Json> owned_json;
  bool error_subject = false;  // an ErrorObject or std::optional<ErrorObject>
  const ErrorObject* error = nullptr;
  bool text_subject = false;  // JSON text: std::string, string_view, C string, optional string
  std::optional<std::string_view> text;
};

template <class T>
inline constexpr bool kUnsupportedSubject = false;

// The MatchSubject of `value`. Thread-safety: none needed (reads `value` only).
template <class T>
MatchSubject subject_of(const T& value) {
  MatchSubject subject;
  if constexpr (std::is_base_of_v<TestOperation, T>) {
    subject.operation = &value;
  } else if constexpr (std::is_same_v<T, TestResult>) {
    subject.result = &value;
  } else if constexpr (std::is_same_v<T, ErrorObject>) {
    subject.error_subject = true;
    subject.error = &value;
  } else if constexpr (std::is_same_v<T, std::optional<ErrorObject>>) {
    subject.error_subject = true;
    subject.error = value ? &*value : nullptr;
  } else if constexpr (std::is_same_v<T, Json>) {
    subject.json = &value;
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    subject.text_subject = true;
    subject.text = std::string_view(value);
  } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    subject.text_subject = true;
    if (value) subject.text = std::string_view(*value);
  } else if constexpr (std::is_constructible_v<Json, const T&>) {
    subject.owned_json.emplace(value);
  } else {
    static_assert(kUnsupportedSubject<T>,
                  "durable::testing matchers apply to operations, TestResult, ErrorObject, "
                  "Json and JSON text");
  }
  return subject;
}

// One matcher's check and description, compiled in the library (matchers.cpp). Immutable once
// built, so one core serves every gmock Matcher made from it, on any thread.
class MatcherCore {
 public:
  virtual ~MatcherCore() = default;
  // Whether `subject` matches; on a mismatch writes why to `listener` (which may not listen).
  virtual bool match(const MatchSubject& subject, ::testing::MatchResultListener* listener) const = 0;
  // "has status SUCCEEDED", or with `negation` "does not have status SUCCEEDED".
  virtual void describe(std::ostream& os, bool negation) const = 0;
};

// gmock's view of a MatcherCore for subjects passed as `Arg` (const X& or X&).
template <class Arg>
class ErasedMatcher final : public ::testing::MatcherInterface<Arg> {
 public:
  explicit ErasedMatcher(std::shared_ptr<const MatcherCore> core) : core_(std::move(core)) {}
  bool MatchAndExplain(Arg value, ::testing::MatchResultListener* listener) const override {
    return core_->match(subject_of<std::remove_cvref_t<Arg>>(value), listener);
  }
  void DescribeTo(std::ostream* os) const override { core_->describe(*os, false); }
  void DescribeNegationTo(std::ostream* os) const override { core_->describe(*os, true); }

 private:
  std::shared_ptr<const MatcherCore> core_;
};

}  // namespace detail

// What every matcher of this header returns: converts to ::testing::Matcher<T> for any subject
// type above, so it works in EXPECT_THAT, EXPECT_CALL argument lists and inside gmock's
// combinators (AllOf, Not, Contains, ElementsAre, ...).
class DurableMatcher {
 public:
  explicit DurableMatcher(std::shared_ptr<const detail::MatcherCore> core) : core_(std::move(core)) {}

  template <class T>
  operator ::testing::Matcher<T>() const {  // NOLINT(google-explicit-constructor): gmock converts
    return ::testing::Matcher<T>(new detail::ErasedMatcher<const T&>(core_));
  }

  const detail::MatcherCore& core() const { return *core_; }

 private:
  std::shared_ptr<const detail::MatcherCore> core_;
};

namespace detail {
DurableMatcher has_result(::testing::Matcher<const Json&> inner);
DurableMatcher has_payload(::testing::Matcher<const Json&> inner);
}  // namespace detail

// Matches a durable::Json, JSON text (std::string, string_view, C string, optional payload), or
// any value convertible to Json, equal as JSON to `expected` (object key order and number
// spelling do not matter). A braced value works too: JsonEq({{"amount", 100.0}}). On mismatch it
// explains with a JSON Patch from the actual to the expected value; text that is not JSON, or an
// absent payload, does not match.
DurableMatcher JsonEq(Json expected);

// Matches an operation whose status() is `expected`.
DurableMatcher HasStatus(::durable::OperationStatus expected);
// Matches a TestResult whose status() is `expected`.
DurableMatcher HasStatus(ExecutionStatus expected);

// Matches an operation whose name() equals `expected`.
DurableMatcher HasName(std::string_view expected);

// Matches an operation whose type() equals `expected`.
DurableMatcher HasType(::durable::OperationType expected);

// Matches an operation (STEP, CONTEXT, CALLBACK or CHAINED_INVOKE, as a TestOperation or its
// typed view) or a TestResult whose result, decoded as JSON, matches `inner` (JsonEq, or any
// matcher of a Json). An operation without a result (a WAIT, or one that did not succeed) or whose
// result is not JSON does not match, and the message says why.
DurableMatcher HasResult(const DurableMatcher& inner);
template <class M>
DurableMatcher HasResult(const M& inner) {
  return detail::has_result(::testing::SafeMatcherCast<const Json&>(inner));
}

// Matches an operation (or TestResult) that succeeded: OperationStatus::Succeeded, or
// ExecutionStatus::Succeeded for a TestResult.
DurableMatcher Succeeded();

// Matches an operation (or TestResult) that failed (FAILED; TIMED_OUT and STOPPED do not match).
DurableMatcher Failed();

// Matches a CHAINED_INVOKE operation whose invoked function is `function_name`.
DurableMatcher IsInvokeOf(std::string_view function_name);

// Matches a CHAINED_INVOKE operation whose payload, decoded as JSON, matches `inner`.
DurableMatcher HasPayload(const DurableMatcher& inner);
template <class M>
DurableMatcher HasPayload(const M& inner) {
  return detail::has_payload(::testing::SafeMatcherCast<const Json&>(inner));
}

// Matches anything carrying an error (operation, TestResult, ErrorObject, optional ErrorObject)
// whose ErrorType equals `expected`.
DurableMatcher HasErrorType(std::string_view expected);

// As HasErrorType, for an ErrorMessage that contains `substring`.
DurableMatcher HasErrorMessage(std::string_view substring);

}  // namespace durable::testing
