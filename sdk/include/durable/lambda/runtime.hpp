// The Lambda custom runtime loop for durable handlers:
//
//   int main() { return durable::lambda::run(process_order); }
//
// run() talks to the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API (host:port): it takes each
// event from GET /2018-06-01/runtime/invocation/next, treats it as a durable invocation envelope,
// runs durable::run_invocation with a CheckpointClient for the durable execution API, and posts
// the invocation output to /invocation/{id}/response. Anything that keeps it from producing an
// output (an envelope that is not one, a retryable service failure that run_invocation rethrows,
// an output Lambda refuses) is posted to /invocation/{id}/error as Lambda's error JSON with the
// Lambda-Runtime-Function-Error-Type header, so the service retries the invocation. Every event
// gets exactly one answer. A failure before the first event (no usable checkpoint client) is
// posted to /init/error.
//
// A handler's own uncaught exception is not an /error: it fails the durable execution, which
// run_invocation reports as a FAILED output on /response (PROTOCOL.md §2).
//
// Each event's Lambda-Runtime-Trace-Id is published in the _X_AMZN_TRACE_ID environment variable
// while its invocation runs, as Lambda's own runtimes do.
//
// Threads: the handler runs on the thread that called run(); the SDK's parallel/map threads are
// joined before run_invocation returns, so no thread outlives an invocation.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "durable/checkpoint_client.hpp"
#include "durable/invocation.hpp"
#include "durable/model/json.hpp"

namespace durable::lambda {

// Builds the CheckpointClient the loop uses for every invocation. Throwing fails the runtime's
// initialisation (reported on /init/error).
using CheckpointClientFactory = std::function<std::unique_ptr<CheckpointClient>()>;

struct RuntimeOptions {
  // host:port of the Runtime API; empty: the AWS_LAMBDA_RUNTIME_API environment variable.
  std::string runtime_api{};
  // Empty: the SDK's HTTP client configured from the environment (AWS_ENDPOINT_URL_LAMBDA or the
  // regional endpoint of AWS_REGION, and the standard AWS credential variables).
  CheckpointClientFactory make_client{};
  // Stop after this many events (tests run the loop in-process); empty: run until /next fails.
  std::optional<std::size_t> max_invocations{};
  // Passed to run_invocation; request_id is replaced per event by Lambda's request id.
  InvocationOptions invocation{};
  // Time allowed to connect to the Runtime API. /next itself has no read timeout: Lambda freezes
  // the process while no event is queued, and the call may legitimately wait for minutes.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
};

// Serves invocations until /next fails or max_invocations events were answered.
// Returns the process exit status: 0 after max_invocations events; 1 when the Runtime API
// address is missing or malformed (nothing can be reported), when initialisation failed (after
// posting /init/error), or when /next could not be read (the runtime is going away).
// Never throws. Call it from one thread only.
int run(const Handler& handler, const RuntimeOptions& options);
int run(const Handler& handler);

// Typed handlers: `Out fn(In event, DurableContext&)` with In and Out convertible from / to JSON
// (nlohmann's from_json / to_json). An event that does not convert fails the execution like any
// exception the handler throws.
template <typename Out, typename In>
  requires(!std::is_same_v<std::decay_t<In>, Json> || !std::is_same_v<Out, Json>)
int run(Out (*handler)(In, DurableContext&), const RuntimeOptions& options = {}) {
  Handler wrapped = [handler](const Json& event, DurableContext& context) -> Json {
    return Json(handler(event.get<std::decay_t<In>>(), context));
  };
  return run(wrapped, options);
}

}  // namespace durable::lambda
