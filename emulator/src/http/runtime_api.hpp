// RuntimeApi: the emulator's side of the Lambda Runtime API (/2018-06-01/runtime/...), so a
// handler process built with durable::lambda::run can be one of the emulator's functions.
//
// A runtime function is a DurableFunction that queues its invocation envelope here and blocks
// until an external process takes it from /next and answers on /response or /error, or until the
// function timeout passes (real time: Lambda's timeout is wall-clock even when the service's
// clock is virtual). All runtime functions of one server share a single queue, as one Lambda
// sandbox serves one function; a test that needs two functions runs two servers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "durable/emulator/function_registry.hpp"

namespace durable::emulator::http {

// What a Runtime API route answers: status and a JSON body, plus the /next headers.
struct RuntimeReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

class RuntimeApi {
 public:
  RuntimeApi() = default;
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;

  // The DurableFunction registered for runtime function `name`: each call queues the envelope
  // and waits for its answer. It returns the output posted on /response, and throws
  // std::runtime_error for an /error post ("<errorType>: <errorMessage>"), for a response that is
  // not a durable invocation output, when `timeout` passes without an answer ("Task timed out
  // after N seconds", as Lambda says it) and when the API shuts down. `timeout` must be > 0.
  // The function holds `api` weakly: called after the API is destroyed (its registry outlived
  // the HttpServer), it throws std::runtime_error saying so.
  static DurableFunction function_for(const std::shared_ptr<RuntimeApi>& api,
                                      const std::string& name, std::chrono::milliseconds timeout);

  // GET /invocation/next: blocks until an invocation is queued (204 with an empty body after
  // `max_wait`, 503 once shut down so a poller stops). On 200 the body is the envelope and the
  // headers carry Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn and
  // -Trace-Id. Any request thread.
  // `new_poll` is true for the first wait of a /next request (false for its later slices): one
  // queue is one sandbox, whose runtime answers an invocation before asking for the next, so an
  // invocation still taken when a new /next arrives belonged to a process that died; it fails
  // with "Runtime.ExitError" (the service then retries it) instead of waiting for its timeout.
  RuntimeReply next(std::chrono::milliseconds max_wait, bool new_poll = true);
  // POST /invocation/{id}/response and /invocation/{id}/error: 202 when accepted; 404
  // InvalidRequestID for an id never handed out; 400 InvalidStateTransition when the invocation
  // was already answered or timed out. `error_type` is the Lambda-Runtime-Function-Error-Type
  // header (may be empty); an /error body that is not JSON is still accepted, as its text.
  RuntimeReply respond(const std::string& request_id, const std::string& body);
  RuntimeReply fail(const std::string& request_id, const std::string& body,
                    const std::string& error_type);
  // POST /init/error: the process could not start. Recorded (init_errors()) and answered 202;
  // queued invocations stay queued for a process that starts properly.
  RuntimeReply init_error(const std::string& body, const std::string& error_type);

  // Wakes every waiter: /next answers 503, waiting invocations fail. Idempotent; any thread.
  void shutdown();

  // Init errors posted so far, as "<errorType>: <errorMessage>" (tests and logs).
  std::deque<std::string> init_errors() const;
  // Invocations queued and not yet taken by /next.
  std::size_t queued() const;

 private:
  // One call of a runtime function: queue the envelope, wait for the answer or the timeout.
  DurableExecutionInvocationOutput invoke(const std::string& name,
                                          std::chrono::milliseconds timeout,
                                          const DurableExecutionInvocationInput& input);

  enum class State { kQueued, kTaken, kAnswered, kTimedOut };
  struct Invocation {
    std::string id;
    std::string function_name;
    std::string envelope;
    std::chrono::system_clock::time_point deadline;
    State state = State::kQueued;
    std::optional<std::string> response;
    std::optional<std::string> error;  // "<errorType>: <errorMessage>"
  };

  RuntimeReply answer(const std::string& request_id, std::optional<std::string> response,
                      std::optional<std::string> error);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool shut_down_ = false;
  std::uint64_t next_id_ = 0;
  std::deque<std::shared_ptr<Invocation>> queue_;
  std::map<std::string, std::shared_ptr<Invocation>> by_id_;
  // Handed out by /next and not answered or timed out yet (normally one).
  std::vector<std::shared_ptr<Invocation>> taken_;
  std::deque<std::string> init_errors_;
};

}  // namespace durable::emulator::http
