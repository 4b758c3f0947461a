// The matchers of durable/testing/matchers.hpp: one MatcherCore per matcher, compiled here once.
#include "durable/testing/matchers.hpp"

#include "durable/testing/test_result.hpp"

namespace durable::testing {
namespace {

using ::durable::OperationStatus;
using ::durable::OperationType;
using ::testing::MatchResultListener;

std::optional<Json> parse_json_text(std::string_view text) {
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

// "a WAIT operation", "an EXECUTION operation".
std::string kind_phrase(OperationType type) {
  const std::string name(::durable::to_string(type));
  const bool vowel = name.find_first_of("AEIOU") == 0;
  return (vowel ? "an " : "a ") + name + " operation";
}

// What the subject is, for a matcher whose property it does not have.
std::string subject_phrase(const detail::MatchSubject& s) {
  if (s.operation != nullptr) return "which is " + kind_phrase(s.operation->type());
  if (s.result != nullptr) return "which is an execution result";
  if (s.error_subject) return "which is an error";
  return "which is a JSON value";
}

const Json* json_of(const detail::MatchSubject& s) {
  if (s.json != nullptr) return s.json;
  return s.owned_json ? &*s.owned_json : nullptr;
}

// The raw result of an operation (STEP, CONTEXT, CALLBACK, CHAINED_INVOKE) or a TestResult; an
// empty `absent` means there is one (a TestResult's absent result reads as JSON null, as
// TestResult::result() does).
struct ResultText {
  std::optional<std::string> payload;
  std::string absent;
};
ResultText result_text_of(const detail::MatchSubject& s) {
  if (s.result != nullptr) {
    const auto& payload = s.result->result_payload();
    return {payload ? payload : std::optional<std::string>("null"), {}};
  }
  if (s.operation == nullptr) return {std::nullopt, subject_phrase(s) + ", which has no result"};
  const TestOperation& op = *s.operation;
  std::optional<std::string> payload;
  switch (op.type()) {
    case OperationType::Step: payload = StepOperation(op).result_payload(); break;
    case OperationType::Context: payload = ContextOperation(op).result_payload(); break;
    case OperationType::Callback: payload = CallbackOperation(op).result_payload(); break;
    case OperationType::ChainedInvoke: payload = InvokeOperation(op).result_payload(); break;
    default:
      return {std::nullopt, "which is " + kind_phrase(op.type()) + ", which has no result"};
  }
  if (!payload) {
    return {std::nullopt,
            "which has no result (status " + std::string(::durable::to_string(op.status())) + ")"};
  }
  return {std::move(payload), {}};
}

// The error a subject carries; `has_errors` is false for subjects that never carry one.
std::optional<ErrorObject> error_of(const detail::MatchSubject& s, bool& has_errors) {
  has_errors = true;
  if (s.error_subject) return s.error ? std::optional<ErrorObject>(*s.error) : std::nullopt;
  if (s.operation != nullptr) return s.operation->error();
  if (s.result != nullptr) return s.result->error();
  has_errors = false;
  return std::nullopt;
}

class JsonEqCore final : public detail::MatcherCore {
 public:
  explicit JsonEqCore(Json expected) : expected_(std::move(expected)) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    std::optional<Json> parsed;
    const Json* actual = json_of(s);
    if (actual == nullptr && s.text_subject) {
      if (s.text) parsed = parse_json_text(*s.text);
      if (!parsed) {
        *listener << "which is not JSON";
        return false;
      }
      actual = &*parsed;
    }
    if (actual == nullptr) {
      *listener << subject_phrase(s) << ", not JSON";
      return false;
    }
    if (*actual == expected_) return true;
    *listener << "which is " << actual->dump() << ", patch to expected: "
              << Json::diff(*actual, expected_).dump();
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "is not JSON equal to " : "is JSON equal to ") << expected_.dump();
  }

