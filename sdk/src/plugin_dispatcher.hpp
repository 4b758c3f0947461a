// PluginDispatcher: turns the SDK's internal events into the Plugin hooks of one invocation,
// applies the firing rules of plugin.hpp (once-per-operation bookkeeping) and isolates plugins
// from each other and from the execution (every hook call is wrapped; exceptions are logged).
//
// Exists only when InvocationOptions::plugins is non-empty; ExecutionState::plugins() is null
// otherwise, and every call site checks that pointer first, so an invocation without plugins
// pays one branch per site. All methods are called with the invocation's SDK lock held (or on the
// invocation's own thread while no branch runs), which is what serializes the hooks.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"
#include "durable/plugin.hpp"

namespace durable::detail {

class ExecutionState;
class LogCore;

class PluginDispatcher {
 public:
  PluginDispatcher(std::vector<std::shared_ptr<Plugin>> plugins, std::shared_ptr<LogCore> log);

  // Fires on_invocation_start (after the initial state is loaded), then on_operation_end for the
  // operations in `updated_ids` that are terminal. Every operation terminal at this point counts
  // as already ended.
  void invocation_start(const ExecutionState& state, const std::optional<std::string>& request_id,
                        const std::vector<std::string>& updated_ids);
  // Fires on_invocation_end with the state as it is now.
  void invocation_end(const ExecutionState& state, PluginInvocationStatus status,
                      const std::optional<ErrorObject>& error);

  // A START update is about to be queued: on_operation_start, is_replayed when the operation is
  // already in the state (a step's next attempt). Once per operation per invocation.
  void operation_start(const ExecutionState& state, const OperationUpdate& start);
  // Replay met checkpointed `op`: on_operation_start(is_replayed) unless it is terminal.
  void operation_replayed(const ExecutionState& state, const Operation& op);
  // A checkpoint response was merged: on_operation_end for newly terminal operations, then
  // on_operation_change.
  void checkpoint_response(const ExecutionState& state, const std::vector<Operation>& operations);

  // User code of operation `operation_id` is about to run: fires on_user_function_start and
  // returns the info to hand to user_function_end.
  UserFunctionStartInfo user_function_start(const ExecutionState& state,
                                            const std::string& operation_id, OperationType type,
                                            std::string_view sub_type,
                                            const std::optional<std::string>& name,
                                            const std::optional<std::string>& parent_id,
                                            std::optional<int> attempt, bool is_replay_children);
  // The user code ended; `error` set means it threw.
  void user_function_end(const UserFunctionStartInfo& start, std::optional<ErrorObject> error);

 private:
  template <class Info>
  void each(const char* hook, void (Plugin::*fn)(const Info&), const Info& info);

  std::vector<std::shared_ptr<Plugin>> plugins_;
  std::shared_ptr<LogCore> log_;
  InvocationStartInfo start_info_;            // repeated in the invocation-end info
  std::unordered_set<std::string> started_;  // operation-start fired in this invocation
  std::unordered_set<std::string> ended_;    // terminal: reported, or already at start
};

// Brackets one run of user code (a step attempt, a condition check, a context body) with the
// user-function hooks. Without plugins it holds a null pointer and each call is one test.
class UserFunctionRun {
 public:
  UserFunctionRun(const ExecutionState& state, const std::string& operation_id, OperationType type,
                  std::string_view sub_type, const std::optional<std::string>& name,
                  const std::optional<std::string>& parent_id, std::optional<int> attempt,
                  bool is_replay_children);
  UserFunctionRun(const UserFunctionRun&) = delete;
  UserFunctionRun& operator=(const UserFunctionRun&) = delete;

  // The user code returned. At most one of succeeded()/failed() has an effect.
  void succeeded();
  // The user code threw `error` (suspensions and stops included).
  void failed(std::exception_ptr error);

 private:
  PluginDispatcher* plugins_;
  std::unique_ptr<UserFunctionStartInfo> info_;
};

// Live START about to be queued / checkpointed replay met: forward to the state's plugins.
void notify_operation_start(const ExecutionState& state, const OperationUpdate& start);

// The log back end of the invocation whose hook runs on the calling thread (null outside hooks):
// where Plugin::write_log writes.
LogCore*& current_plugin_log();

// The plugin view of a checkpointed operation.
OperationInfo operation_info(const std::string& execution_arn, const Operation& op,
                             bool is_replayed);

}  // namespace durable::detail
