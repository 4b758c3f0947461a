#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "durable/lambda/endpoint.hpp"
#include "durable/lambda/http_checkpoint_client.hpp"
#include "fake_environment.hpp"

namespace durable::lambda {
namespace {

// The tests' environments: fake({{"AWS_REGION", "eu-west-1"}}).
const auto fake = test::fake_environment;

std::string invalid_argument_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

TEST(Endpoint, ParsesSchemesHostsAndPorts) {
  auto e = Endpoint::parse("https://lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(e.scheme, "https");
  EXPECT_EQ(e.host, "lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(e.port, 443);
  EXPECT_TRUE(e.is_https());
  EXPECT_EQ(e.host_header(), "lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(e.origin(), "https://lambda.us-east-1.amazonaws.com:443");

  e = Endpoint::parse("HTTP://127.0.0.1:9001/");
  EXPECT_EQ(e.scheme, "http");
  EXPECT_EQ(e.port, 9001);
  EXPECT_FALSE(e.is_https());
  EXPECT_EQ(e.host_header(), "127.0.0.1:9001");

  e = Endpoint::parse("http://localhost");
  EXPECT_EQ(e.port, 80);
  EXPECT_EQ(e.host_header(), "localhost");

  e = Endpoint::parse("http://[::1]:8080");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.host_header(), "[::1]:8080");
  EXPECT_EQ(e.origin(), "http://[::1]:8080");
}

TEST(Endpoint, RejectsBadUrlsNamingTheProblem) {
  EXPECT_NE(invalid_argument_of([] {
              Endpoint::parse("lambda.amazonaws.com");
            }).find("expected scheme://host"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("ftp://h"); }).find("http or https"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://:80"); }).find("no host"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://h:99999"); }).find("1 to 65535"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://h:x1"); }).find("\"x1\""),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://h:"); }).find("empty port"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://h/base"); }).find("path"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://u@h"); }).find("user info"),
            std::string::npos);
  EXPECT_NE(invalid_argument_of([] { Endpoint::parse("http://[::1"); }).find("IPv6"),
            std::string::npos);
}

TEST(Endpoint, FromEnvironmentPrefersTheLambdaSpecificUrl) {
  EXPECT_EQ(Endpoint::from_environment("us-east-1",
                                       fake({{"AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001"},
                                             {"AWS_ENDPOINT_URL", "http://other:1"}}))
                .origin(),
            "http://127.0.0.1:9001");
  EXPECT_EQ(Endpoint::from_environment("us-east-1", fake({{"AWS_ENDPOINT_URL", "http://other:1"}}))
                .origin(),
            "http://other:1");
  EXPECT_EQ(Endpoint::from_environment("eu-central-1", fake({})).origin(),
            "https://lambda.eu-central-1.amazonaws.com:443");
  EXPECT_EQ(Endpoint::from_environment("cn-north-1", fake({})).host,
            "lambda.cn-north-1.amazonaws.com.cn");
  const auto message = invalid_argument_of([] {
    Endpoint::from_environment("us-east-1", fake({{"AWS_ENDPOINT_URL_LAMBDA", "nonsense"}}));
  });
  EXPECT_NE(message.find("AWS_ENDPOINT_URL_LAMBDA"), std::string::npos) << message;
  EXPECT_NE(invalid_argument_of([] { Endpoint::from_environment("", fake({})); }).find("region"),
            std::string::npos);
}

TEST(HttpCheckpointClientOptions, FromEnvironmentReadsRegionCredentialsAndEndpoint) {
  const auto options =
      HttpCheckpointClientOptions::from_environment(fake({{"AWS_REGION", "eu-west-1"},
                                                          {"AWS_ACCESS_KEY_ID", "AKID"},
                                                          {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                          {"AWS_SESSION_TOKEN", "tok"}}));
  EXPECT_EQ(options.region, "eu-west-1");
  EXPECT_EQ(options.credentials.access_key_id, "AKID");
  EXPECT_EQ(options.credentials.session_token, "tok");
  EXPECT_EQ(options.endpoint.host, "lambda.eu-west-1.amazonaws.com");
  EXPECT_EQ(options.connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(options.read_timeout, std::chrono::seconds(50));
}

TEST(HttpCheckpointClientOptions, FromEnvironmentNamesTheMissingVariable) {
  try {
    HttpCheckpointClientOptions::from_environment(
        fake({{"AWS_REGION", "eu-west-1"}, {"AWS_SECRET_ACCESS_KEY", "secret"}}));
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos) << e.what();
  }
}

TEST(HttpCheckpointClient, ConstructorRejectsBadOptionsNamingThem) {
  auto valid = [] {
    HttpCheckpointClientOptions o;
    o.endpoint = Endpoint::parse("http://127.0.0.1:1");
    o.region = "us-east-1";
    o.credentials = {"AKID", "secret", std::nullopt};
    return o;
  };
  auto message = [&](auto mutate) {
    auto o = valid();
    mutate(o);
    return invalid_argument_of([&] { HttpCheckpointClient client(o); });
  };
  EXPECT_EQ(message([](auto&) {}), "(no std::invalid_argument)");
  EXPECT_NE(message([](auto& o) { o.region.clear(); }).find("region"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.credentials.access_key_id.clear(); }).find("access key id"),
            std::string::npos);
  EXPECT_NE(message([](auto& o) { o.credentials.secret_access_key.clear(); }).find("secret"),
            std::string::npos);
  EXPECT_NE(message([](auto& o) { o.endpoint = Endpoint{}; }).find("scheme"), std::string::npos);
  EXPECT_NE(message([](auto& o) { o.retry.max_attempts = 0; }).find("max_attempts"),
            std::string::npos);
  EXPECT_NE(message([](auto& o) {
              o.retry.initial_backoff = std::chrono::milliseconds(-1);
            }).find("backoff"),
            std::string::npos);
  EXPECT_NE(message([](auto& o) {
              o.connect_timeout = std::chrono::milliseconds(0);
            }).find("connect_timeout"),
            std::string::npos);
  EXPECT_NE(
      message([](auto& o) { o.read_timeout = std::chrono::milliseconds(0); }).find("read_timeout"),
      std::string::npos);
}

}  // namespace
}  // namespace durable::lambda
