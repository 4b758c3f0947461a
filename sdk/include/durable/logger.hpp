// Logger: the replay-aware logger handed to user code by DurableContext::logger() and
// StepContext::logger() (SDK-SEMANTICS.md §8).
//
// Each call writes one JSON object per line with `timestamp` (ISO-8601 UTC, ms), `level`,
// `message`, `executionArn`, and where known `requestId`, `operationId`, `operationName`,
// `attempt`, followed by the caller's extra fields. Each line goes to the invocation's own LogSink
// (InvocationOptions::log_sink; stdout when unset, one write(2) per line), called by one thread at
// a time; no global logger is touched. A sink that throws loses that line, never the caller.
//
// Replay suppression: a call made while the owning context is replaying operations that were
// already checkpointed is dropped, so each line appears once over the whole execution. Step
// bodies only run when not replaying, so logs inside them always appear.
//
// Thread-safety: a Logger may be used from the thread running its context or step.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "durable/model/json.hpp"

namespace durable {

enum class LogLevel { Debug, Info, Warn, Error };

// Receives each finished JSON line (no trailing newline). Called on the thread that logged.
using LogSink = std::function<void(std::string_view json_line)>;

namespace detail {
class LogCore;
}

class Logger {
 public:
  // Built by the SDK; `core` is the invocation's logging back end, `is_replaying` tells whether
  // the owning context currently replays (empty: never).
  Logger(std::shared_ptr<detail::LogCore> core, std::optional<std::string> operation_id,
         std::optional<std::string> operation_name, std::optional<int> attempt,
         std::function<bool()> is_replaying);

  // `fields` must be a JSON object (or null); its members are added to the line after the
  // standard ones. A non-object `fields` is logged under the key "fields".
  void log(LogLevel level, std::string_view message, const Json& fields = nullptr) const;
  void debug(std::string_view message, const Json& fields = nullptr) const;
  void info(std::string_view message, const Json& fields = nullptr) const;
  void warn(std::string_view message, const Json& fields = nullptr) const;
  void error(std::string_view message, const Json& fields = nullptr) const;

  // Whether a call at `level` would be written right now (level enabled and not replaying).
  bool enabled(LogLevel level) const;

  // A copy of this logger that writes even while its context replays: the escape hatch the
  // reference SDKs offer (Python `with_is_replaying`, JS `modeAware: false`), e.g. to see each
  // re-run of a ReplayChildren body. Same fields and sink; the level filter still applies.
  Logger with_replay_logging() const;

 private:
  std::shared_ptr<detail::LogCore> core_;
  std::optional<std::string> operation_id_;
  std::optional<std::string> operation_name_;
  std::optional<int> attempt_;
  std::function<bool()> is_replaying_;
};

}  // namespace durable
