#include "durable/retry_strategy.hpp"

#include "durable/wait_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace durable {
namespace {

// The shared default jitter source. A mutex (rather than thread_local engines) keeps a single
// sequence, so set_jitter_seed() makes every strategy reproducible regardless of thread.
class DefaultJitterSource {
 public:
  static DefaultJitterSource& instance() {
    static DefaultJitterSource source;
    return source;
  }

  void seed(std::uint64_t s) {
    std::lock_guard lock(mutex_);
    engine_.seed(s);
  }

  // 53 random bits scaled into [0, 1): unlike std::uniform_real_distribution this can never
  // yield exactly 1.0.
  double next() {
    std::lock_guard lock(mutex_);
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }

 private:
  DefaultJitterSource() : engine_(std::random_device{}()) {}

  std::mutex mutex_;
  std::mt19937_64 engine_;
};

class ErrorFilter {
 public:
  ErrorFilter(const std::vector<std::string>& messages, std::vector<std::string> types,
              const char* config_name)
      : types_(std::move(types)) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const std::string& entry = messages[i];
      if (entry.size() >= 2 && entry.front() == '/' && entry.back() == '/') {
        try {
          regexes_.push_back(std::make_shared<const std::regex>(entry.substr(1, entry.size() - 2),
                                                                std::regex::ECMAScript));
        } catch (const std::regex_error& e) {
          throw std::invalid_argument(std::string(config_name) + ".retryable_errors[" +
                                      std::to_string(i) + "]: invalid regex \"" + entry +
                                      "\": " + e.what());
        }
      } else {
        substrings_.push_back(entry);
      }
    }
  }

  bool matches(const ErrorObject& error) const {
    if (substrings_.empty() && regexes_.empty() && types_.empty()) return true;
    const std::string_view message =
        error.error_message ? std::string_view(*error.error_message) : std::string_view();
    for (const std::string& s : substrings_) {
      if (message.find(s) != std::string_view::npos) return true;
    }
    for (const auto& re : regexes_) {
      if (std::regex_search(message.begin(), message.end(), *re)) return true;
    }
    if (error.error_type) {
      for (const std::string& t : types_) {
        if (*error.error_type == t) return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::string> substrings_;
  // shared_ptr keeps copies of the strategy (std::function copies its target) cheap.
  std::vector<std::shared_ptr<const std::regex>> regexes_;
  std::vector<std::string> types_;
};

double draw(const std::function<double()>& random) {
  const double u = random ? random() : DefaultJitterSource::instance().next();
  if (!(u >= 0.0 && u < 1.0)) {
    throw std::out_of_range("retry strategy: the configured random source returned " +
                            std::to_string(u) + ", expected a value in [0, 1)");
  }
  return u;
}

// Jitter and rounding shared by both strategy kinds. Works in milliseconds so that whole-second
// bases stay exact integers in double and ceil() never rounds a representation error upward.
Duration final_delay(double base_ms, JitterStrategy jitter, const std::function<double()>& random) {
  double jittered_ms = base_ms;
  switch (jitter) {
    case JitterStrategy::None:
      break;
    case JitterStrategy::Full:
      jittered_ms = draw(random) * base_ms;
      break;
    case JitterStrategy::Half:
      jittered_ms = base_ms / 2 + draw(random) * (base_ms / 2);
      break;
  }
  const double seconds = std::max(1.0, std::ceil(jittered_ms / 1000.0));
  return Duration::from_seconds(seconds);
}

void check_attempts_made(int attempts_made) {
  if (attempts_made < 1) {
    throw std::invalid_argument("retry strategy: attempts_made must be >= 1 (got " +
                                std::to_string(attempts_made) + ")");
  }
}

void validate_common(const char* config_name, int max_attempts, Duration initial_delay,
                     Duration max_delay) {
  const std::string name(config_name);
  if (max_attempts < 1) {
    throw std::invalid_argument(name + ".max_attempts must be >= 1 (got " +
                                std::to_string(max_attempts) + ")");
  }
  if (max_delay < initial_delay) {
    throw std::invalid_argument(name + ".max_delay (" + max_delay.to_string() +
                                ") must not be less than initial_delay (" +
                                initial_delay.to_string() + ")");
  }
}

double to_ms(Duration d) { return static_cast<double>(d.as_milliseconds().count()); }

}  // namespace

namespace detail {

std::function<Duration(int attempt)> exponential_backoff(const char* config_name, int max_attempts,
                                                         Duration initial_delay, Duration max_delay,
                                                         double backoff_rate, JitterStrategy jitter,
                                                         std::function<double()> random) {
  validate_common(config_name, max_attempts, initial_delay, max_delay);
  if (!std::isfinite(backoff_rate) || backoff_rate < 1.0) {
    throw std::invalid_argument(std::string(config_name) +
                                ".backoff_rate must be a finite number >= 1 (got " +
                                std::to_string(backoff_rate) + ")");
  }
  return [initial_ms = to_ms(initial_delay), max_ms = to_ms(max_delay), rate = backoff_rate,
          jitter, random = std::move(random)](int attempt) {
    check_attempts_made(attempt);
    // A zero initial delay would make 0 × inf = NaN once the power overflows.
    double base_ms = initial_ms == 0 ? 0 : initial_ms * std::pow(rate, attempt - 1);
    if (!std::isfinite(base_ms) || base_ms > max_ms) base_ms = max_ms;
    return final_delay(base_ms, jitter, random);
  };
}

}  // namespace detail

RetryStrategy create_retry_strategy(RetryStrategyConfig cfg) {
  static constexpr const char* kName = "RetryStrategyConfig";
  auto backoff = detail::exponential_backoff(kName, cfg.max_attempts, cfg.initial_delay,
                                             cfg.max_delay, cfg.backoff_rate, cfg.jitter,
                                             std::move(cfg.random));
  ErrorFilter filter(cfg.retryable_errors, std::move(cfg.retryable_error_types), kName);
  return [filter = std::move(filter), max_attempts = cfg.max_attempts,
          backoff = std::move(backoff)](const ErrorObject& error, int attempts_made) {
    check_attempts_made(attempts_made);
    if (attempts_made >= max_attempts || !filter.matches(error)) return RetryDecision::no_retry();
    return RetryDecision::retry(backoff(attempts_made));
  };
}

RetryStrategy create_linear_retry_strategy(LinearRetryStrategyConfig cfg) {
  static constexpr const char* kName = "LinearRetryStrategyConfig";
  validate_common(kName, cfg.max_attempts, cfg.initial_delay, cfg.max_delay);
  ErrorFilter filter(cfg.retryable_errors, std::move(cfg.retryable_error_types), kName);
  return [filter = std::move(filter), max_attempts = cfg.max_attempts,
          initial_ms = to_ms(cfg.initial_delay), increment_ms = to_ms(cfg.increment),
          max_ms = to_ms(cfg.max_delay), jitter = cfg.jitter,
          random = std::move(cfg.random)](const ErrorObject& error, int attempts_made) {
    check_attempts_made(attempts_made);
    if (attempts_made >= max_attempts || !filter.matches(error)) return RetryDecision::no_retry();
    const double base_ms =
        std::min(initial_ms + increment_ms * static_cast<double>(attempts_made - 1), max_ms);
    return RetryDecision::retry(final_delay(base_ms, jitter, random));
  };
}

void set_jitter_seed(std::uint64_t seed) { DefaultJitterSource::instance().seed(seed); }

namespace retry_presets {
namespace {

// Assignment instead of designated initializers: g++ 12 flags omitted members of a designated
// initializer under -Wmissing-field-initializers.
RetryStrategy exponential(int max_attempts, Duration initial, Duration max, double rate,
                          JitterStrategy jitter) {
  RetryStrategyConfig cfg;
  cfg.max_attempts = max_attempts;
  cfg.initial_delay = initial;
  cfg.max_delay = max;
  cfg.backoff_rate = rate;
  cfg.jitter = jitter;
  return create_retry_strategy(std::move(cfg));
}

}  // namespace

RetryStrategy none() {
  RetryStrategyConfig cfg;
  cfg.max_attempts = 1;
  return create_retry_strategy(std::move(cfg));
}

RetryStrategy default_strategy() {
  return exponential(6, Duration::from_seconds(5), Duration::from_seconds(60), 2.0,
                     JitterStrategy::Full);
}

RetryStrategy transient() {
  return exponential(3, Duration::from_seconds(5), Duration::from_seconds(300), 2.0,
                     JitterStrategy::Half);
}

RetryStrategy resource_availability() {
  return exponential(5, Duration::from_seconds(5), Duration::from_seconds(300), 2.0,
                     JitterStrategy::Full);
}

RetryStrategy critical() {
  return exponential(10, Duration::from_seconds(1), Duration::from_seconds(60), 1.5,
                     JitterStrategy::None);
}

RetryStrategy linear() {
  LinearRetryStrategyConfig cfg;
  cfg.max_attempts = 6;
  cfg.initial_delay = Duration::from_seconds(1);
  cfg.increment = Duration::from_seconds(1);
  cfg.max_delay = Duration::from_seconds(300);
  cfg.jitter = JitterStrategy::None;
  return create_linear_retry_strategy(std::move(cfg));
}

RetryStrategy fixed(Duration interval) {
  // max_delay = interval keeps the delay constant whatever its size (a fixed 300 s cap would
  // reject intervals above it as max_delay < initial_delay).
  return exponential(5, interval, interval, 1.0, JitterStrategy::None);
}

}  // namespace retry_presets
}  // namespace durable
