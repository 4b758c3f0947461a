// Instrumentation plugins (SDK-SEMANTICS.md §7): observers of an execution's invocations,
// operations and user-function runs. A plugin overrides the hooks it needs; every hook has an
// empty default. Plugins are registered per handler through InvocationOptions::plugins (and
// testing::RunnerOptions::plugins for the DurableRunner).
//
// Firing rules (what the SDK guarantees):
//  * on_invocation_start: once per invocation, after the execution state is loaded and before the
//    handler runs. on_invocation_end: once per invocation that started, after the output is
//    final (queued checkpoints flushed) — status SUCCEEDED, FAILED, PENDING (suspended), or RETRY
//    when a retryable service failure makes the Lambda invocation fail (it is rethrown after the
//    hook). Neither fires when the envelope is unusable or loading the state fails.
//  * on_operation_start: before the START checkpoint of a new operation is queued
//    (is_replayed = false), or during replay when the handler reaches a checkpointed operation
//    that is not terminal (is_replayed = true; a step re-started for its next attempt counts as
//    replayed). At most once per operation per invocation. Operations that were already terminal
//    are never reported again on replay.
//  * on_operation_end: once per operation over the whole execution, when a checkpoint response
//    first shows it in a terminal status, or — for an operation the service completed between
//    invocations (timer, callback, chained invoke) — at the start of the next invocation, if the
//    service lists it in UpdatedOperationIds. A retryable step failure is not terminal.
//  * on_operation_change: after each checkpoint response that carried operations, with those
//    operations (updated_operations) and the whole known state (operations).
//  * on_user_function_start / _end: bracket each run of user code the SDK starts: a step
//    attempt, a wait_for_condition check, a child context body (also parallel branches and map
//    items). outcome FAILED when the code threw (also when it suspended or was stopped).
//  * The EXECUTION operation is not reported by the operation hooks (it is the invocation).
//
// Threads: every hook is called on a thread running the handler's SDK code — the invocation's
// thread, or for work inside parallel/map a branch thread the SDK owns — while the SDK holds its
// per-invocation lock, so hooks of one invocation never run concurrently with each other (but a
// plugin object shared by several concurrent invocations must protect its own state).
// User-function hooks run on the thread that then runs (or just ran) the user code.
//
// Errors: an exception thrown by a hook is caught, logged as an SDK warning line, and ignored;
// the execution and the other plugins' hooks are not affected. Hooks must not call back into the
// DurableContext.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable {

// How an invocation ended, as on_invocation_end reports it.
enum class PluginInvocationStatus { Succeeded, Failed, Pending, Retry };
// "SUCCEEDED", "FAILED", "PENDING", "RETRY".
std::string_view to_string(PluginInvocationStatus status);

// How one run of user code ended.
enum class UserFunctionOutcome { Succeeded, Failed };
// "SUCCEEDED", "FAILED".
std::string_view to_string(UserFunctionOutcome outcome);

// One operation as the SDK sees it at the time of the hook.
struct OperationInfo {
  std::string execution_arn;
  std::string operation_id;
  OperationType operation_type = OperationType::Step;
  std::optional<std::string> sub_type;
  std::optional<std::string> name;
  std::optional<std::string> parent_id;  // absent for top-level operations
  std::optional<Timestamp> start_time;
  std::optional<Timestamp> end_time;      // set once terminal
  // The checkpointed status; for a live operation-start (nothing checkpointed yet) STARTED.
  OperationStatus status = OperationStatus::Started;
  // True when the operation was known from checkpointed state (an earlier invocation).
  bool is_replayed = false;
  std::optional<std::string> result;  // raw serialized result as checkpointed
  std::optional<ErrorObject> error;
  std::optional<int> attempt;  // steps and wait_for_condition: the attempt (1-based)
};

using OperationStartInfo = OperationInfo;
using OperationEndInfo = OperationInfo;

struct InvocationStartInfo {
  std::string execution_arn;
  std::optional<std::string> request_id;
  // True when no operation other than the EXECUTION one was checkpointed before this invocation.
  bool is_first_invocation = true;
  std::optional<Timestamp> execution_start_time;  // the EXECUTION operation's start
  // Every operation known at the hook (EXECUTION included), by id.
  std::map<std::string, OperationInfo> operations;
  // The operations the service changed since the previous invocation (UpdatedOperationIds).
  std::map<std::string, OperationInfo> updated_operations;
};

struct InvocationEndInfo : InvocationStartInfo {
  PluginInvocationStatus status = PluginInvocationStatus::Succeeded;
  std::optional<ErrorObject> error;  // FAILED: the execution's error
};

struct OperationChangeInfo {
  std::string execution_arn;
  std::map<std::string, OperationInfo> updated_operations;  // the checkpoint response's delta
  std::map<std::string, OperationInfo> operations;          // everything known afterwards
};

struct UserFunctionStartInfo : OperationInfo {
  // True when a context body re-runs so that its checkpointed children replay.
  bool is_replay_children = false;
};

struct UserFunctionEndInfo : UserFunctionStartInfo {
  UserFunctionOutcome outcome = UserFunctionOutcome::Succeeded;
  // (OperationInfo::error holds the error when outcome is FAILED; end_time is when it ended.)
};

class Plugin {
 public:
  virtual ~Plugin() = default;

  virtual void on_invocation_start(const InvocationStartInfo& /*info*/) {}
  virtual void on_invocation_end(const InvocationEndInfo& /*info*/) {}
  virtual void on_operation_start(const OperationStartInfo& /*info*/) {}
  virtual void on_operation_end(const OperationEndInfo& /*info*/) {}
  virtual void on_operation_change(const OperationChangeInfo& /*info*/) {}
  virtual void on_user_function_start(const UserFunctionStartInfo& /*info*/) {}
  virtual void on_user_function_end(const UserFunctionEndInfo& /*info*/) {}

 protected:
  // Writes `record` as one JSON line to the log sink of the invocation whose hook is running on
  // this thread (InvocationOptions::log_sink, where the SDK's own lines go, so the DurableRunner
  // captures it); outside a hook, to stdout. Never throws for unencodable text (replaced).
  static void write_log(const Json& record);
};

// "2025-01-02T03:04:05.678Z" (UTC, milliseconds): the format plugins use for timestamps.
std::string format_iso8601(Timestamp time);

}  // namespace durable
