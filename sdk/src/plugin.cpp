#include "durable/plugin.hpp"

#include <cstdio>
#include <ctime>

#include "log_core.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {

std::string_view to_string(PluginInvocationStatus status) {
  switch (status) {
    case PluginInvocationStatus::Succeeded: return "SUCCEEDED";
    case PluginInvocationStatus::Failed: return "FAILED";
    case PluginInvocationStatus::Pending: return "PENDING";
    case PluginInvocationStatus::Retry: return "RETRY";
  }
  return "UNKNOWN";
}

std::string_view to_string(UserFunctionOutcome outcome) {
  return outcome == UserFunctionOutcome::Succeeded ? "SUCCEEDED" : "FAILED";
}

void Plugin::write_log(const Json& record) {
  const std::string line = record.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (detail::LogCore* core = detail::current_plugin_log()) {
    core->write_raw(line);
    return;
  }
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

std::string format_iso8601(Timestamp time) {
  const auto ms = time.time_since_epoch().count();
  // Floor division so that times before 1970 still print a valid millisecond field.
  auto secs = ms / 1000;
  auto frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(frac));
  return buf;
}

}  // namespace durable
