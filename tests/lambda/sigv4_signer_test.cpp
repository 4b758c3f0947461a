#include "durable/lambda/sigv4_signer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace durable::lambda {
namespace {

using std::chrono::system_clock;

constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// 2026-01-27T08:15:30Z, the time sigv4_botocore.py freezes botocore at.
system_clock::time_point frozen_time() {
  return system_clock::time_point{std::chrono::seconds{1769501730}};
}

// Produced by `python3 tests/lambda/sigv4_botocore.py` (botocore 1.43.11, from aws-cli 1.45.11):
// botocore's Lambda client serializes each request (percent-encoding the ARN label) and its
// SigV4Auth signs it at the frozen time with the fixed credentials above. Only the User-Agent
// value was replaced afterwards (it names the machine and is never signed).
constexpr const char* kBotocoreVectors = R"json(
[
 {
  "name": "checkpoint_https_session",
  "region": "us-east-1",
  "session_token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
  "method": "POST",
  "host": "lambda.us-east-1.amazonaws.com",
  "path": "/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aorder-processor%3A%24LATEST%2Fdurable-execution%2Forder-42%2F6f1c2a3b-1d2e-4f5a-8b9c-0d1e2f3a4b5c/checkpoint",
  "query": [],
  "headers": [
   [
    "Content-Type",
    "application/json"
   ],
   [
    "User-Agent",
    "Botocore/1.43.11 (unsigned, any value)"
   ]
  ],
  "body": "{\"CheckpointToken\": \"dG9rZW4tMQ==\", \"Updates\": [{\"Id\": \"c4ca4238a0b92382\", \"Type\": \"STEP\", \"Action\": \"START\", \"Name\": \"validate order\", \"SubType\": \"Step\"}], \"ClientToken\": \"866cd259-37e3-4467-b253-03ef6602a8bd\"}",
  "amz_date": "20260127T081530Z",
  "security_token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
  "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260127/us-east-1/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=cec448bb27b2665605b339a3982d4db95111873e748b4fdc66e08804c66f757a"
 },
 {
  "name": "state_https_session",
  "region": "us-east-1",
  "session_token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
  "method": "GET",
  "host": "lambda.us-east-1.amazonaws.com",
  "path": "/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aorder-processor%3A%24LATEST%2Fdurable-execution%2Forder-42%2F6f1c2a3b-1d2e-4f5a-8b9c-0d1e2f3a4b5c/state",
  "query": [
   [
    "CheckpointToken",
    "dG9r+ZW4/tMg=="
   ],
   [
    "Marker",
    "next page=2&x"
   ],
   [
    "MaxItems",
    "1000"
   ]
  ],
  "headers": [
   [
    "User-Agent",
    "Botocore/1.43.11 (unsigned, any value)"
   ]
  ],
  "body": "",
  "amz_date": "20260127T081530Z",
  "security_token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
  "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260127/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=eb0ed4827d43b863133a6d20e49c1374c579880bd751ff3021c9518499f4248d"
 },
 {
  "name": "checkpoint_loopback_no_token",
  "region": "eu-west-3",
  "session_token": null,
  "method": "POST",
  "host": "127.0.0.1:9001",
  "path": "/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3Aeu-west-3%3A123456789012%3Afunction%3Aorder-processor%3A%24LATEST%2Fdurable-execution%2Forder-42%2F6f1c2a3b-1d2e-4f5a-8b9c-0d1e2f3a4b5c/checkpoint",
  "query": [],
  "headers": [
   [
    "Content-Type",
    "application/json"
   ],
   [
    "User-Agent",
    "Botocore/1.43.11 (unsigned, any value)"
   ]
  ],
  "body": "{\"CheckpointToken\": \"abc\", \"Updates\": [], \"ClientToken\": \"retry-1\"}",
  "amz_date": "20260127T081530Z",
  "security_token": null,
  "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260127/eu-west-3/lambda/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=32fc79febee584addc1d435631aa103c80705ea8add08514802171457708ab4e"
 },
 {
  "name": "list_by_function_query",
  "region": "ap-southeast-2",
  "session_token": null,
  "method": "GET",
  "host": "lambda.ap-southeast-2.amazonaws.com",
  "path": "/2025-12-01/functions/arn%3Aaws%3Alambda%3Aap-southeast-2%3A123456789012%3Afunction%3Af%3A7/durable-executions",
  "query": [
   [
    "DurableExecutionName",
    "name with spaces~and*stars"
   ],
   [
    "Statuses",
    "RUNNING"
   ],
   [
    "Statuses",
    "FAILED"
   ],
   [
    "MaxItems",
    "5"
   ],
   [
    "ReverseOrder",
    "true"
   ]
  ],
  "headers": [
   [
    "User-Agent",
    "Botocore/1.43.11 (unsigned, any value)"
   ]
  ],
  "body": "",
  "amz_date": "20260127T081530Z",
  "security_token": null,
  "authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260127/ap-southeast-2/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=9dd30d73bf23d53929e78d7d76c843302597f317cb8ac94ceef86aa108a688c2"
 }
]
)json";

