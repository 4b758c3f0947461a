// HttpServer: the emulator's Service over HTTP, speaking the Lambda rest-json wire format of the
// durable routes (PROTOCOL.md §4) plus Lambda Invoke, so AWS SDK clients (aws-cli, boto3) and
// the SDK's HTTP CheckpointClient can talk to it as they would to the real service.
//
// A background driver thread runs the invocations the Service asks for (through the
// FunctionRegistry) and fires due timers on the Service's clock; with a VirtualClock it skips
// time to the next timer whenever nothing is left to run.
//
// Threads: every accepted connection is served by a thread of its own for its whole life
// (started on demand, at most HttpServerOptions::max_connections), so idle keep-alive
// connections, slow clients and waiting synchronous Invokes never keep others from being
// answered. Request bodies, text encodings and long polls are bounded at the boundary (README
// "Limits"); bad input is a 4xx, never a 5xx.
//
// Errors: an ApiError becomes its HTTP status with body {"Type": code, "message"|"Message": text}
// (spelled as the API model spells that exception) and header X-Amzn-ErrorType: code.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port, read it back with HttpServer::port()
  // Larger request bodies are refused with 413 RequestTooLargeException.
  std::size_t max_body_bytes = 6 * 1024 * 1024;
  // How long a RequestResponse Invoke waits for its execution to end before answering with only
  // the X-Amz-Durable-Execution-Arn header (202). Lambda caps synchronous invokes at 15 min.
  std::chrono::milliseconds sync_invoke_wait{std::chrono::minutes(15)};
  // Runs invocations and timers on a background thread. Off: the caller drives the Service
  // itself (e.g. with an Executor) and Invoke only starts executions.
  bool run_driver = true;
  // Real clock: the longest the driver sleeps between looks for work it was not told about.
  std::chrono::milliseconds driver_poll{20};

  // Connection limits (README "Limits"). Each open connection is served by a thread of its own
  // for its whole life, started on demand; beyond `max_connections` new connections wait.
  std::size_t max_connections = 512;
  // Requests that may wait at once in a long poll (a synchronous Invoke); more get 429
  // TooManyRequestsException, so long polls can never take every connection thread.
  std::size_t max_long_polls = 256;
  // An idle keep-alive connection is closed after this long; there is no cap on the number of
  // requests per connection.
  std::chrono::seconds keep_alive_timeout{30};
  // A client that sends nothing (headers or body) for this long, or does not take the response
  // for this long, is disconnected.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  // The listen queue of connections not yet accepted.
  int listen_backlog = 512;
};

class HttpServer {
 public:
  // Serves `service`; invocations resolve functions in `registry` (a shared handle, so later
  // registrations are seen). Both must outlive the server. Does not listen until start().
  HttpServer(Service& service, FunctionRegistry registry, HttpServerOptions options = {});
  // Stops the server (as stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port and starts the listener and driver threads; returns once requests are
  // accepted. Throws std::runtime_error naming host and port when the bind fails, and
  // std::logic_error when already started. Logs a warning (spdlog) when the host is not a
  // loopback address: the emulator has no authentication.
  void start();
  // The bound port (the ephemeral one when options.port was 0); 0 before start().
  int port() const;
  // Stops accepting, finishes requests in flight, joins the threads. Idempotent; any thread
  // except a request handler may call it. Pollers blocked on the Runtime API's /next get 503 and
  // a runtime invocation still waiting for its process fails; the Runtime API stays closed.
  void stop();

  // Registers `name` in the registry as a runtime function: its invocations are not run in this
  // process but queued on this server's Lambda Runtime API (/2018-06-01/runtime/...), where a
  // handler process started with AWS_LAMBDA_RUNTIME_API=host:port takes them from /next and
  // answers on /invocation/{id}/response or /error. An invocation nobody answers within
  // `timeout` (real time) fails with "Task timed out"; an /error post fails it with the posted
  // error; the service then retries it as any failed invocation. All runtime functions of one
  // server share one queue (one process serves them). Throws std::invalid_argument for an empty
  // name or a timeout <= 0. Any thread, before or after start().
  // `execution_timeout`: the function's DurableConfig ExecutionTimeout, used by Invoke and by
  // chained invokes that start an execution of it (unset: the service's default, 86400 s); must
  // be 1..31622400 s.
  void add_runtime_function(const std::string& name,
                            std::chrono::milliseconds timeout = std::chrono::minutes(15),
                            std::optional<std::chrono::seconds> execution_timeout = std::nullopt);
  // What handler processes posted to /2018-06-01/runtime/init/error, oldest first, each as
  // "<errorType>: <errorMessage>".
  std::vector<std::string> runtime_init_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::emulator
