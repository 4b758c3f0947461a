#include "durable/testing/callback_rule.hpp"

#include <stdexcept>
#include <utility>

namespace durable::testing {
namespace {

// Iterative glob match with backtracking to the last '*': linear in practice, no recursion.
bool glob_match(const std::string& pattern, const std::string& text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

CallbackRule::CallbackRule(std::string pattern) : pattern_(std::move(pattern)) {
  if (pattern_.empty()) {
    throw std::invalid_argument("DurableRunner::on_callback: the callback name pattern is empty");
  }
}

void CallbackRule::set_action(Action action) {
  if (action_ != Action::None) {
    throw std::logic_error("DurableRunner::on_callback(\"" + pattern_ + "\"): the rule already " +
                           "has the action " + to_string(action_) + "; it cannot also " +
                           to_string(action) + " (declare another on_callback rule)");
  }
  action_ = action;
}

CallbackRule& CallbackRule::succeed(const Json& result) {
  set_action(Action::Succeed);
  result_ = result.dump();
  return *this;
}

CallbackRule& CallbackRule::succeed_raw(std::string result) {
  set_action(Action::Succeed);
  result_ = std::move(result);
  return *this;
}

CallbackRule& CallbackRule::fail(ErrorObject error) {
  set_action(Action::Fail);
  error_ = std::move(error);
  return *this;
}

CallbackRule& CallbackRule::fail(std::string error_type, std::string error_message) {
  return fail(ErrorObject{std::move(error_type), std::move(error_message), std::nullopt,
                          std::nullopt});
}

CallbackRule& CallbackRule::heartbeat() {
  set_action(Action::Heartbeat);
  return *this;
}

CallbackRule& CallbackRule::time_out() {
  set_action(Action::TimeOut);
  return *this;
}

CallbackRule& CallbackRule::after(Duration delay) {
  if (delay.as_milliseconds().count() < 0) {
    throw std::invalid_argument("DurableRunner::on_callback(\"" + pattern_ +
                                "\").after: negative delay " + delay.to_string());
  }
  delay_ = delay;
  return *this;
}

bool CallbackRule::matches(const std::string& name) const { return glob_match(pattern_, name); }

bool CallbackRule::is_terminal() const {
  return action_ == Action::Succeed || action_ == Action::Fail || action_ == Action::TimeOut;
}

const char* to_string(CallbackRule::Action action) {
  switch (action) {
    case CallbackRule::Action::None: return "none";
    case CallbackRule::Action::Succeed: return "succeed";
    case CallbackRule::Action::Fail: return "fail";
    case CallbackRule::Action::Heartbeat: return "heartbeat";
    case CallbackRule::Action::TimeOut: return "time_out";
  }
  return "unknown";
}

}  // namespace durable::testing
