#include "operation_support.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include "durable/errors.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "plugin_dispatcher.hpp"

namespace durable::detail {
namespace {

std::string describe(OperationType type, const std::optional<std::string>& name,
                     const std::optional<std::string>& sub_type) {
  std::string out(to_string(type));
  out += " (name ";
  out += name ? "\"" + *name + "\"" : std::string("<none>");
  out += ", subtype ";
  out += sub_type ? *sub_type : std::string("<none>");
  out += ")";
  return out;
}

}  // namespace

// Names travel to the service as-is; it accepts printable ASCII, 1..256 characters.
void validate_name(const OperationName& name) {
  if (!name || name->empty()) return;
  if (name->size() > kMaxNameLength) {
    throw ValidationError("operation name is " + std::to_string(name->size()) +
                          " characters long; at most 256 are allowed: \"" +
                          name->substr(0, 40) + "...\"");
  }
  for (char c : *name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) {
      std::string shown;
      for (char d : *name) {
        const auto v = static_cast<unsigned char>(d);
        if (v >= 0x20 && v <= 0x7E) {
          shown += d;
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", v);
          shown += buf;
        }
      }
      throw ValidationError("operation name \"" + shown +
                            "\" is invalid: only printable ASCII characters (0x20-0x7E) are "
                            "allowed");
    }
  }
}

std::optional<std::string> normalized(const OperationName& name) {
  if (!name || name->empty()) return std::nullopt;
  return name;
}

std::string derived_name(const std::optional<std::string>& name, std::string_view suffix) {
  if (name && name->size() + 1 + suffix.size() <= kMaxNameLength) {
    return *name + " " + std::string(suffix);
  }
  return std::string(suffix);
}

ErrorObject stored_or(const std::optional<ErrorObject>& stored, const ErrorObject& fallback) {
  return stored ? *stored : fallback;
}

ErrorObject user_code_failed(ExecutionState& state, UserFunctionRun& run) {
  const std::exception_ptr thrown = std::current_exception();
  run.failed(thrown);
  try {
    throw;
  } catch (const SerDesError& e) {
    state.fail_serdes(e);
  } catch (...) {
  }
  // A durable operation misused while this code ran fails the execution, caught or not.
  state.fail_if_misused();
  state.rethrow_if_terminated();
  return error_object_from(thrown);
}

StepBodyScope::StepBodyScope(DurableContext& context, ExecutionState& state,
                             const std::string& step_id,
                             const std::optional<std::string>& step_name)
    : context_(context), mark_{&state, &step_id, &step_name, current_step_body()} {
  current_step_body() = &mark_;
  std::lock_guard<std::mutex> guard(context_.body_mutex_);
  context_.running_body_.store(&mark_, std::memory_order_release);
}

StepBodyScope::~StepBodyScope() {
  {
    std::lock_guard<std::mutex> guard(context_.body_mutex_);
    context_.running_body_.store(nullptr, std::memory_order_release);
  }
  current_step_body() = mark_.outer;
}

OperationUpdate make_update(const OpSite& site, const std::optional<std::string>& parent_id,
                            OperationType type, OperationAction action, std::string_view sub_type) {
  OperationUpdate u;
  u.id = site.id;
  // Operations of a FLAT branch (a virtual context) belong to the batch context around it.
  u.parent_id = checkpointed_parent(parent_id);
  u.name = site.name;
  u.type = type;
  u.sub_type = std::string(sub_type);
  u.action = action;
  return u;
}

void check_replay(ExecutionState& state, const Operation& op, OperationType type,
                  const std::optional<std::string>& name, std::string_view sub_type) {
  const std::optional<std::string> stored_name = normalized(op.name);
  const bool type_ok = op.type == type;
  const bool name_ok = stored_name == name;
  const bool sub_type_ok = !op.sub_type || *op.sub_type == sub_type;
  if (type_ok && name_ok && sub_type_ok) {
    if (PluginDispatcher* plugins = state.plugins()) plugins->operation_replayed(state, op);
    return;
  }
  const std::string message =
      "non-deterministic execution: operation " + op.id + " was checkpointed as " +
      describe(op.type, stored_name, op.sub_type) + " but the handler now calls " +
      describe(type, name, std::string(sub_type)) + " at that position";
  state.fail(ErrorObject{"NonDeterministicExecutionError", message, std::nullopt, std::nullopt},
             std::make_exception_ptr(NonDeterministicExecutionError(message)));
}

std::int64_t clamp_delay_seconds(Duration delay) {
  return std::clamp<std::int64_t>(delay.whole_seconds(), 1, kMaxDelaySeconds);
}

}  // namespace durable::detail
