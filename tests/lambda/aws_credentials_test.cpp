#include "durable/lambda/aws_credentials.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "fake_environment.hpp"

namespace durable::lambda {
namespace {

// The tests' environments: fake({{"AWS_REGION", "eu-west-1"}}).
const auto fake = test::fake_environment;

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(AwsCredentials, ReadsKeysAndSessionToken) {
  const auto credentials =
      AwsCredentials::from_environment(fake({{"AWS_ACCESS_KEY_ID", "AKID"},
                                             {"AWS_SECRET_ACCESS_KEY", "secret"},
                                             {"AWS_SESSION_TOKEN", "token"}}));
  EXPECT_EQ(credentials.access_key_id, "AKID");
  EXPECT_EQ(credentials.secret_access_key, "secret");
  EXPECT_EQ(credentials.session_token, "token");
}

TEST(AwsCredentials, SessionTokenIsOptionalAndEmptyMeansAbsent) {
  EXPECT_FALSE(AwsCredentials::from_environment(
                   fake({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "secret"}}))
                   .session_token.has_value());
  EXPECT_FALSE(AwsCredentials::from_environment(fake({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                      {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                      {"AWS_SESSION_TOKEN", ""}}))
                   .session_token.has_value());
}

TEST(AwsCredentials, MissingOrEmptyKeyNamesTheVariable) {
  EXPECT_NE(error_of([] {
              AwsCredentials::from_environment(fake({{"AWS_SECRET_ACCESS_KEY", "secret"}}));
            }).find("AWS_ACCESS_KEY_ID"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              AwsCredentials::from_environment(
                  fake({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", ""}}));
            }).find("AWS_SECRET_ACCESS_KEY"),
            std::string::npos);
}

TEST(AwsCredentials, RegionPrefersAwsRegionThenDefaultRegion) {
  EXPECT_EQ(region_from_environment(
                fake({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}})),
            "eu-west-1");
  EXPECT_EQ(
      region_from_environment(fake({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-east-2"}})),
      "us-east-2");
  const auto message = error_of([] { region_from_environment(fake({})); });
  EXPECT_NE(message.find("AWS_REGION"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_DEFAULT_REGION"), std::string::npos) << message;
}

TEST(AwsCredentials, ProcessEnvironmentReadsRealVariables) {
  // PATH is set in every environment ctest runs in; a made-up name is not.
  EXPECT_TRUE(process_environment()("PATH").has_value());
  EXPECT_FALSE(process_environment()("DURABLE_TEST_SURELY_UNSET_VARIABLE_42").has_value());
}

}  // namespace
}  // namespace durable::lambda