SigningRequest request_from(const nlohmann::json& vector) {
  SigningRequest request;
  request.method = vector.at("method").get<std::string>();
  request.host = vector.at("host").get<std::string>();
  request.path = vector.at("path").get<std::string>();
  for (const auto& pair : vector.at("query")) {
    request.query.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  for (const auto& pair : vector.at("headers")) {
    request.headers.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
  }
  request.body = vector.at("body").get<std::string>();
  return request;
}

SigV4Signer signer_for(const nlohmann::json& vector) {
  AwsCredentials credentials{kAccessKey, kSecretKey, std::nullopt};
  if (!vector.at("session_token").is_null()) {
    credentials.session_token = vector.at("session_token").get<std::string>();
  }
  return SigV4Signer(credentials, vector.at("region").get<std::string>());
}

void expect_matches_botocore(const nlohmann::json& vector, system_clock::time_point when) {
  SCOPED_TRACE(vector.at("name").get<std::string>());
  const auto result = signer_for(vector).sign(request_from(vector), when);
  EXPECT_EQ(result.authorization, vector.at("authorization").get<std::string>())
      << "canonical request:\n"
      << result.canonical_request;
  EXPECT_EQ(result.amz_date, vector.at("amz_date").get<std::string>());
  if (vector.at("security_token").is_null()) {
    EXPECT_FALSE(result.security_token.has_value());
  } else {
    EXPECT_EQ(result.security_token, vector.at("security_token").get<std::string>());
  }
}

TEST(SigV4Signer, MatchesStoredBotocoreVectorsByteForByte) {
  const auto vectors = nlohmann::json::parse(kBotocoreVectors);
  ASSERT_EQ(vectors.size(), 4u);
  for (const auto& vector : vectors) expect_matches_botocore(vector, frozen_time());
}

// Runs botocore now, on requests it builds itself, when python3 and botocore are installed.
TEST(SigV4Signer, MatchesLiveBotocore) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen("python3 " DURABLE_LAMBDA_TEST_DIR "/sigv4_botocore.py 2>/dev/null", "r"), pclose);
  if (!pipe) GTEST_SKIP() << "cannot start python3";
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    output.append(buffer.data(), n);
  const int status = pclose(pipe.release());
  if (status != 0)
    GTEST_SKIP() << "python3 with botocore is not available (status " << status << ")";
  const auto vectors = nlohmann::json::parse(output);
  ASSERT_FALSE(vectors.empty());
  for (const auto& vector : vectors) expect_matches_botocore(vector, frozen_time());
}

// The worked example of the AWS General Reference (IAM ListUsers, 2015-08-30T12:36:00Z).
TEST(SigV4Signer, MatchesTheAwsDocumentationExample) {
  SigV4Signer signer({kAccessKey, kSecretKey, std::nullopt}, "us-east-1", "iam");
  SigningRequest request{
      .method = "GET",
      .host = "iam.amazonaws.com",
      .path = "/",
      .query = {{"Version", "2010-05-08"}, {"Action", "ListUsers"}},
      .headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}};
  const auto result =
      signer.sign(request, system_clock::time_point{std::chrono::seconds{1440938160}});
  EXPECT_EQ(result.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(result.amz_date, "20150830T123600Z");
}

TEST(SigV4Signer, CanonicalRequestDoubleEncodesTheArnLabel) {
  const std::string arn =
      "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/"
      "durable-execution/n/id";
  const std::string path =
      "/2025-12-01/durable-executions/" + sigv4::encode_path_label(arn) + "/checkpoint";
  EXPECT_EQ(path,
            "/2025-12-01/durable-executions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3A"
            "function%3Af%3A%24LATEST%2Fdurable-execution%2Fn%2Fid/checkpoint");
  SigV4Signer signer({kAccessKey, kSecretKey, std::nullopt}, "us-east-1");
  const auto result =
      signer.sign({.method = "post", .host = "h", .path = path, .body = "{}"}, frozen_time());
  EXPECT_EQ(result.canonical_request,
            "POST\n"
            "/2025-12-01/durable-executions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012"
            "%253Afunction%253Af%253A%2524LATEST%252Fdurable-execution%252Fn%252Fid/checkpoint\n"
            "\n"
            "host:h\n"
            "x-amz-date:20260127T081530Z\n"
            "\n"
            "host;x-amz-date\n" +
                sigv4::sha256_hex("{}"));
  EXPECT_EQ(result.string_to_sign,
            "AWS4-HMAC-SHA256\n20260127T081530Z\n"
            "20260127/us-east-1/lambda/aws4_request\n" +
                sigv4::sha256_hex(result.canonical_request));
}