 private:
  Json expected_;
};

class OperationStatusCore final : public detail::MatcherCore {
 public:
  explicit OperationStatusCore(OperationStatus expected) : expected_(expected) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation == nullptr) {
      *listener << subject_phrase(s) << ", not an operation";
      return false;
    }
    if (s.operation->status() == expected_) return true;
    *listener << "whose status is " << ::durable::to_string(s.operation->status());
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "does not have status " : "has status ") << ::durable::to_string(expected_);
  }

 private:
  OperationStatus expected_;
};

class ExecutionStatusCore final : public detail::MatcherCore {
 public:
  explicit ExecutionStatusCore(ExecutionStatus expected) : expected_(expected) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.result == nullptr) {
      *listener << subject_phrase(s) << ", not an execution result";
      return false;
    }
    if (s.result->status() == expected_) return true;
    *listener << "whose status is " << ::durable::to_string(s.result->status());
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "does not have status " : "has status ") << ::durable::to_string(expected_);
  }

 private:
  ExecutionStatus expected_;
};

class NameCore final : public detail::MatcherCore {
 public:
  explicit NameCore(std::string expected) : expected_(std::move(expected)) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation == nullptr) {
      *listener << subject_phrase(s) << ", not an operation";
      return false;
    }
    const std::string actual = s.operation->name();
    if (actual == expected_) return true;
    *listener << "whose name is \"" << actual << "\"";
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "is not named " : "is named ") << expected_;
  }

 private:
  std::string expected_;
};

class TypeCore final : public detail::MatcherCore {
 public:
  explicit TypeCore(OperationType expected) : expected_(expected) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation == nullptr) {
      *listener << subject_phrase(s) << ", not an operation";
      return false;
    }
    if (s.operation->type() == expected_) return true;
    *listener << "whose type is " << ::durable::to_string(s.operation->type());
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "is not of type " : "is of type ") << ::durable::to_string(expected_);
  }

 private:
  OperationType expected_;
};

class ResultCore final : public detail::MatcherCore {
 public:
  explicit ResultCore(::testing::Matcher<const Json&> inner) : inner_(std::move(inner)) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    const ResultText text = result_text_of(s);
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
    const bool matched = inner_.MatchAndExplain(*value, &inner_listener);
    if (inner_listener.str().empty()) {
      *listener << "whose result is " << value->dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
      *listener << inner_listener.str();
    }
    return matched;
  }
  void describe(std::ostream& os, bool /*negation*/) const override {
    os << "has a result that ";
    inner_.DescribeTo(&os);
  }

 private:
  ::testing::Matcher<const Json&> inner_;
};

class OutcomeCore final : public detail::MatcherCore {
 public:
  explicit OutcomeCore(bool succeeded) : succeeded_(succeeded) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation != nullptr) {
      const OperationStatus status = s.operation->status();
      if (status == (succeeded_ ? OperationStatus::Succeeded : OperationStatus::Failed)) return true;
      *listener << "whose status is " << ::durable::to_string(status);
      return false;
    }
    if (s.result != nullptr) {
      const ExecutionStatus status = s.result->status();
      if (status == (succeeded_ ? ExecutionStatus::Succeeded : ExecutionStatus::Failed)) return true;
      *listener << "whose status is " << ::durable::to_string(status);
      return false;
    }
    *listener << subject_phrase(s) << ", which has no status";
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    if (succeeded_) {
      os << (negation ? "did not succeed" : "succeeded");
    } else {
      os << (negation ? "did not fail" : "failed");
    }
  }

 private:
  bool succeeded_;
};

class InvokeOfCore final : public detail::MatcherCore {
 public:
  explicit InvokeOfCore(std::string function_name) : function_name_(std::move(function_name)) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation == nullptr || s.operation->type() != OperationType::ChainedInvoke) {
      *listener << subject_phrase(s);
      return false;
    }
    const std::string actual = InvokeOperation(*s.operation).function_name();
    if (actual == function_name_) return true;
    *listener << "which invokes \"" << actual << "\"";
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    os << (negation ? "is not an invoke of " : "is an invoke of ") << function_name_;
  }

 private:
  std::string function_name_;
};

