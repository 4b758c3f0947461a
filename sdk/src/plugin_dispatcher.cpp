#include "plugin_dispatcher.hpp"

#include <chrono>
#include <exception>

#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "log_core.hpp"

namespace durable::detail {
namespace {

Timestamp now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// The attempt a step is in: the service counts finished attempts, so a running or retrying step
// is one further than its stored count.
std::optional<int> attempt_of(const Operation& op) {
  if (op.type != OperationType::Step) return std::nullopt;
  const int done = op.step_details && op.step_details->attempt
                       ? static_cast<int>(*op.step_details->attempt)
                       : 0;
  if (is_terminal(op.status)) return done > 0 ? done : 1;
  return done + 1;
}

std::map<std::string, OperationInfo> all_operations(const ExecutionState& state) {
  std::map<std::string, OperationInfo> out;
  state.for_each_operation([&](const Operation& op) {
    out.emplace(op.id, operation_info(state.execution_arn(), op, state.existed_at_start(op.id)));
  });
  return out;
}

// Sets the thread's plugin log target for the duration of a hook call.
class PluginLogScope {
 public:
  explicit PluginLogScope(LogCore* core) : saved_(current_plugin_log()) {
    current_plugin_log() = core;
  }
  ~PluginLogScope() { current_plugin_log() = saved_; }
  PluginLogScope(const PluginLogScope&) = delete;
  PluginLogScope& operator=(const PluginLogScope&) = delete;

