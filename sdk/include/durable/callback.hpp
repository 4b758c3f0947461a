// Callback<T>: a callback created by DurableContext::create_callback (SDK-SEMANTICS.md §3.4).
// Hand callback_id() to the external system; it answers through the service's
// SendDurableExecutionCallbackSuccess / Failure / Heartbeat APIs, and result() reads the answer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "durable/errors.hpp"
#include "durable/serdes.hpp"

namespace durable {

class DurableContext;

namespace detail {

class ExecutionState;

// The type-independent part of a Callback, implemented in sdk/src/callback.cpp.
class CallbackHandle {
 public:
  CallbackHandle(std::shared_ptr<ExecutionState> state, std::string operation_id,
                 std::string callback_id);

  const std::string& operation_id() const { return operation_id_; }
  const std::string& callback_id() const { return callback_id_; }
  const std::string& execution_arn() const;

  // The checkpointed Result text of a SUCCEEDED callback (nullopt when the external system sent
  // none). Throws CallbackTimeoutError (TIMED_OUT), CallbackExternalError (FAILED, CANCELLED,
  // STOPPED) or suspends (still STARTED).
  std::optional<std::string> result_payload() const;

  // Records a fatal SerDesError for an undecodable result and throws it.
  [[noreturn]] void fail_deserialization(const char* what) const;

 private:
  std::shared_ptr<ExecutionState> state_;
  std::string operation_id_;
  std::string callback_id_;
};

}  // namespace detail

template <class T>
class Callback {
 public:
  // The id the external system must quote to complete this callback; stable across replays.
  const std::string& callback_id() const { return handle_.callback_id(); }
  // The CALLBACK operation's id.
  const std::string& operation_id() const { return handle_.operation_id(); }

  // Waits for the external system's answer. Checkpoints nothing; on the handler's thread only.
  //  * SUCCEEDED → the result decoded with the configured SerDes (an undecodable result is a
  //    fatal SerDesError);
  //  * TIMED_OUT → CallbackTimeoutError (is_heartbeat_timeout() tells which timer fired);
  //  * FAILED / CANCELLED / STOPPED → CallbackExternalError with the external error;
  //  * still STARTED → the invocation suspends until the service re-invokes it with the answer.
  // Identical on the first run and on replay; may be called more than once.
  T result() const {
    std::optional<std::string> payload = handle_.result_payload();
    try {
      return serdes_->deserialize(payload ? std::string_view(*payload) : std::string_view(),
                                  SerDesContext{handle_.operation_id(), handle_.execution_arn()});
    } catch (const std::exception& e) {
      handle_.fail_deserialization(e.what());
    }
  }

 private:
  friend class DurableContext;
  Callback(detail::CallbackHandle handle, std::shared_ptr<SerDes<T>> serdes)
      : handle_(std::move(handle)), serdes_(std::move(serdes)) {}

  detail::CallbackHandle handle_;
  std::shared_ptr<SerDes<T>> serdes_;
};

}  // namespace durable