class PayloadCore final : public detail::MatcherCore {
 public:
  explicit PayloadCore(::testing::Matcher<const Json&> inner) : inner_(std::move(inner)) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    if (s.operation == nullptr || s.operation->type() != OperationType::ChainedInvoke) {
      *listener << subject_phrase(s);
      return false;
    }
    const std::optional<std::string> payload = InvokeOperation(*s.operation).payload();
    const std::optional<Json> value = payload ? parse_json_text(*payload) : std::nullopt;
    if (!value) {
      *listener << (payload ? "whose payload is not JSON: " + *payload
                            : std::string("which has no payload"));
      return false;
    }
    return inner_.MatchAndExplain(*value, listener);
  }
  void describe(std::ostream& os, bool /*negation*/) const override {
    os << "has a payload that ";
    inner_.DescribeTo(&os);
  }

 private:
  ::testing::Matcher<const Json&> inner_;
};

// HasErrorType (`message` false: equal ErrorType) and HasErrorMessage (`message` true: an
// ErrorMessage containing the text).
class ErrorCore final : public detail::MatcherCore {
 public:
  ErrorCore(std::string expected, bool message) : expected_(std::move(expected)), message_(message) {}
  bool match(const detail::MatchSubject& s, MatchResultListener* listener) const override {
    bool has_errors = false;
    const std::optional<ErrorObject> error = error_of(s, has_errors);
    if (!has_errors) {
      *listener << subject_phrase(s) << ", which has no error";
      return false;
    }
    if (!error) {
      *listener << "which has no error";
      return false;
    }
    if (message_) {
      const std::string actual = error->error_message.value_or("");
      if (actual.find(expected_) != std::string::npos) return true;
      *listener << "whose error message is \"" << actual << "\"";
      return false;
    }
    const std::string actual = error->error_type.value_or("");
    if (actual == expected_) return true;
    *listener << "whose error type is \"" << actual << "\"";
    return false;
  }
  void describe(std::ostream& os, bool negation) const override {
    if (message_) {
      os << (negation ? "does not have an error message containing "
                      : "has an error message containing ")
         << expected_;
    } else {
      os << (negation ? "does not have error type " : "has error type ") << expected_;
    }
  }

 private:
  std::string expected_;
  bool message_;
};

template <class Core, class... Args>
DurableMatcher make(Args&&... args) {
  return DurableMatcher(std::make_shared<Core>(std::forward<Args>(args)...));
}

}  // namespace

namespace detail {
DurableMatcher has_result(::testing::Matcher<const Json&> inner) {
  return make<ResultCore>(std::move(inner));
}
DurableMatcher has_payload(::testing::Matcher<const Json&> inner) {
  return make<PayloadCore>(std::move(inner));
}
}  // namespace detail

DurableMatcher JsonEq(Json expected) { return make<JsonEqCore>(std::move(expected)); }
DurableMatcher HasStatus(OperationStatus expected) { return make<OperationStatusCore>(expected); }
DurableMatcher HasStatus(ExecutionStatus expected) { return make<ExecutionStatusCore>(expected); }
DurableMatcher HasName(std::string_view expected) { return make<NameCore>(std::string(expected)); }
DurableMatcher HasType(OperationType expected) { return make<TypeCore>(expected); }
DurableMatcher HasResult(const DurableMatcher& inner) {
  return detail::has_result(::testing::Matcher<const Json&>(inner));
}
DurableMatcher Succeeded() { return make<OutcomeCore>(true); }
DurableMatcher Failed() { return make<OutcomeCore>(false); }
DurableMatcher IsInvokeOf(std::string_view function_name) {
  return make<InvokeOfCore>(std::string(function_name));
}
DurableMatcher HasPayload(const DurableMatcher& inner) {
  return detail::has_payload(::testing::Matcher<const Json&>(inner));
}
DurableMatcher HasErrorType(std::string_view expected) {
  return make<ErrorCore>(std::string(expected), false);
}
DurableMatcher HasErrorMessage(std::string_view substring) {
  return make<ErrorCore>(std::string(substring), true);
}

}  // namespace durable::testing
