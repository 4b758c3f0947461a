// LogCore: the logging back end shared by every Logger of one invocation: the level filter, the
// fields every line carries, and the invocation's LogSink (or stdout), called by one thread at a
// time.
//
// No logging library sits in between: a line is formatted here as one JSON object and handed to
// the sink as is, so a library's pattern formatting, level filter and sink registry would be pure
// overhead, and loading its shared libraries costs every handler process start-up time.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "durable/logger.hpp"
#include "durable/model/json.hpp"

namespace durable::detail {

class LogCore {
 public:
  // Each invocation has its own LogCore and so its own sink; nothing is registered globally.
  LogCore(LogSink sink, LogLevel min_level, std::string execution_arn,
          std::optional<std::string> request_id);
  ~LogCore();

  bool enabled(LogLevel level) const { return level >= min_level_; }

  // Formats one JSON line and writes it (nothing below the invocation's level). `fields`: extra
  // members (object) or null. Any thread; the sink is called under a mutex, so lines from
  // parallel branches never interleave. A sink that throws loses that line only: the exception
  // does not reach the caller (the first one is reported on stderr).
  void write(LogLevel level, std::string_view message, const std::optional<std::string>& operation_id,
             const std::optional<std::string>& operation_name, std::optional<int> attempt,
             const Json& fields);

  // Writes an already formatted line as is (plugin records), at Info level: dropped only when
  // the invocation's level is above Info.
  void write_raw(std::string_view line);

 private:
  void emit(std::string_view line);

  std::mutex sink_mutex_;  // held while the sink runs
  LogSink sink_;
  std::atomic<bool> sink_failed_{false};
  LogLevel min_level_;
  std::string execution_arn_;
  std::optional<std::string> request_id_;
};

// "2025-01-02T03:04:05.678Z".
std::string iso8601_utc_now();

}  // namespace durable::detail
