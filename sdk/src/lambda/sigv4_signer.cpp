#include "durable/lambda/sigv4_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <map>
#include <stdexcept>

namespace durable::lambda {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

// Headers AWS SDKs leave out of the signature because proxies and HTTP stacks may add, drop or
// rewrite them in transit (botocore's SIGNED_HEADERS_BLACKLIST).
constexpr std::array<std::string_view, 11> kUnsignedHeaders = {"connection",
                                                               "expect",
                                                               "keep-alive",
                                                               "proxy-authenticate",
                                                               "proxy-authorization",
                                                               "te",
                                                               "trailer",
                                                               "transfer-encoding",
                                                               "upgrade",
                                                               "user-agent",
                                                               "x-amzn-trace-id"};
constexpr std::array<std::string_view, 4> kSignerHeaders = {"host", "authorization", "x-amz-date",
                                                            "x-amz-security-token"};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// SigV4's Trimall: no leading/trailing whitespace, inner runs of whitespace become one space.
std::string trim_all(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHexLower[data[i] >> 4]);
    out.push_back(kHexLower[data[i] & 0xF]);
  }
  return out;
}

std::string hmac_raw(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &size) == nullptr) {
    throw std::runtime_error("SigV4: OpenSSL HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

namespace sigv4 {

std::string uri_encode(std::string_view text, std::string_view also_safe) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~' ||
        also_safe.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[byte >> 4]);
      out.push_back(kHexUpper[byte & 0xF]);
    }
  }
  return out;
}

std::string encode_path_label(std::string_view label) { return uri_encode(label); }

std::string canonical_uri(std::string_view wire_path) {
  if (wire_path.empty()) return "/";
  // RFC 3986 dot-segment removal; AWS also wants empty segments ("//") gone.
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= wire_path.size()) {
    std::size_t end = wire_path.find('/', start);
    if (end == std::string_view::npos) end = wire_path.size();
    auto segment = wire_path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string normalized = wire_path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized.push_back('/');
    normalized.append(segments[i]);
  }
  if (wire_path.back() == '/' && !segments.empty()) normalized.push_back('/');
  return uri_encode(normalized, "/~");
}

std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name), uri_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(when));
  std::tm utc{};
  if (gmtime_r(&seconds, &utc) == nullptr) {
    throw std::invalid_argument("SigV4: the signing time cannot be expressed as a UTC date");
  }
  char buffer[32];
  const std::size_t size = std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  if (size != 16) {
    throw std::invalid_argument("SigV4: the signing time is outside years 0000-9999");
  }
  return std::string(buffer, size);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::string signing_key(std::string_view secret_access_key, std::string_view date,
                        std::string_view region, std::string_view service) {
  std::string key = "AWS4";
  key.append(secret_access_key);
  key = hmac_raw(key, date);
  key = hmac_raw(key, region);
  key = hmac_raw(key, service);
  return hmac_raw(key, kTerminator);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  const std::string raw = hmac_raw(key, data);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace sigv4

HeaderList SigningResult::headers() const {
  HeaderList out;
  out.emplace_back("X-Amz-Date", amz_date);
  if (security_token) out.emplace_back("X-Amz-Security-Token", *security_token);
  out.emplace_back("Authorization", authorization);
  return out;
}

SigV4Signer::SigV4Signer(AwsCredentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {
  require(!credentials_.access_key_id.empty(), "SigV4Signer: the access key id is empty");
  require(!credentials_.secret_access_key.empty(), "SigV4Signer: the secret access key is empty");
  require(!region_.empty(), "SigV4Signer: the region is empty");
  require(!service_.empty(), "SigV4Signer: the service name is empty");
}

SigningResult SigV4Signer::sign(const SigningRequest& request,
                                std::chrono::system_clock::time_point now) const {
  require(!request.method.empty(), "SigV4Signer::sign: the HTTP method is empty");
  require(!request.host.empty(), "SigV4Signer::sign: the host is empty");
  require(!request.path.empty() && request.path.front() == '/',
          "SigV4Signer::sign: the path must start with '/', got \"" + request.path + "\"");

  SigningResult result;
  result.amz_date = sigv4::amz_date(now);
  result.security_token = credentials_.session_token;
  result.payload_hash = sigv4::sha256_hex(request.body);
  const std::string date = result.amz_date.substr(0, 8);

  // Lower-cased name -> values in the order given; std::map sorts the names for us.
  std::map<std::string, std::vector<std::string>> signed_headers;
  for (const auto& [name, value] : request.headers) {
    const std::string key = lower(trim_all(name));
    require(!key.empty(), "SigV4Signer::sign: a header has an empty name");
    require(std::find(kSignerHeaders.begin(), kSignerHeaders.end(), key) == kSignerHeaders.end(),
            "SigV4Signer::sign: header " + name + " is set by the signer, not by the request");
    if (std::find(kUnsignedHeaders.begin(), kUnsignedHeaders.end(), key) !=
        kUnsignedHeaders.end()) {
      continue;
    }
    signed_headers[key].push_back(trim_all(value));
  }
  signed_headers["host"].push_back(trim_all(request.host));
  signed_headers["x-amz-date"].push_back(result.amz_date);
  if (result.security_token) {
    signed_headers["x-amz-security-token"].push_back(trim_all(*result.security_token));
  }

  std::string canonical_headers;
  std::string signed_names;
  for (const auto& [name, values] : signed_headers) {
    canonical_headers.append(name).push_back(':');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) canonical_headers.push_back(',');
      canonical_headers.append(values[i]);
    }
    canonical_headers.push_back('\n');
    if (!signed_names.empty()) signed_names.push_back(';');
    signed_names.append(name);
  }

  std::string method = request.method;
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  result.canonical_request = method + "\n" + sigv4::canonical_uri(request.path) + "\n" +
                             sigv4::canonical_query_string(request.query) + "\n" +
                             canonical_headers + "\n" + signed_names + "\n" + result.payload_hash;
  const std::string scope = date + "/" + region_ + "/" + service_ + "/" + std::string(kTerminator);
  result.string_to_sign = std::string(kAlgorithm) + "\n" + result.amz_date + "\n" + scope + "\n" +
                          sigv4::sha256_hex(result.canonical_request);
  const std::string key =
      sigv4::signing_key(credentials_.secret_access_key, date, region_, service_);
  result.signature = sigv4::hmac_sha256_hex(key, result.string_to_sign);
  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials_.access_key_id +
                         "/" + scope + ", SignedHeaders=" + signed_names +
                         ", Signature=" + result.signature;
  return result;
}

}  // namespace durable::lambda
