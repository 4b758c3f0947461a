// DurableContext: the handle through which a durable handler performs checkpointed operations
// (DESIGN.md §5, SDK-SEMANTICS.md §3).
//
// Every durable operation takes the next position of its context (a counter starting at 0,
// incremented before use) and derives its operation id from it (operation_id(prefix, n), prefix =
// the enclosing child context's id, none at the root). On replay the same code reaches the same
// ids and gets the checkpointed outcome back instead of running the work again: results are
// returned, failures re-thrown, pending work suspends again. A checkpoint whose type, name or
// sub-type differs from the call makes the execution fail with NonDeterministicExecutionError.
//
// Suspension: when the handler must wait, the SDK throws SuspendExecution (not a std::exception,
// sticky; see errors.hpp). Let it propagate.
//
// Thread-safety: a DurableContext belongs to the thread that runs its handler (or child body);
// SDK calls from any other thread throw std::logic_error.
//
// Extension points: further operations (invoke, callbacks, wait_for_condition, parallel, map)
// are added as members here that take a position with next_operation_id-style bookkeeping in
// detail::ExecutionState and reuse its replay lookup, checkpoint queue and suspension.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "durable/child_config.hpp"
#include "durable/duration.hpp"
#include "durable/errors.hpp"
#include "durable/logger.hpp"
#include "durable/serdes.hpp"
#include "durable/step_config.hpp"
#include "durable/step_context.hpp"

namespace durable {

class DurableContext;

// An operation's user-supplied name: printable ASCII (0x20..0x7E), 1..256 characters. Absent or
// empty means unnamed. Anything else is rejected with ValidationError before any checkpoint.
using OperationName = std::optional<std::string>;

namespace detail {

class ExecutionState;
struct ContextFactory;

// Serialized results larger than this (256 KiB) are not stored on a child context's checkpoint;
// the context is checkpointed with ReplayChildren=true and rebuilt by re-running its body.
inline constexpr std::size_t kChildResultInlineLimit = 256 * 1024;

// A step body with the user's value already serialized (nullopt: void step).
using StepBody = std::function<std::optional<std::string>(StepContext&)>;

struct ChildOutput {
  std::optional<std::string> payload;  // serialized result; nullopt for void bodies
  std::optional<std::string> summary;  // summary_generator output, only for oversized payloads
};
using ChildBody = std::function<ChildOutput(DurableContext&)>;

// What a completed operation hands back to the typed wrapper.
struct RawResult {
  std::string operation_id;
  std::optional<std::string> payload;
};

// Runs serdes.serialize; whatever it throws becomes SerDesError (fatal for the execution).
template <class T>
std::string serialize_value(const SerDes<T>& serdes, const T& value, const SerDesContext& ctx) {
  try {
    return serdes.serialize(value, ctx);
  } catch (const std::exception& e) {
    throw SerDesError("cannot serialize the result of operation " + ctx.operation_id + ": " +
                      e.what());
  }
}

template <class T>
std::shared_ptr<SerDes<T>> serdes_or_default(std::shared_ptr<SerDes<T>> serdes) {
  if (serdes) return serdes;
  return std::make_shared<JsonSerDes<T>>();
}

}  // namespace detail

class DurableContext {
 public:
  DurableContext(const DurableContext&) = delete;
  DurableContext& operator=(const DurableContext&) = delete;
  ~DurableContext();

  // Runs `fn(StepContext&)` as a checkpointed step and returns its value as the SerDes round-trip
  // deserialize(serialize(value)), on the first run as on replay.
  // Checkpoints: STEP START (SubType "Step"; queued for AT_LEAST_ONCE, synchronous for
  // AT_MOST_ONCE), then SUCCEED with the payload. If the body throws, the retry strategy sees the
  // error as an ErrorObject (ErrorType = class name without namespace, or error_type() of a
  // CallableRuntimeError) and the attempt number: retry → RETRY with the error and
  // NextAttemptDelaySeconds ≥ 1, then suspend; no retry → FAIL, then StepError is thrown.
  // Replay: SUCCEEDED → stored value; FAILED → StepError; PENDING → suspend; READY → run again;
  // STARTED → re-run (AT_LEAST_ONCE) or treat as interrupted (AT_MOST_ONCE).
  template <class F, class T = std::remove_cvref_t<std::invoke_result_t<F&, StepContext&>>>
  T step(F&& fn, OperationName name = std::nullopt,
         std::type_identity_t<StepConfig<T>> config = {});

  // Durable timer. `duration` must be at least one second (ValidationError otherwise, before
  // any checkpoint); it is sent as whole seconds. Checkpoints WAIT START (SubType "Wait",
  // WaitOptions.WaitSeconds) synchronously, then suspends. Replay: SUCCEEDED (or otherwise
  // finished) → returns; still waiting → suspends again.
  void wait(Duration duration, OperationName name = std::nullopt);

