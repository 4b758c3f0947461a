// RuntimeQueue: the invocations of ONE runtime function waiting for, or held by, the handler
// processes that serve it through the Lambda Runtime API (/2018-06-01/runtime/...).
//
// Each poller is a sandbox, as in Lambda: it takes one invocation from /next, answers it on
// /response or /error, then asks for the next. Two pollers of the same function are two
// sandboxes; one never disturbs the invocation the other holds. An invocation held by a sandbox
// ends in exactly one of these ways: its answer, the function timeout (real time, counted from
// the submit), the death of the sandbox's process (reported by the Supervisor, which alone
// knows), or shutdown.
//
// Threads and locks: `mu_` guards every member below it. HTTP request threads call next(),
// respond(), fail() and init_error(); the Dispatcher calls submit(); the Supervisor calls
// sandbox_died(); the queue's own watchdog thread fails invocations past their deadline. The
// completion callback given to submit() is called exactly once, never with `mu_` held, on the
// thread that settled the invocation.
//
// Memory: an invocation's envelope is dropped once a sandbox takes it, its answer is parsed and
// handed to the callback, never kept. Settled request ids are remembered (for the 400 answer to
// a late post) in a bounded ring; older ones answer 404. Init errors are capped in count and
// size.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "durable/emulator/service.hpp"

namespace durable::emulator::http {

// What a Runtime API route answers: status and a JSON body, plus the /next headers.
struct RuntimeReply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
};

// Which sandbox asks: 0 is any poller on the function's shared endpoint (its death cannot be
// observed, so its invocations end by answer or timeout); the Supervisor numbers its processes'
// sandboxes from 1.
using SandboxId = std::uint64_t;
inline constexpr SandboxId kAnonymousSandbox = 0;

// A Lambda request id: 128 bits from OpenSSL's RAND_bytes, formatted as a version-4 UUID.
// Throws std::runtime_error when the CSPRNG fails. Any thread.
std::string make_runtime_request_id();

class RuntimeQueue {
 public:
  using Done = std::function<void(InvocationOutcome)>;

  // Limits of what the queue keeps (see the header comment).
  static constexpr std::size_t kSettledIdsKept = 4096;
  static constexpr std::size_t kInitErrorsKept = 100;
  static constexpr std::size_t kInitErrorBytes = 4096;

  // `timeout` (> 0, else std::invalid_argument) is the function timeout. Starts the watchdog.
  RuntimeQueue(std::string function_name, std::chrono::milliseconds timeout);
  // Shuts down (failing what is left) and joins the watchdog.
  ~RuntimeQueue();
  RuntimeQueue(const RuntimeQueue&) = delete;
  RuntimeQueue& operator=(const RuntimeQueue&) = delete;

  const std::string& function_name() const { return function_name_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Queues `input` for the next /next. `done` gets the handler's output, or an error: the
  // posted /error ("<errorType>: <errorMessage>", ErrorType the posted type), a response that
  // is not an invocation output (Runtime.InvalidResponse), the timeout (Sandbox.Timedout, with
  // Lambda's "Task timed out after N seconds"), the sandbox's death (Runtime.ExitError) or
  // shutdown (Runtime.ExitError). After shutdown `done` is called at once, on this thread.
  void submit(const DurableExecutionInvocationInput& input, Done done);

  // GET /invocation/next for `sandbox`: waits up to `max_wait` for a queued invocation; 204
  // (empty body) when none came, 503 once shut down. On 200 the body is the envelope and the
  // headers carry Lambda-Runtime-Aws-Request-Id, -Deadline-Ms, -Invoked-Function-Arn, -Trace-Id.
  // Never fails an invocation another request took.
  RuntimeReply next(SandboxId sandbox, std::chrono::milliseconds max_wait);
  // POST /invocation/{id}/response and /error: 202 when accepted; 404 InvalidRequestID for an
  // id never handed out (or settled so long ago it is forgotten); 400 InvalidStateTransition
  // for one not taken yet, already answered, timed out or failed. `error_type` is the
  // Lambda-Runtime-Function-Error-Type header (may be empty); an /error body that is not JSON
  // is taken as the message.
  RuntimeReply respond(const std::string& request_id, const std::string& body);
  RuntimeReply fail(const std::string& request_id, const std::string& body,
                    const std::string& error_type);
  // POST /init/error: recorded (truncated to kInitErrorBytes; the oldest dropped beyond
  // kInitErrorsKept) and answered 202. Queued invocations wait for a process that starts.
  RuntimeReply init_error(const std::string& body, const std::string& error_type);

  // The process behind `sandbox` is gone: the invocation it holds fails with
  // Runtime.ExitError naming `why`. Returns how many failed. Any thread.
  std::size_t sandbox_died(SandboxId sandbox, const std::string& why);
  // Fails everything queued or held and answers pollers 503 from now on. Idempotent.
  void shutdown();
  bool is_shut_down() const;

  // Observations for the Supervisor and tests.
  std::size_t queued() const;                    // submitted, not taken
  std::size_t held() const;                      // taken, not settled
  bool holds(SandboxId sandbox) const;           // `sandbox` holds an invocation
  std::size_t remembered_ids() const;            // ids kept for late posts (bounded)
  std::size_t retained_body_bytes() const;       // envelope bytes still kept
  std::deque<std::string> init_errors() const;   // "<errorType>: <errorMessage>", oldest first

 private:
  enum class State { kQueued, kTaken };
  enum class Settled { kAnswered, kTimedOut, kFailed };
  struct Invocation {
    std::string id;
    std::string envelope;      // cleared when taken
    std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
    std::chrono::system_clock::time_point deadline;
    State state = State::kQueued;
    SandboxId sandbox = kAnonymousSandbox;
    Done done;
  };
  using Ptr = std::shared_ptr<Invocation>;

  // Removes `id` from the active set and remembers how it ended; returns its callback. `mu_`.
  Done settle_locked(const std::string& id, Settled how);
  RuntimeReply answer(const std::string& request_id, InvocationOutcome outcome);
  void watchdog();

  const std::string function_name_;
  const std::chrono::milliseconds timeout_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // pollers and the watchdog wait on it
  bool shut_down_ = false;
  std::deque<Ptr> queue_;                      // kQueued, oldest first
  std::unordered_map<std::string, Ptr> active_;  // kQueued and kTaken, by id
  std::unordered_map<std::string, Settled> settled_;
  std::deque<std::string> settled_order_;  // bounds settled_ to kSettledIdsKept
  std::deque<std::string> init_errors_;
  std::thread watchdog_;  // last member: starts after the others exist
};

}  // namespace durable::emulator::http
