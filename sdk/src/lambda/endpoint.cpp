#include "durable/lambda/endpoint.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace durable::lambda {
namespace {

[[noreturn]] void bad(std::string_view url, const std::string& why) {
  throw std::invalid_argument("endpoint URL \"" + std::string(url) + "\": " + why);
}

int default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

Endpoint Endpoint::parse(std::string_view url) {
  Endpoint endpoint;
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) bad(url, "expected scheme://host[:port]");
  endpoint.scheme = std::string(url.substr(0, separator));
  for (char& c : endpoint.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    bad(url, "the scheme must be http or https, not \"" + endpoint.scheme + "\"");
  }
  std::string_view authority = url.substr(separator + 3);
  if (const auto slash = authority.find_first_of("/?#"); slash != std::string_view::npos) {
    if (authority.substr(slash) != "/") bad(url, "a path, query or fragment is not supported");
    authority = authority.substr(0, slash);
  }
  if (authority.find('@') != std::string_view::npos) bad(url, "user info is not supported");

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad(url, "unterminated IPv6 address");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') bad(url, "unexpected text after the IPv6 address");
      port_text = rest.substr(1);
      if (port_text.empty()) bad(url, "empty port");
    }
  } else {
    const auto colon = authority.rfind(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) bad(url, "empty port");
    }
  }
  if (endpoint.host.empty()) bad(url, "no host");
  endpoint.port = default_port(endpoint.scheme);
  if (!port_text.empty()) {
    int port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      bad(url, "the port must be a number from 1 to 65535, not \"" + std::string(port_text) + "\"");
    }
    endpoint.port = port;
  }
  return endpoint;
}

Endpoint Endpoint::from_environment(const std::string& region, const EnvironmentLookup& env) {
  for (const char* name : {"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"}) {
    if (auto url = env(name); url && !url->empty()) {
      try {
        return parse(*url);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(name) + ": " + e.what());
      }
    }
  }
  if (region.empty()) {
    throw std::invalid_argument("cannot build the regional Lambda endpoint: the region is empty");
  }
  const std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return parse("https://lambda." + region + "." + suffix);
}

std::string Endpoint::host_header() const {
  const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port == default_port(scheme)) return name;
  return name + ":" + std::to_string(port);
}

std::string Endpoint::origin() const {
  const std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + name + ":" + std::to_string(port);
}

}  // namespace durable::lambda