  // Runs `fn(DurableContext&)` in a child context with its own id namespace (prefix = the child
  // operation's id). Checkpoints: CONTEXT START (SubType "RunInChildContext", queued), then
  // SUCCEED with the payload (synchronous) or FAIL with the error, after which
  // ChildContextError is thrown (error_type() = the escaped error's type). Results over 256 KiB
  // are checkpointed as summary_generator(result) (or "") with ReplayChildren=true.
  // Replay: SUCCEEDED → stored value without running the body; SUCCEEDED with ReplayChildren →
  // the body re-runs, its operations replay from their checkpoints, nothing new is checkpointed
  // for the context; FAILED → ChildContextError; STARTED → the body re-runs.
  // Returns deserialize(serialize(value)) on the first run too.
  template <class F, class T = std::remove_cvref_t<std::invoke_result_t<F&, DurableContext&>>>
  T run_in_child_context(F&& fn, OperationName name = std::nullopt,
                         std::type_identity_t<ChildConfig<T>> config = {});

  // Replay-aware logger of this context (see logger.hpp). Lines carry this context's operation
  // id and name (none at the root).
  Logger& logger();

  // True while this context re-executes code whose operations are all already checkpointed.
  bool is_replaying() const;

  const std::string& execution_arn() const;

 private:
  friend struct detail::ContextFactory;

  DurableContext(std::shared_ptr<detail::ExecutionState> state,
                 std::optional<std::string> context_id, std::optional<std::string> context_name,
                 bool replaying);

  detail::RawResult step_raw(OperationName name, RetryStrategy strategy, StepSemantics semantics,
                             const detail::StepBody& body);
  detail::RawResult child_raw(OperationName name, const detail::ChildBody& body);
  // Leaves replay mode once the next position of this context has nothing checkpointed, so code
  // after the last replayed operation logs.
  void advance_replay();
  // Records a fatal SerDes failure on the execution and throws SerDesError.
  [[noreturn]] void fail_deserialization(const std::string& operation_id, const char* what);

  template <class T>
  T deserialize_result(const SerDes<T>& serdes, const detail::RawResult& raw) {
    try {
      return serdes.deserialize(raw.payload ? std::string_view(*raw.payload) : std::string_view(),
                                SerDesContext{raw.operation_id, execution_arn()});
    } catch (const std::exception& e) {
      fail_deserialization(raw.operation_id, e.what());
    }
  }

  std::shared_ptr<detail::ExecutionState> state_;
  std::optional<std::string> context_id_;    // prefix of child ids and ParentId of child ops
  std::optional<std::string> context_name_;
  std::uint64_t counter_ = 0;
  bool replaying_ = false;
  bool pinned_replay_ = false;  // re-running a ReplayChildren body: replaying throughout
  Logger logger_;
};

template <class F, class T>
T DurableContext::step(F&& fn, OperationName name, std::type_identity_t<StepConfig<T>> config) {
  if constexpr (std::is_void_v<T>) {
    step_raw(std::move(name), std::move(config.retry_strategy), config.step_semantics,
             [&fn](StepContext& sc) -> std::optional<std::string> {
               std::invoke(fn, sc);
               return std::nullopt;
             });
  } else {
    auto serdes = detail::serdes_or_default<T>(std::move(config.serdes));
    detail::RawResult raw = step_raw(
        std::move(name), std::move(config.retry_strategy), config.step_semantics,
        [&](StepContext& sc) -> std::optional<std::string> {
          T value = std::invoke(fn, sc);
          return detail::serialize_value<T>(*serdes, value,
                                            SerDesContext{sc.operation_id(), execution_arn()});
        });
    return deserialize_result<T>(*serdes, raw);
  }
}

template <class F, class T>
T DurableContext::run_in_child_context(F&& fn, OperationName name,
                                       std::type_identity_t<ChildConfig<T>> config) {
  if constexpr (std::is_void_v<T>) {
    child_raw(std::move(name), [&fn](DurableContext& child) -> detail::ChildOutput {
      std::invoke(fn, child);
      return {};
    });
  } else {
    auto serdes = detail::serdes_or_default<T>(std::move(config.serdes));
    detail::RawResult raw =
        child_raw(std::move(name), [&](DurableContext& child) -> detail::ChildOutput {
          T value = std::invoke(fn, child);
          detail::ChildOutput out;
          out.payload = detail::serialize_value<T>(
              *serdes, value, SerDesContext{*child.context_id_, execution_arn()});
          if (out.payload->size() > detail::kChildResultInlineLimit && config.summary_generator) {
            out.summary = config.summary_generator(value);
          }
          return out;
        });
    return deserialize_result<T>(*serdes, raw);
  }
}

}  // namespace durable