TEST(SigV4Signer, HeadersAreTrimmedLowerCasedJoinedAndBlacklistSkipped) {
  SigV4Signer signer({kAccessKey, kSecretKey, "token"}, "us-east-1");
  SigningRequest request{.method = "GET", .host = " example.com ", .path = "/"};
  request.headers = {{"X-Custom", "  a   b  "},
                     {"x-custom", "c"},
                     {"User-Agent", "ua"},
                     {"X-Amzn-Trace-Id", "Root=1"},
                     {"Connection", "keep-alive"}};
  const auto result = signer.sign(request, frozen_time());
  EXPECT_NE(result.canonical_request.find("host:example.com\n"
                                          "x-amz-date:20260127T081530Z\n"
                                          "x-amz-security-token:token\n"
                                          "x-custom:a b,c\n"),
            std::string::npos)
      << result.canonical_request;
  EXPECT_NE(result.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token;"
                                      "x-custom,"),
            std::string::npos)
      << result.authorization;
  const auto headers = result.headers();
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20260127T081530Z"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-Amz-Security-Token", "token"}));
  EXPECT_EQ(headers[2].first, "Authorization");
}

TEST(SigV4Signer, NoSecurityTokenHeaderWithoutSessionToken) {
  SigV4Signer signer({kAccessKey, kSecretKey, std::nullopt}, "us-east-1");
  const auto result = signer.sign({.method = "GET", .host = "h", .path = "/"}, frozen_time());
  EXPECT_FALSE(result.security_token.has_value());
  EXPECT_EQ(result.headers().size(), 2u);
  EXPECT_EQ(result.payload_hash,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SigV4Signer, SubSecondPartOfTheTimeIsDropped) {
  SigV4Signer signer({kAccessKey, kSecretKey, std::nullopt}, "us-east-1");
  const SigningRequest request{.method = "GET", .host = "h", .path = "/"};
  EXPECT_EQ(signer.sign(request, frozen_time()).authorization,
            signer.sign(request, frozen_time() + std::chrono::milliseconds(999)).authorization);
}

TEST(SigV4Sigv4, CanonicalUriRemovesDotAndEmptySegments) {
  EXPECT_EQ(sigv4::canonical_uri(""), "/");
  EXPECT_EQ(sigv4::canonical_uri("/"), "/");
  EXPECT_EQ(sigv4::canonical_uri("/a//b/./c/../d/"), "/a/b/d/");
  EXPECT_EQ(sigv4::canonical_uri("/a/.."), "/");
  EXPECT_EQ(sigv4::canonical_uri("/x y/%41~"), "/x%20y/%2541~");
}

TEST(SigV4Sigv4, QueryStringIsEncodedAndSorted) {
  EXPECT_EQ(sigv4::canonical_query_string({{"b", "2"}, {"a", "x y"}, {"a", "+/="}, {"c", ""}}),
            "a=%2B%2F%3D&a=x%20y&b=2&c=");
  EXPECT_EQ(sigv4::canonical_query_string({}), "");
}

TEST(SigV4Sigv4, UriEncodeKeepsOnlyUnreservedAndRequestedCharacters) {
  EXPECT_EQ(sigv4::uri_encode("aZ09-._~ :/$+=\xC3\xA9"), "aZ09-._~%20%3A%2F%24%2B%3D%C3%A9");
  EXPECT_EQ(sigv4::uri_encode("a/b:c", "/"), "a/b%3Ac");
}

TEST(SigV4Sigv4, SigningKeyMatchesTheAwsDocumentationExample) {
  // The derived key of the AWS General Reference example (20150830, us-east-1, iam).
  const auto key = sigv4::signing_key(kSecretKey, "20150830", "us-east-1", "iam");
  std::string hex;
  for (unsigned char c : key) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xF]);
  }
  EXPECT_EQ(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(SigV4Signer, RejectsBadConstructionWithTheFieldNamed) {
  auto expect_message = [](auto make, const std::string& fragment) {
    try {
      make();
      ADD_FAILURE() << "no exception; expected one naming " << fragment;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_message([] { SigV4Signer({"", "s", {}}, "r"); }, "access key id");
  expect_message([] { SigV4Signer({"a", "", {}}, "r"); }, "secret access key");
  expect_message([] { SigV4Signer({"a", "s", {}}, ""); }, "region");
  expect_message([] { SigV4Signer({"a", "s", {}}, "r", ""); }, "service");
  SigV4Signer signer({"a", "s", {}}, "r");
  expect_message([&] { signer.sign({.method = "", .host = "h", .path = "/"}, frozen_time()); },
                 "method");
  expect_message([&] { signer.sign({.method = "GET", .host = "", .path = "/"}, frozen_time()); },
                 "host");
  expect_message([&] { signer.sign({.method = "GET", .host = "h", .path = "x"}, frozen_time()); },
                 "path must start with '/'");
  expect_message(
      [&] {
        signer.sign(
            {.method = "GET", .host = "h", .path = "/", .headers = {{"Authorization", "x"}}},
            frozen_time());
      },
      "Authorization is set by the signer");
  expect_message(
      [&] {
        signer.sign({.method = "GET", .host = "h", .path = "/", .headers = {{"host", "x"}}},
                    frozen_time());
      },
      "host is set by the signer");
}

}  // namespace
}  // namespace durable::lambda
