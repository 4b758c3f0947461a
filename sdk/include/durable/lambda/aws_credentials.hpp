// AwsCredentials: the key pair (and, for temporary credentials, the session token) that signs
// requests to the durable execution service, read from the variables Lambda sets in every
// function's environment.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace durable::lambda {

// Looks up one environment variable; returns nullopt when it is unset. Lets tests supply an
// environment without touching the process's own (setenv is not thread-safe).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv). Safe to call from any thread as long as nobody
// modifies the environment at the same time.
EnvironmentLookup process_environment();

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Present for temporary credentials (Lambda's execution role always has one); sent as
  // X-Amz-Security-Token and signed.
  std::optional<std::string> session_token;

  // Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the optional AWS_SESSION_TOKEN.
  // Throws std::runtime_error naming the variable when a required one is unset or empty.
  // An empty AWS_SESSION_TOKEN counts as absent.
  static AwsCredentials from_environment(const EnvironmentLookup& env = process_environment());
};

// The region to sign for and to build the regional endpoint from: AWS_REGION (set by Lambda),
// else AWS_DEFAULT_REGION. Throws std::runtime_error naming both variables when neither is set.
std::string region_from_environment(const EnvironmentLookup& env = process_environment());

}  // namespace durable::lambda
