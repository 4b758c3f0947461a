// LogCore: the logging back end shared by every Logger of one invocation: the SDK's named spdlog
// logger writing to the invocation's LogSink, and the fields every line carries.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "durable/logger.hpp"
#include "durable/model/json.hpp"

namespace spdlog {
class logger;
}

namespace durable::detail {

class LogCore {
 public:
  // The spdlog logger is named "durable.sdk" and is not registered globally, so invocations never
  // share or replace each other's sinks and spdlog's default logger is untouched.
  LogCore(LogSink sink, LogLevel min_level, std::string execution_arn,
          std::optional<std::string> request_id);
  ~LogCore();

  bool enabled(LogLevel level) const { return level >= min_level_; }

  // Formats one JSON line and writes it. `fields`: extra members (object) or null.
  void write(LogLevel level, std::string_view message, const std::optional<std::string>& operation_id,
             const std::optional<std::string>& operation_name, std::optional<int> attempt,
             const Json& fields);

  // Writes an already formatted line as is (plugin records), at Info level: dropped only when
  // the invocation's level is above Info.
  void write_raw(std::string_view line);

 private:
  std::shared_ptr<spdlog::logger> logger_;
  LogLevel min_level_;
  std::string execution_arn_;
  std::optional<std::string> request_id_;
};

// "2025-01-02T03:04:05.678Z".
std::string iso8601_utc_now();

}  // namespace durable::detail
