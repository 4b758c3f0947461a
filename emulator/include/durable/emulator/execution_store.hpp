// ExecutionStore: where a Service keeps what must outlive its process — executions, operations,
// history events, timers, token state, invocation records and ClientToken records — so that a
// restarted emulator picks its executions up where they were (README "Keeping executions across
// restarts").
//
// The Service keeps its whole working set in memory and writes every change through the store:
// under its own lock it hands the store a StoreBatch of the records that changed (submit()), and
// after releasing the lock it waits until that batch is durable (wait_durable()) before it
// answers the request. Batches are applied in the order they were submitted; a store may write
// many of them in one transaction (group commit).
//
// What is not stored, on purpose: the secret keys of checkpoint tokens (a token issued before a
// restart must be refused, so the re-invocation wins), injected faults, and the scheduler's ready
// queue (rebuilt from StoredExecution::invocation_wanted). Callback ids are stored on their
// CALLBACK operation (CallbackDetails.CallbackId), which is all that makes them valid.
//
// Threads: submit() and wait_durable() may be called from any thread; load() once, before any
// submit().
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"

namespace durable::emulator {

// A store that cannot be opened, read or written: the message names the file (or store) and
// what is wrong with it.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The invocation in flight when the record was written. After a restart it is lost: the Service
// records it as failed and invokes the execution again.
struct StoredInvocation {
  std::string request_id;
  Timestamp start{};
  friend bool operator==(const StoredInvocation&, const StoredInvocation&) = default;
};

// One execution. The identity fields (arn .. start_timestamp) never change after creation; the
// rest is rewritten whenever the execution changes.
struct StoredExecution {
  std::uint64_t key = 0;  // creation order across the service, never reused
  // True the first time the execution is written: only then are the identity fields set.
  bool is_new = false;

  // Identity (written once).
  std::string arn;
  std::string name;
  std::string execution_op_id;
  std::string function_name;
  std::string qualifier;
  std::string function_arn;
  std::string input;
  std::int64_t timeout_seconds = 0;
  Timestamp start_timestamp{};

  // State.
  ExecutionStatus status = ExecutionStatus::Running;
  std::optional<Timestamp> end_timestamp;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;
  // The caller when this execution is the durable target of a CHAINED_INVOKE (its end completes
  // the caller's operation parent_op_id); std::nullopt once unlinked.
  std::optional<std::string> parent_arn;
  std::string parent_op_id;
  std::uint64_t token_sequence = 0;  // the checkpoint token sequence (markers depend on it)
  std::uint64_t invocations_started = 0;
  std::uint64_t checkpoint_calls = 0;
  int consecutive_failures = 0;
  // An invocation is due: queued, or a trigger arrived while one was in flight.
  bool invocation_wanted = false;
  std::optional<StoredInvocation> in_flight;
  std::vector<std::string> updated_operation_ids;  // for the next invocation's envelope

  friend bool operator==(const StoredExecution&, const StoredExecution&) = default;
};

// One operation with the service-side facts that are not part of its wire shape.
struct StoredOperation {
  std::uint64_t execution_key = 0;
  std::uint64_t index = 0;  // position in the execution's creation order
  Operation op;
  std::int64_t wait_seconds = 0;
  std::int64_t heartbeat_seconds = 0;
  std::optional<ChainedInvokeOptions> invoke_options;
  std::optional<std::string> invoke_input;
  std::optional<std::int64_t> invoke_times_out_after;

  friend bool operator==(const StoredOperation&, const StoredOperation&) = default;
};

// One history event (EventId inside), appended once and never changed.
struct StoredEvent {
  std::uint64_t execution_key = 0;
  Event event;
  friend bool operator==(const StoredEvent&, const StoredEvent&) = default;
};

// One armed timer. `kind` is the Service's stable name for it ("WaitEnd", "StepRetry",
// "CallbackTimeout", "CallbackHeartbeat", "ExecutionTimeout", "InvocationRetry",
// "InvokeTarget"); `op_id` is empty for execution-level timers.
struct StoredTimer {
  std::uint64_t execution_key = 0;
  std::string kind;
  std::string op_id;
  Timestamp due{};
  friend bool operator==(const StoredTimer&, const StoredTimer&) = default;
};

// The execution's ClientToken idempotency record (PROTOCOL.md §4.2): one per execution.
struct StoredClientToken {
  std::uint64_t execution_key = 0;
  std::string client_token;
  std::string checkpoint_token;
  CheckpointDurableExecutionResponse response;
};

// What changed under one hold of the Service's lock. Applied in this order: executions
// (inserted when is_new, else their state updated), operations (replaced by key and index),
// events (appended), timers (every timer of each execution in timer_executions is replaced by
// those listed for it), client tokens (replaced), then removed_executions (every record of
// those keys deleted).
struct StoreBatch {
  std::vector<StoredExecution> executions;
  std::vector<StoredOperation> operations;
  std::vector<StoredEvent> events;
  std::vector<std::uint64_t> timer_executions;
  std::vector<StoredTimer> timers;
  std::vector<StoredClientToken> client_tokens;
  std::vector<std::uint64_t> removed_executions;
  // The service clock when the batch was made (a virtual clock resumes from the latest) and the
  // next execution key to hand out.
  std::optional<Timestamp> clock_now;
  std::uint64_t next_key = 0;

  bool empty() const {
    return executions.empty() && operations.empty() && events.empty() &&
           timer_executions.empty() && client_tokens.empty() && removed_executions.empty();
  }
};

// Everything a store holds, as load() returns it: executions by key, operations by execution and
// index, events by execution and EventId, timers and client tokens by execution.
struct StoredState {
  std::vector<StoredExecution> executions;
  std::vector<StoredOperation> operations;
  std::vector<StoredEvent> events;
  std::vector<StoredTimer> timers;
  std::vector<StoredClientToken> client_tokens;
  std::optional<Timestamp> clock_now;
  std::uint64_t next_key = 0;
};

// GoogleTest's printers for the records: the type name and the record as compact JSON with
// members named as the fields above (timestamps in epoch milliseconds, the wire types as their
// wire JSON), e.g. StoredTimer{"due":60000,"execution_key":1,"kind":"WaitEnd","op_id":"w1"}.
void PrintTo(const StoredInvocation& record, std::ostream* os);
void PrintTo(const StoredExecution& record, std::ostream* os);
void PrintTo(const StoredOperation& record, std::ostream* os);
void PrintTo(const StoredEvent& record, std::ostream* os);
void PrintTo(const StoredTimer& record, std::ostream* os);
void PrintTo(const StoredClientToken& record, std::ostream* os);

class ExecutionStore {
 public:
  virtual ~ExecutionStore() = default;

  // Everything stored. Throws StoreError when a record cannot be read back (the message names
  // the store, the table and the record).
  virtual StoredState load() = 0;
  // Queues `batch` behind every batch submitted before it and returns its ticket (increasing
  // from 1). Never blocks on I/O: the Service calls it under its lock.
  virtual std::uint64_t submit(StoreBatch batch) = 0;
  // Returns once the batch of `ticket` (and so every earlier one) is durable; at once for 0.
  // Throws StoreError when the store failed to write it (then every later batch fails too).
  virtual void wait_durable(std::uint64_t ticket) = 0;
  // A short description for logs and errors, e.g. "SQLite store /var/tmp/emulator.db".
  virtual std::string describe() const = 0;
};

}  // namespace durable::emulator
