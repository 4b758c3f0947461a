// SigV4Signer: AWS Signature Version 4 for the Lambda API (signing name "lambda"), computed the
// way AWS SDKs compute it for non-S3 services, so the real service accepts our requests:
//  - the wire path carries each URI label percent-encoded once (every byte but A-Z a-z 0-9 - . _
//  ~);
//  - the canonical URI takes that wire path, removes dot segments and empty segments, and
//    percent-encodes it again (keeping '/' and '~'), so an ARN's ':' is "%253A" there;
//  - the payload hash is always computed (no UNSIGNED-PAYLOAD), as for any rest-json service.
// The test vectors in tests/lambda/sigv4_signer_test.cpp come from botocore's SigV4Auth.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "durable/lambda/aws_credentials.hpp"

namespace durable::lambda {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as it will be sent.
struct SigningRequest {
  std::string method;  // "GET", "POST", ... (upper-cased for signing)
  // The Host header exactly as sent: "lambda.us-east-1.amazonaws.com", or "127.0.0.1:9001" when
  // the port is not the scheme's default.
  std::string host;
  // The path as sent on the wire, labels already percent-encoded (see encode_path_label), no
  // query. Must start with '/'.
  std::string path;
  // Query parameters, names and values NOT encoded; order does not matter.
  std::vector<std::pair<std::string, std::string>> query;
  // Every other header that will be sent (e.g. Content-Type). All are signed except the ones
  // AWS SDKs never sign (User-Agent, X-Amzn-Trace-Id, Connection, Expect, ...). Host,
  // Authorization, X-Amz-Date and X-Amz-Security-Token are the signer's and may not appear here.
  HeaderList headers;
  std::string body;
};

// What the signer adds to the request, plus the intermediate strings (useful to debug a
// SignatureDoesNotMatch against the service's own canonical request).
struct SigningResult {
  std::string amz_date;                       // X-Amz-Date, e.g. "20260127T081500Z"
  std::optional<std::string> security_token;  // X-Amz-Security-Token, for session credentials
  std::string authorization;                  // Authorization header value
  std::string payload_hash;                   // lower-case hex SHA-256 of the body
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;

  // The headers to send in addition to the request's own (and Host): X-Amz-Date,
  // X-Amz-Security-Token when present, Authorization.
  HeaderList headers() const;
};

class SigV4Signer {
 public:
  // Throws std::invalid_argument naming the empty field when the access key id, the secret key,
  // the region or the service is empty. Immutable afterwards: any thread may call sign().
  SigV4Signer(AwsCredentials credentials, std::string region, std::string service = "lambda");

  // Signs `request` as of `now` (UTC; sub-second parts are dropped). Throws
  // std::invalid_argument naming the problem when the method or host is empty, the path does
  // not start with '/', or the request already carries a header the signer owns.
  SigningResult sign(const SigningRequest& request,
                     std::chrono::system_clock::time_point now) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }

 private:
  AwsCredentials credentials_;
  std::string region_;
  std::string service_;
};

// Building blocks, exposed for the HTTP client and for tests.
namespace sigv4 {

// Percent-encodes every byte except A-Z a-z 0-9 '-' '.' '_' '~' and the characters in
// `also_safe`, with upper-case hex digits.
std::string uri_encode(std::string_view text, std::string_view also_safe = {});
// A URI label ({DurableExecutionArn}) as it goes into the wire path: uri_encode with nothing
// extra kept, so '/' and ':' inside an ARN become %2F and %3A and the label stays one segment.
std::string encode_path_label(std::string_view label);
// The canonical URI of a wire path: dot segments and repeated '/' removed (a trailing '/' kept),
// then uri_encode keeping '/' and '~'. An empty path is "/".
std::string canonical_uri(std::string_view wire_path);
// name=value pairs, each uri_encode'd, sorted by encoded name then value, joined with '&'.
// The same string is the query sent on the wire.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query);
// "YYYYMMDDTHHMMSSZ" in UTC.
std::string amz_date(std::chrono::system_clock::time_point when);
// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// kSigning = HMAC chain over "AWS4"+secret, date (YYYYMMDD), region, service, "aws4_request";
// the raw 32 bytes.
std::string signing_key(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service);
// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace sigv4
}  // namespace durable::lambda
