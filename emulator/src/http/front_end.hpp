// The HTTP front end every emulator endpoint shares: how cpp-httplib is set up so that clients
// are served quickly (TCP_NODELAY, keep-alive without a small request cap, a wide listen queue)
// and cannot starve each other (a thread per connection, started on demand and capped; read and
// write timeouts), and how the failures httplib answers itself are worded (the AWS error shape;
// chunked bodies on routes that take none are refused).
//
// Threads: call configure_front_end() before the server listens and widen_listen_backlog() after
// it is bound, from the thread that starts it.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>

namespace durable::emulator::http {

struct FrontEndLimits {
  std::size_t max_connections;             // connection threads at most; later ones wait
  std::chrono::seconds keep_alive_timeout;  // idle keep-alive connections are closed after this
  std::chrono::milliseconds read_timeout;   // a client sending nothing this long is cut off
  std::chrono::milliseconds write_timeout;  // a client taking nothing this long is cut off
  std::size_t max_body_bytes;               // larger Content-Length bodies: 413
};

// Applies `limits` and the settings above to `server`. `listen_fd` receives the listening socket
// when httplib creates it (at bind), for widen_listen_backlog(); it must outlive the bind.
// Bodies sent chunked are not capped here: route them through a content reader
// (read_capped_body in request_guard.hpp).
void configure_front_end(httplib::Server& server, const FrontEndLimits& limits,
                         std::atomic<int>& listen_fd);

// httplib listens with a backlog of 5, so a burst of connections (an SDK opening its pool) sees
// SYNs dropped and retried a second later. Calling listen() again on the bound socket resizes the
// queue on Linux. Logs a warning (spdlog) when it cannot.
void widen_listen_backlog(int listen_fd, int backlog);

}  // namespace durable::emulator::http
