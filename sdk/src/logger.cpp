#include "durable/logger.hpp"

#include "log_core.hpp"

namespace durable {

Logger::Logger(std::shared_ptr<detail::LogCore> core, std::optional<std::string> operation_id,
               std::optional<std::string> operation_name, std::optional<int> attempt,
               std::function<bool()> is_replaying)
    : core_(std::move(core)),
      operation_id_(std::move(operation_id)),
      operation_name_(std::move(operation_name)),
      attempt_(attempt),
      is_replaying_(std::move(is_replaying)) {}

bool Logger::enabled(LogLevel level) const {
  if (!core_ || !core_->enabled(level)) return false;
  return !(is_replaying_ && is_replaying_());
}

Logger Logger::with_replay_logging() const {
  Logger copy = *this;
  copy.is_replaying_ = nullptr;
  return copy;
}

void Logger::log(LogLevel level, std::string_view message, const Json& fields) const {
  if (!enabled(level)) return;
  core_->write(level, message, operation_id_, operation_name_, attempt_, fields);
}

void Logger::debug(std::string_view message, const Json& fields) const {
  log(LogLevel::Debug, message, fields);
}
void Logger::info(std::string_view message, const Json& fields) const {
  log(LogLevel::Info, message, fields);
}
void Logger::warn(std::string_view message, const Json& fields) const {
  log(LogLevel::Warn, message, fields);
}
void Logger::error(std::string_view message, const Json& fields) const {
  log(LogLevel::Error, message, fields);
}

}  // namespace durable