 private:
  LogCore* saved_;
};

}  // namespace

LogCore*& current_plugin_log() {
  thread_local LogCore* core = nullptr;
  return core;
}

OperationInfo operation_info(const std::string& execution_arn, const Operation& op,
                             bool is_replayed) {
  OperationInfo info;
  info.execution_arn = execution_arn;
  info.operation_id = op.id;
  info.operation_type = op.type;
  info.sub_type = op.sub_type;
  info.name = op.name;
  info.parent_id = op.parent_id;
  info.start_time = op.start_timestamp;
  info.end_time = op.end_timestamp;
  info.status = op.status;
  info.is_replayed = is_replayed;
  info.attempt = attempt_of(op);
  if (op.step_details) {
    info.result = op.step_details->result;
    info.error = op.step_details->error;
  } else if (op.context_details) {
    info.result = op.context_details->result;
    info.error = op.context_details->error;
  } else if (op.callback_details) {
    info.result = op.callback_details->result;
    info.error = op.callback_details->error;
  } else if (op.chained_invoke_details) {
    info.result = op.chained_invoke_details->result;
    info.error = op.chained_invoke_details->error;
  }
  return info;
}

PluginDispatcher::PluginDispatcher(std::vector<std::shared_ptr<Plugin>> plugins,
                                   std::shared_ptr<LogCore> log)
    : plugins_(std::move(plugins)), log_(std::move(log)) {}

template <class Info>
void PluginDispatcher::each(const char* hook, void (Plugin::*fn)(const Info&), const Info& info) {
  PluginLogScope scope(log_.get());
  for (std::size_t i = 0; i < plugins_.size(); ++i) {
    Plugin* plugin = plugins_[i].get();
    if (plugin == nullptr) continue;
    std::string problem;
    try {
      (plugin->*fn)(info);
      continue;
    } catch (const std::exception& e) {
      problem = e.what();
    } catch (...) {
      problem = "an exception not derived from std::exception";
    }
    // Reporting must not throw either: a plugin failure never reaches the execution.
    try {
      log_->write(LogLevel::Warn, std::string("instrumentation plugin threw from ") + hook +
                                      "; ignored: " + problem,
                  std::nullopt, std::nullopt, std::nullopt,
                  Json{{"pluginIndex", i}, {"pluginHook", hook}});
    } catch (...) {
    }
  }
}

void PluginDispatcher::invocation_start(const ExecutionState& state,
                                        const std::optional<std::string>& request_id,
                                        const std::vector<std::string>& updated_ids) {
  InvocationStartInfo info;
  info.execution_arn = state.execution_arn();
  info.request_id = request_id;
  info.operations = all_operations(state);
  for (const auto& [id, op] : info.operations) {
    if (op.operation_type == OperationType::Execution) {
      info.execution_start_time = op.start_time;
    } else {
      info.is_first_invocation = false;
    }
    if (is_terminal(op.status)) ended_.insert(id);
  }
  for (const auto& id : updated_ids) {
    if (auto it = info.operations.find(id); it != info.operations.end()) {
      info.updated_operations.emplace(id, it->second);
    }
  }
  start_info_ = info;
  each("on_invocation_start", &Plugin::on_invocation_start, info);
  for (const auto& [id, op] : info.updated_operations) {
    if (op.operation_type != OperationType::Execution && is_terminal(op.status)) {
      each("on_operation_end", &Plugin::on_operation_end, op);
    }
  }
}

void PluginDispatcher::invocation_end(const ExecutionState& state, PluginInvocationStatus status,
                                      const std::optional<ErrorObject>& error) {
  InvocationEndInfo info;
  static_cast<InvocationStartInfo&>(info) = start_info_;
  info.operations = all_operations(state);
  info.status = status;
  info.error = error;
  each("on_invocation_end", &Plugin::on_invocation_end, info);
}

void PluginDispatcher::operation_start(const ExecutionState& state, const OperationUpdate& start) {
  if (!started_.insert(start.id).second) return;
  OperationInfo info;
  const Operation* known = state.find(start.id);
  if (known) {
    info = operation_info(state.execution_arn(), *known, true);
  } else {
    info.execution_arn = state.execution_arn();
    info.operation_id = start.id;
    info.operation_type = start.type;
    info.sub_type = start.sub_type;
    info.name = start.name;
    info.parent_id = start.parent_id;
    info.start_time = now_ms();
    info.status = OperationStatus::Started;
    if (start.type == OperationType::Step) info.attempt = 1;
  }
  each("on_operation_start", &Plugin::on_operation_start, info);
}

void PluginDispatcher::operation_replayed(const ExecutionState& state, const Operation& op) {
  if (is_terminal(op.status) || op.type == OperationType::Execution) return;
  if (!started_.insert(op.id).second) return;
  each("on_operation_start", &Plugin::on_operation_start,
       operation_info(state.execution_arn(), op, true));
}

void PluginDispatcher::checkpoint_response(const ExecutionState& state,
                                           const std::vector<Operation>& operations) {
  if (operations.empty()) return;
  OperationChangeInfo change;
  change.execution_arn = state.execution_arn();
  for (const auto& op : operations) {
    OperationInfo info = operation_info(state.execution_arn(), op, state.existed_at_start(op.id));
    if (op.type != OperationType::Execution && is_terminal(op.status) &&
        ended_.insert(op.id).second) {
      each("on_operation_end", &Plugin::on_operation_end, info);
    }
    change.updated_operations.insert_or_assign(op.id, std::move(info));
  }
  change.operations = all_operations(state);
  each("on_operation_change", &Plugin::on_operation_change, change);
}

UserFunctionStartInfo PluginDispatcher::user_function_start(
    const ExecutionState& state, const std::string& operation_id, OperationType type,
    std::string_view sub_type, const std::optional<std::string>& name,
    const std::optional<std::string>& parent_id, std::optional<int> attempt,
    bool is_replay_children) {
  UserFunctionStartInfo info;
  if (const Operation* op = state.find(operation_id)) {
    static_cast<OperationInfo&>(info) =
        operation_info(state.execution_arn(), *op, state.existed_at_start(operation_id));
  } else {
    info.execution_arn = state.execution_arn();
    info.operation_id = operation_id;
    info.operation_type = type;
    info.sub_type = std::string(sub_type);
    info.name = name;
    // As the operation will be checkpointed (a FLAT branch's steps belong to the batch context).
    info.parent_id = checkpointed_parent(parent_id);
    info.status = OperationStatus::Started;
  }
  // The run starts now, whatever the operation's own start time was.
  info.start_time = now_ms();
  info.end_time.reset();
  info.result.reset();
  info.error.reset();
  info.attempt = attempt;
  info.is_replay_children = is_replay_children;
  each("on_user_function_start", &Plugin::on_user_function_start,
       static_cast<const UserFunctionStartInfo&>(info));
  return info;
}

void PluginDispatcher::user_function_end(const UserFunctionStartInfo& start,
                                         std::optional<ErrorObject> error) {
  UserFunctionEndInfo info;
  static_cast<UserFunctionStartInfo&>(info) = start;
  info.end_time = now_ms();
  info.outcome = error ? UserFunctionOutcome::Failed : UserFunctionOutcome::Succeeded;
  info.error = std::move(error);
  each("on_user_function_end", &Plugin::on_user_function_end,
       static_cast<const UserFunctionEndInfo&>(info));
}

UserFunctionRun::UserFunctionRun(const ExecutionState& state, const std::string& operation_id,
                                 OperationType type, std::string_view sub_type,
                                 const std::optional<std::string>& name,
                                 const std::optional<std::string>& parent_id,
                                 std::optional<int> attempt, bool is_replay_children)
    : plugins_(state.plugins()) {
  if (!plugins_) return;
  info_ = std::make_unique<UserFunctionStartInfo>(plugins_->user_function_start(
      state, operation_id, type, sub_type, name, parent_id, attempt, is_replay_children));
}

void UserFunctionRun::succeeded() {
  if (!info_) return;
  plugins_->user_function_end(*info_, std::nullopt);
  info_.reset();
}

void UserFunctionRun::failed(std::exception_ptr error) {
  if (!info_) return;
  ErrorObject object;
  try {
    object = error_object_from(error);
  } catch (...) {
    object = ErrorObject{"Error", "unknown error", std::nullopt, std::nullopt};
  }
  plugins_->user_function_end(*info_, std::move(object));
  info_.reset();
}

void notify_operation_start(const ExecutionState& state, const OperationUpdate& start) {
  if (PluginDispatcher* plugins = state.plugins()) plugins->operation_start(state, start);
}

}  // namespace durable::detail
