#include "log_core.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>

namespace durable::detail {
namespace {

// One record, newline included, goes to file descriptor 1 in one write(2) (more only if the
// kernel takes part of it), straight away: stdio would buffer it fully when stdout is a pipe or a
// file, as on Lambda, where a frozen or killed process then loses it. Output the process left in
// stdio's buffer goes first, so lines keep their order with the user's own printing.
void write_stdout_line(std::string_view line) {
  std::string record;
  record.reserve(line.size() + 1);
  record.append(line);
  record.push_back('\n');
  flockfile(stdout);
  std::fflush(stdout);
  const int fd = fileno(stdout);
  const char* data = record.data();
  std::size_t left = record.size();
  while (left > 0 && fd >= 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // a closed or broken stdout must not throw into user code
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  funlockfile(stdout);
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "INFO";
}

}  // namespace

std::string iso8601_utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const auto frac = static_cast<int>(ms.count() % 1000);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

LogCore::LogCore(LogSink sink, LogLevel min_level, std::string execution_arn,
                 std::optional<std::string> request_id)
    : sink_(std::move(sink)),
      min_level_(min_level),
      execution_arn_(std::move(execution_arn)),
      request_id_(std::move(request_id)) {}

LogCore::~LogCore() = default;

void LogCore::write(LogLevel level, std::string_view message,
                    const std::optional<std::string>& operation_id,
                    const std::optional<std::string>& operation_name, std::optional<int> attempt,
                    const Json& fields) {
  if (!enabled(level)) return;
  Json line = Json::object();
  line["timestamp"] = iso8601_utc_now();
  line["level"] = level_name(level);
  line["message"] = std::string(message);
  line["executionArn"] = execution_arn_;
  if (request_id_) line["requestId"] = *request_id_;
  if (operation_id) line["operationId"] = *operation_id;
  if (operation_name) line["operationName"] = *operation_name;
  if (attempt) line["attempt"] = *attempt;
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) line[key] = value;
  } else if (!fields.is_null()) {
    line["fields"] = fields;
  }
  // Invalid UTF-8 in a message must not make logging throw into user code.
  const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace);
  emit(text);
}

void LogCore::write_raw(std::string_view line) {
  if (!enabled(LogLevel::Info)) return;
  emit(line);
}

void LogCore::emit(std::string_view line) {
  std::lock_guard<std::mutex> lock(sink_mutex_);
  try {
    if (sink_) {
      sink_(line);
    } else {
      write_stdout_line(line);
    }
  } catch (...) {
    // Logging must not fail the code that logs. Said once per invocation, not once per line.
    if (!sink_failed_.exchange(true)) {
      std::string what = "unknown exception";
      try {
        throw;
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      std::fprintf(stderr, "durable: the log sink threw (%s); lines it fails on are dropped\n",
                   what.c_str());
    }
  }
}

}  // namespace durable::detail
