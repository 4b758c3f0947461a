#include "lambda/runtime_api_client.hpp"

#include <httplib.h>

#include <charconv>
#include <stdexcept>

#include "durable/model/json.hpp"

namespace durable::lambda::detail {
namespace {

constexpr const char* kNextPath = "/2018-06-01/runtime/invocation/next";
constexpr const char* kInitErrorPath = "/2018-06-01/runtime/init/error";

std::string error_body(const std::string& error_type, const std::string& message) {
  return Json{{"errorType", error_type}, {"errorMessage", message},
              {"stackTrace", Json::array()}}
      // The message may quote raw event bytes (a parse error): never let them make this throw.
      .dump(-1, ' ', false, Json::error_handler_t::replace);
}

PostResult post(httplib::Client& client, const std::string& path, const std::string& body,
                const httplib::Headers& headers) {
  auto res = client.Post(path, headers, body, "application/json");
  if (!res) return PostResult{false, 0, "no answer from the Runtime API: " + httplib::to_string(res.error())};
  return PostResult{res->status >= 200 && res->status < 300, res->status, res->body};
}

}  // namespace

struct RuntimeApiClient::Impl {
  Impl(const std::string& host, int port) : next_client(host, port), post_client(host, port) {}
  // Two connections: /next must never time out, the posts must.
  httplib::Client next_client;
  httplib::Client post_client;
};

RuntimeApiClient::RuntimeApiClient(const std::string& address,
                                   std::chrono::milliseconds connect_timeout) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("AWS_LAMBDA_RUNTIME_API must be host:port, got '" + address + "'");
  }
  const std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  int port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || p != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    throw std::invalid_argument("AWS_LAMBDA_RUNTIME_API has no valid port (1-65535): '" +
                                address + "'");
  }
  impl_ = std::make_unique<Impl>(host, port);
  const auto connect_s = std::chrono::duration_cast<std::chrono::seconds>(connect_timeout);
  const auto connect_us =
      std::chrono::duration_cast<std::chrono::microseconds>(connect_timeout - connect_s);
  for (auto* c : {&impl_->next_client, &impl_->post_client}) {
    c->set_connection_timeout(connect_s.count(), connect_us.count());
    c->set_keep_alive(true);
  }
  // Lambda freezes the process between events, so a wait on /next of any length is normal.
  impl_->next_client.set_read_timeout(std::chrono::hours(24 * 365));
  impl_->post_client.set_read_timeout(std::chrono::seconds(30));
  impl_->post_client.set_write_timeout(std::chrono::seconds(30));
}

RuntimeApiClient::~RuntimeApiClient() = default;

RuntimeEvent RuntimeApiClient::next() {
  auto res = impl_->next_client.Get(kNextPath);
  if (!res) {
    throw std::runtime_error("GET " + std::string(kNextPath) +
                             " failed: " + httplib::to_string(res.error()));
  }
  if (res->status != 200) {
    throw std::runtime_error("GET " + std::string(kNextPath) + " answered HTTP " +
                             std::to_string(res->status) + ": " + res->body);
  }
  RuntimeEvent event;
  event.request_id = res->get_header_value("Lambda-Runtime-Aws-Request-Id");
  if (event.request_id.empty()) {
    throw std::runtime_error("GET " + std::string(kNextPath) +
                             " answered without a Lambda-Runtime-Aws-Request-Id header");
  }
  event.body = res->body;
  const std::string deadline = res->get_header_value("Lambda-Runtime-Deadline-Ms");
  std::int64_t ms = 0;
  auto [p, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), ms);
  if (!deadline.empty() && ec == std::errc{} && p == deadline.data() + deadline.size()) {
    event.deadline_ms = ms;
  }
  event.invoked_function_arn = res->get_header_value("Lambda-Runtime-Invoked-Function-Arn");
  event.trace_id = res->get_header_value("Lambda-Runtime-Trace-Id");
  return event;
}

PostResult RuntimeApiClient::respond(const std::string& request_id, const std::string& body) {
  return post(impl_->post_client, "/2018-06-01/runtime/invocation/" + request_id + "/response",
              body, {});
}

PostResult RuntimeApiClient::fail(const std::string& request_id, const std::string& error_type,
                                  const std::string& message) {
  return post(impl_->post_client, "/2018-06-01/runtime/invocation/" + request_id + "/error",
              error_body(error_type, message),
              {{"Lambda-Runtime-Function-Error-Type", error_type}});
}

PostResult RuntimeApiClient::init_error(const std::string& error_type,
                                        const std::string& message) {
  return post(impl_->post_client, kInitErrorPath, error_body(error_type, message),
              {{"Lambda-Runtime-Function-Error-Type", error_type}});
}

}  // namespace durable::lambda::detail
