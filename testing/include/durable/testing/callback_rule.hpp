// CallbackRule: how the DurableRunner answers a callback by itself while run()/wait_for_result()
// drive an execution, declared before the run with DurableRunner::on_callback(pattern):
//
//   runner.on_callback("approval").succeed({{"approved", true}}).after(std::chrono::hours(2));
//   runner.on_callback("payment-*").fail({"PaymentDeclined", "card expired"});
//   runner.on_callback("slow").heartbeat().after(std::chrono::seconds(30));
//   runner.on_callback("ignored").time_out();
//
// A rule matches a callback by name: the CALLBACK operation's Name or, for wait_for_callback, the
// name of its enclosing WaitForCallback context (the name the handler passed), as
// emulator::Service::callbacks() reports them. The pattern is either the exact name or a glob
// where '*' stands for any run of characters and '?' for one character.
//
// Each rule acts at most once per callback, when the virtual clock reaches the callback's start
// plus after() (default: at once). Of the rules that match a callback, every heartbeat rule acts,
// and the first *declared* terminal rule (succeed, fail, time_out) is the only terminal one used.
// time_out() answers nothing, so that the callback's own timeout or heartbeat timeout fires (a
// run fails with RunnerError if the callback has no timeout to fire).
//
// Rules are owned by the runner (stable addresses); configure them from the test thread before
// run(). Setting a second terminal action on one rule throws std::logic_error.
#pragma once

#include <optional>
#include <string>

#include "durable/duration.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable::testing {

class CallbackRule {
 public:
  enum class Action { None, Succeed, Fail, Heartbeat, TimeOut };

  // Throws std::invalid_argument for an empty pattern.
  explicit CallbackRule(std::string pattern);

  // Completes the callback with `result` sent as JSON text (result.dump()).
  CallbackRule& succeed(const Json& result);
  // Completes the callback with exactly these bytes as the Result (e.g. a non-JSON string that a
  // create_callback<std::string> receives unchanged).
  CallbackRule& succeed_raw(std::string result);
  // Fails the callback with `error` (the handler sees CallbackError with its type and message).
  CallbackRule& fail(ErrorObject error);
  CallbackRule& fail(std::string error_type, std::string error_message);
  // Sends one heartbeat, which restarts the callback's heartbeat timeout.
  CallbackRule& heartbeat();
  // Never answers the callback: its timeout decides.
  CallbackRule& time_out();
  // Acts this much virtual time after the callback was created (must be >= 0).
  CallbackRule& after(Duration delay);

  const std::string& pattern() const { return pattern_; }
  Action action() const { return action_; }
  Duration delay() const { return delay_; }
  // The Result to send (Succeed), the error to send (Fail).
  const std::string& result() const { return result_; }
  const ErrorObject& error() const { return error_; }

  // True when `name` matches the pattern (exact, or glob with '*' and '?').
  bool matches(const std::string& name) const;
  // True for Succeed, Fail and TimeOut: the actions that decide the callback's end.
  bool is_terminal() const;

 private:
  void set_action(Action action);

  std::string pattern_;
  Action action_ = Action::None;
  Duration delay_{};
  std::string result_;
  ErrorObject error_;
};

// "none", "succeed", "fail", "heartbeat", "time_out".
const char* to_string(CallbackRule::Action action);

}  // namespace durable::testing
