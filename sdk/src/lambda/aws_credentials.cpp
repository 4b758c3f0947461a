#include "durable/lambda/aws_credentials.hpp"

#include <cstdlib>
#include <stdexcept>

namespace durable::lambda {
namespace {

// Unset and empty are the same to us: an empty key can never sign a valid request.
std::optional<std::string> non_empty(const EnvironmentLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::string required(const EnvironmentLookup& env, const std::string& name) {
  auto value = non_empty(env, name);
  if (!value) {
    throw std::runtime_error("AWS credentials: environment variable " + name +
                             " is not set (or is empty)");
  }
  return *value;
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

AwsCredentials AwsCredentials::from_environment(const EnvironmentLookup& env) {
  AwsCredentials credentials;
  credentials.access_key_id = required(env, "AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = required(env, "AWS_SECRET_ACCESS_KEY");
  credentials.session_token = non_empty(env, "AWS_SESSION_TOKEN");
  return credentials;
}

std::string region_from_environment(const EnvironmentLookup& env) {
  if (auto region = non_empty(env, "AWS_REGION")) return *region;
  if (auto region = non_empty(env, "AWS_DEFAULT_REGION")) return *region;
  throw std::runtime_error(
      "AWS region: neither AWS_REGION nor AWS_DEFAULT_REGION is set in the environment");
}

}  // namespace durable::lambda
