// HttpServer: the emulator's Service over HTTP, speaking the Lambda rest-json wire format of the
// durable routes (PROTOCOL.md §4) plus Lambda Invoke, so AWS SDK clients (aws-cli, boto3) and
// the SDK's HTTP CheckpointClient can talk to it as they would to the real service.
//
// A Dispatcher (emulator/src/dispatcher.hpp) runs the invocations the Service asks for:
// invocations of different executions at the same time, in-process functions on a bounded
// worker pool, runtime functions handed to their own Runtime API queue. It fires due timers on
// the Service's clock; with a VirtualClock it skips time to the next timer whenever nothing is
// running or ready.
//
// Runtime functions: each has its own Runtime API endpoint on its own loopback port (as each
// Lambda sandbox has its own AWS_LAMBDA_RUNTIME_API) and its own queue; a poller there is one
// sandbox, which takes one invocation at a time and never disturbs another's. With a command,
// the server starts and supervises the handler processes itself (http/supervisor.hpp).
//
// Threads: httplib's request threads (front end); the dispatcher thread and its workers; one
// watchdog thread per runtime function (timeouts) with its endpoint's request threads; the
// supervisor thread. No lock of this server is held across a handler call.
//
// Front end: every accepted connection is served by a thread of its own for its whole life
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
  // Worker threads running in-process functions (the dispatcher's pool); must be >= 1.
  std::size_t workers = 8;
};

// A runtime function: its invocations are served by handler processes through its own Lambda
// Runtime API endpoint.
struct RuntimeFunctionOptions {
  // Lambda's function timeout (real time from the moment the invocation is queued); > 0.
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};
  // The function's DurableConfig ExecutionTimeout, used by Invoke and by chained invokes that
  // start an execution of it (unset: the service's default, 86400 s); 1..31622400 s.
  std::optional<std::chrono::seconds> execution_timeout;
  // Non-empty: the server starts `/bin/sh -c command` itself once it listens, with Lambda's
  // environment, restarts it when it exits, and starts more (up to `concurrency`) while
  // invocations wait; all stopped by stop(). Empty: processes started by someone else poll the
  // function's endpoint (runtime_api_port()).
  std::string command;
  int concurrency = 1;        // 1..1000 processes at once (with a command)
  int memory_size_mb = 128;   // AWS_LAMBDA_FUNCTION_MEMORY_SIZE, 128..10240
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
  // process but queued on the function's own Lambda Runtime API endpoint (a new loopback port on
  // options.host, listening from this call on: runtime_api_port()), where a handler process
  // started with AWS_LAMBDA_RUNTIME_API=host:port takes them from /next and answers on
  // /invocation/{id}/response or /error. An invocation nobody answers within the timeout fails
  // with "Task timed out" (Sandbox.Timedout); an /error post fails it with the posted error; the
  // death of a supervised process fails the one it held with Runtime.ExitError; the service then
  // retries it as any failed invocation. A poller never fails another poller's invocation.
  // While the server has exactly one runtime function, the main port's /2018-06-01/runtime
  // routes serve it too (compatibility with single-function set-ups).
  // Throws std::invalid_argument for an empty name, a name already added, or options out of
  // range; std::runtime_error when the port cannot be bound. Any thread, before or after start().
  void add_runtime_function(const std::string& name, RuntimeFunctionOptions options);
  void add_runtime_function(const std::string& name,
                            std::chrono::milliseconds timeout = std::chrono::minutes(15),
                            std::optional<std::chrono::seconds> execution_timeout = std::nullopt);
  // The port of `name`'s Runtime API endpoint (on options.host). Throws std::out_of_range for a
  // name that is not a runtime function of this server.
  int runtime_api_port(const std::string& name) const;
  // Names of the runtime functions, in the order added.
  std::vector<std::string> runtime_function_names() const;
  // Live handler process ids the server started for `name` (empty without a command).
  std::vector<int> runtime_process_ids(const std::string& name) const;
  // What handler processes posted to /2018-06-01/runtime/init/error, oldest first per function,
  // each as "<errorType>: <errorMessage>" (at most 100 per function, each cut to 4 KiB).
  std::vector<std::string> runtime_init_errors() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::emulator
