// CallbackActions: how the runner completes callbacks from outside the handler
// (SDK-SEMANTICS.md §10.1-2). The planner decides which action answers which callback from the
// history alone; a CallbackController (implemented by whatever drives the execution) carries the
// actions out. Both are used from the driver's thread only.
#pragma once

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

// One action bound to one callback id, ready to send.
struct PlannedCallbackAction {
  std::string callback_id;
  std::string callback_name;  // as matched (back-filled from the parent context when missing)
  CallbackOperation operation = CallbackOperation::Success;
  std::string success_result;  // Success: python json.dumps of the substituted payload
  Json failure_error;          // Failure: {ErrorType, ErrorMessage, ErrorData, StackTrace} subset
  std::chrono::milliseconds delay{0};  // to let pass (on the execution's clock) before sending
};

// Raised when actions are configured but a new callback matches none of the unused ones.
class CallbackActionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CallbackActionPlanner {
 public:
  // `bindings` must outlive the planner; its variables substitute names and payloads.
  CallbackActionPlanner(std::vector<CallbackAction> actions, const Bindings& bindings);

  bool has_actions() const { return !actions_.empty(); }

  // Looks at the (whole, current) history — an event list or an object with `Events` — and
  // returns the actions for CallbackStarted events not planned before, in event order. For each
  // new callback the first unused matching action is taken and consumed; a heartbeat action is
  // consumed but keeps the callback open, so the next matching action is planned for it too.
  // With no actions configured callbacks are left alone (returns nothing). Throws
  // CallbackActionError naming the callback when actions exist but none matches.
  std::vector<PlannedCallbackAction> plan(const Json& history);

 private:
  bool name_matches(const std::string& pattern, const std::string& name) const;

  std::vector<CallbackAction> actions_;
  std::vector<bool> used_;
  std::set<std::string> seen_callback_ids_;
  const Bindings& bindings_;
};

// What a driver must offer to carry out planned actions. Implemented by the runner adapter once
// the runner exposes callback APIs.
class CallbackController {
 public:
  virtual ~CallbackController() = default;
  virtual void send_success(const std::string& callback_id, const std::string& result) = 0;
  virtual void send_failure(const std::string& callback_id, const Json& error) = 0;
  virtual void send_heartbeat(const std::string& callback_id) = 0;
};

// Sends one planned action through `controller` (the delay is the caller's business, since only
// it knows the clock).
void dispatch_callback_action(const PlannedCallbackAction& action, CallbackController& controller);

}  // namespace durable::testing::conformance
