// Endpoint: where the durable execution API is served — the regional Lambda endpoint in
// production, or a local emulator (http on loopback) in tests.
#pragma once

#include <string>
#include <string_view>

#include "durable/lambda/aws_credentials.hpp"

namespace durable::lambda {

struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // DNS name, IPv4 address, or IPv6 address without brackets
  int port = 0;        // always set: 80 / 443 when the URL names none

  // Parses "scheme://host[:port][/]". Throws std::invalid_argument naming the URL and what is
  // wrong with it: another scheme, no host, a bad port, a path, query or user info (the API's
  // routes are absolute, so a base path would be silently dropped).
  static Endpoint parse(std::string_view url);

  // AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL (as AWS SDKs read them), else
  // https://lambda.<region>.amazonaws.com (".amazonaws.com.cn" for cn- regions).
  static Endpoint from_environment(const std::string& region,
                                   const EnvironmentLookup& env = process_environment());

  bool is_https() const { return scheme == "https"; }
  // The Host header: host, plus ":port" unless the port is the scheme's default (that is what
  // gets signed, so it must be exactly what is sent).
  std::string host_header() const;
  // "scheme://host:port", the form cpp-httplib's client takes.
  std::string origin() const;
};

}  // namespace durable::lambda
