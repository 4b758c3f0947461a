// The SDK's invocation boundary: turns (handler, invocation envelope, CheckpointClient) into the
// invocation output (PROTOCOL.md §2). The Lambda runtime loop and the test harness both call it.
#pragma once

#include <cstddef>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/checkpoint_client.hpp"
#include "durable/logger.hpp"
#include "durable/model/envelope.hpp"
#include "durable/model/json.hpp"
#include "durable/plugin.hpp"

namespace durable {

class DurableContext;

// A durable handler: receives the execution's input event and the root context, returns the
// execution's result.
using Handler = std::function<Json(const Json& event, DurableContext& context)>;

struct InvocationOptions {
  // Where the logger's JSON lines go; empty: stdout.
  LogSink log_sink{};
  // Lines below this level are dropped.
  LogLevel log_level = LogLevel::Info;
  // Lambda request id, added to log lines as `requestId` when set.
  std::optional<std::string> request_id{};
  // Checkpoint batching limits (PROTOCOL.md §4.11): updates per request and bytes of serialized
  // updates per request. A single update larger than max_batch_bytes is sent alone.
  std::size_t max_batch_updates = 250;
  std::size_t max_batch_bytes = 750 * 1024;
  // Background checkpointing: an update queued without a synchronous checkpoint (an
  // at-least-once step's START, a child context's START) is sent by a thread the SDK owns at
  // most this long after it was queued, while user code (a step body) runs; until then it rides
  // with the next synchronous checkpoint, so a short step still costs one request for
  // START+SUCCEED. 100 ms by default: the Python SDK's batcher sends within its
  // max_batch_time_seconds (1 s by default); a shorter window loses less to a crash and is still
  // far longer than a short step body. Zero: no background thread, queued updates wait for the next synchronous
  // checkpoint. Negative: ValidationError.
  std::chrono::milliseconds checkpoint_flush_window{100};
  // Serialized handler results longer than this are checkpointed as EXECUTION SUCCEED and the
  // output carries Result "" (6 MiB − 50 bytes, the Lambda response limit minus the envelope).
  std::size_t max_response_result_bytes = 6 * 1024 * 1024 - 50;
  // Instrumentation plugins (plugin.hpp), called in this order at every hook. Null entries are
  // skipped. Empty: no hook code runs at all.
  std::vector<std::shared_ptr<Plugin>> plugins{};
};

// Runs one invocation of `handler`.
//  * Pages the rest of the initial state with client.get_state (the invocation's token,
//    Marker = NextMarker, MaxItems = 1000) while NextMarker is non-empty.
//  * The event is the EXECUTION operation's InputPayload parsed as JSON ({} when empty); the
//    EXECUTION operation is the one whose Id is the ARN's last '/' segment, else the first one of
//    type EXECUTION.
//  * Returns SUCCEEDED with Result = the returned JSON's text, FAILED with the ErrorObject of an
//    uncaught exception (or of a fatal SDK condition: non-determinism, SerDes failure, a
//    non-retryable checkpoint rejection), or PENDING when the handler suspended. Queued
//    checkpoints are flushed before returning.
//  * Retryable service failures (5xx, 429, stale checkpoint token, transport errors) are
//    rethrown so that the Lambda invocation fails and is retried.
//  * Plugins: on_invocation_start once the state is loaded, on_invocation_end with the final
//    status (RETRY before a retryable failure is rethrown); see plugin.hpp for the other hooks.
// Runs the handler on the calling thread.
DurableExecutionInvocationOutput run_invocation(const Handler& handler,
                                                const DurableExecutionInvocationInput& input,
                                                CheckpointClient& client,
                                                const InvocationOptions& options = {});

// JSON form: `envelope` is the invocation event (a JSON object, or a JSON string holding its
// text). A malformed envelope (unparsable text, not an object, missing DurableExecutionArn or
// CheckpointToken, bad operations) yields FAILED output whose error names the problem.
// Returns the output envelope as JSON.
Json run_invocation(const Handler& handler, const Json& envelope, CheckpointClient& client,
                    const InvocationOptions& options = {});

// Text form for runtimes that hold the raw event body: parse errors become FAILED output too.
std::string run_invocation_text(const Handler& handler, std::string_view envelope_json,
                                CheckpointClient& client, const InvocationOptions& options = {});

}  // namespace durable
