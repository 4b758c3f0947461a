#include "http/front_end.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <string>

#include "http/error_response.hpp"
#include "http/request_threads.hpp"

namespace durable::emulator::http {
namespace {

// No small cap on requests per connection (httplib's default is 5).
constexpr std::size_t kMaxRequestsPerConnection = 1000000;

}  // namespace

void configure_front_end(httplib::Server& server, const FrontEndLimits& limits,
                         std::atomic<int>& listen_fd) {
  // Responses are written in pieces (headers, then body); with Nagle on, the second piece waits
  // for the client's delayed ACK, about 40 ms per request on a keep-alive connection.
  server.set_tcp_nodelay(true);
  // No small cap on requests per connection (httplib's default is 5).
  server.set_keep_alive_max_count(kMaxRequestsPerConnection);
  server.set_keep_alive_timeout(static_cast<time_t>(limits.keep_alive_timeout.count()));
  server.set_read_timeout(limits.read_timeout);
  server.set_write_timeout(limits.write_timeout);
  // Bodies with a Content-Length are refused by httplib; chunked ones by read_capped_body.
  server.set_payload_max_length(limits.max_body_bytes);
  const std::size_t max_connections = limits.max_connections;
  server.new_task_queue = [max_connections] { return new RequestThreads(max_connections); };
  server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  // httplib would read a chunked body of any other method into memory without a limit; no
  // route of those methods takes a body.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    const bool takes_body = req.method == "POST" || req.method == "PUT" ||
                            req.method == "DELETE" || req.method == "PATCH";
    if (takes_body || !req.has_header("Transfer-Encoding")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    write_error(res, 400, "InvalidRequestContentException", req.method + " requests take no body");
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Failures httplib answers itself (oversized body, unsupported method) get the AWS error shape.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      write_error(res, 413, "RequestTooLargeException",
                  "Request must be smaller than the maximum body size");
    } else if (res.status == 404 || res.status == 405) {
      write_error(res, res.status, "UnknownOperationException",
                  "Unknown operation: " + req.method + " " + req.path);
    } else {
      write_error(res, res.status, "InvalidRequestContentException",
                  "The request could not be read (HTTP " + std::to_string(res.status) + ")");
      // Headers that stopped arriving (read timeout) or could not be parsed: what follows on
      // the connection is not a request, so the client is told to go.
      res.set_header("Connection", "close");
    }
  });
}

void widen_listen_backlog(int listen_fd, int backlog) {
  if (listen_fd < 0 || ::listen(listen_fd, backlog) != 0) {
    spdlog::warn("HttpServer: could not raise the listen backlog to {}", backlog);
  }
}

}  // namespace durable::emulator::http
