#include "durable/testing/conformance/callback_actions.hpp"

#include <cmath>
#include <map>

#include "durable/testing/conformance/values.hpp"

namespace durable::testing::conformance {

CallbackActionPlanner::CallbackActionPlanner(std::vector<CallbackAction> actions,
                                             const Bindings& bindings)
    : actions_(std::move(actions)), used_(actions_.size(), false), bindings_(bindings) {}

bool CallbackActionPlanner::name_matches(const std::string& pattern,
                                         const std::string& name) const {
  if (pattern == "*") return true;
  if (auto re = placeholder_regex(pattern)) return regex_search(bindings_.substitute(*re), name);
  return bindings_.substitute(pattern) == name;
}

std::vector<PlannedCallbackAction> CallbackActionPlanner::plan(const Json& history) {
  const Json& events = history.is_object() ? history.at("Events") : history;
  std::vector<PlannedCallbackAction> planned;
  if (actions_.empty()) return planned;

  // The service may omit the Name of a wait_for_callback's inner callback; the runner then
  // uses the name of the enclosing context.
  std::map<std::string, std::string> context_names;
  for (const auto& ev : events) {
    if (ev.value("EventType", "") == "ContextStarted" && ev.contains("Id") && ev.contains("Name")) {
      context_names[ev["Id"].get<std::string>()] = ev["Name"].get<std::string>();
    }
  }

  for (const auto& ev : events) {
    if (ev.value("EventType", "") != "CallbackStarted") continue;
    const auto details = ev.find("CallbackStartedDetails");
    if (details == ev.end() || !details->contains("CallbackId")) continue;
    const std::string callback_id = (*details)["CallbackId"].get<std::string>();
    if (!seen_callback_ids_.insert(callback_id).second) continue;
    std::string name = ev.value("Name", "");
    if (name.empty() && ev.contains("ParentId")) {
      auto it = context_names.find(ev["ParentId"].get<std::string>());
      if (it != context_names.end()) name = it->second;
    }
    bool matched_any = false;
    for (;;) {
      std::size_t chosen = actions_.size();
      for (std::size_t i = 0; i < actions_.size(); ++i) {
        if (!used_[i] && name_matches(actions_[i].callback_name, name)) {
          chosen = i;
          break;
        }
      }
      if (chosen == actions_.size()) break;
      used_[chosen] = true;
      matched_any = true;
      const CallbackAction& a = actions_[chosen];
      PlannedCallbackAction p;
      p.callback_id = callback_id;
      p.callback_name = name;
      p.operation = a.operation;
      p.delay = std::chrono::milliseconds(static_cast<long long>(std::llround(a.delay_seconds * 1000)));
      const Json payload = bindings_.substitute_all(a.payload);
      if (a.operation == CallbackOperation::Success) {
        p.success_result = python_json_dumps(payload);
      } else if (a.operation == CallbackOperation::Failure) {
        p.failure_error = Json::object();
        if (payload.is_object()) {
          for (const char* key : {"ErrorType", "ErrorMessage", "ErrorData", "StackTrace"}) {
            if (payload.contains(key)) p.failure_error[key] = payload[key];
          }
        }
      }
      planned.push_back(p);
      if (a.operation != CallbackOperation::Heartbeat) break;
    }
    if (!matched_any) {
      throw CallbackActionError("callback '" + name + "' (" + callback_id +
                                ") started but no unused CallbackAction matches its name");
    }
  }
  return planned;
}

void dispatch_callback_action(const PlannedCallbackAction& action, CallbackController& controller) {
  switch (action.operation) {
    case CallbackOperation::Success:
      controller.send_success(action.callback_id, action.success_result);
      break;
    case CallbackOperation::Failure:
      controller.send_failure(action.callback_id, action.failure_error);
      break;
    case CallbackOperation::Heartbeat:
      controller.send_heartbeat(action.callback_id);
      break;
  }
}

}  // namespace durable::testing::conformance
