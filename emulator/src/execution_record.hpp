// ExecutionRecord: everything the service keeps about one durable execution — its identity and
// status, operations, history, the token of the invocation in flight and its scheduling flags.
// Guarded by the Service's lock; nothing here is thread-safe on its own.
//
// Persistence (only with a store, ServiceOptions::store): whatever changes a record calls
// mark_changed(), which lists it once in the Service's ChangeLog; when the Service lets go of its
// lock it writes the listed records' changes to the store (service.cpp, persist_changes).
// Without a store `persist.log` is null and marking costs one branch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "history.hpp"
#include "operation_store.hpp"

namespace durable::emulator::detail {

struct InvocationInFlight {
  std::string request_id;
  std::string invocation_id;
  // checkpoint_token_prefix(arn, invocation_id, key) with a fresh random key, made at the
  // invocation's first token.
  std::string token_prefix;
  Timestamp start{};
  // Set when a simulated crash (Service::inject_checkpoint_fault) lost this invocation at that
  // checkpoint call: its checkpoints are refused from then on and its output is replaced by a
  // Runtime.ExitError.
  std::optional<std::uint64_t> crashed_at_checkpoint;
  std::string token_head;  // encode_token_head(token_prefix), made with it
};

// The single-slot idempotency cache of §4.2: a retried call with the same ClientToken and the same
// inbound CheckpointToken gets the stored response back.
struct ClientTokenEntry {
  std::string client_token;
  std::string checkpoint_token;
  CheckpointDurableExecutionResponse response;
};

struct ExecutionRecord;

// The records changed since the Service last wrote to its store, each listed once.
using ChangeLog = std::vector<ExecutionRecord*>;

// What the store has of a record, so that only changes are written.
struct PersistState {
  ChangeLog* log = nullptr;   // null: the Service has no store
  bool listed = false;        // in *log
  bool saved = false;         // the identity row exists in the store
  bool timers_unsaved = false;
  bool client_token_unsaved = false;
  std::size_t saved_events = 0;  // history events already in the store
};

struct ExecutionRecord {
  std::uint64_t key = 0;  // creation order across the service; orders timers and listings
  std::string arn;
  std::string name;
  std::string execution_op_id;  // last ARN segment = EXECUTION op Id
  std::string function_name;
  std::string qualifier;
  std::string function_arn;
  std::string input;
  std::int64_t timeout_seconds = 0;
  Timestamp start_timestamp{};
  std::optional<Timestamp> end_timestamp;
  ExecutionStatus status = ExecutionStatus::Running;
  std::optional<std::string> result;
  std::optional<ErrorObject> error;

  OperationStore ops;
  // Its operation events name the operations in `ops` (hence a record never moves).
  History history{&ops};

  ExecutionRecord() = default;
  ExecutionRecord(const ExecutionRecord&) = delete;
  ExecutionRecord& operator=(const ExecutionRecord&) = delete;

  // Token state: the token currently valid (empty when none is) and its sequence number.
  std::uint64_t token_sequence = 0;
  std::string current_token;
  std::optional<InvocationInFlight> in_flight;
  std::uint64_t invocations_started = 0;
  std::optional<ClientTokenEntry> last_client_token;

  // Scheduling.
  bool queued = false;                  // in the scheduler's ready queue
  bool reinvoke_after_current = false;  // a trigger arrived during the invocation in flight
  int consecutive_failures = 0;
  std::vector<std::string> updated_operation_ids;  // for the next envelope
  std::unordered_set<std::string> updated_operation_id_set;

  // Chained invoke: when this execution is the durable target of a CHAINED_INVOKE, the caller and
  // the operation its end completes. Records live as long as the Service, so the pointer stays
  // valid.
  ExecutionRecord* parent = nullptr;
  std::string parent_op_id;
  // A durable target whose first invocation waits for the end of its caller's invocation in
  // flight (Scheduler::request_invocation), and on the caller, the ARNs of those targets.
  bool awaiting_caller = false;
  std::vector<std::string> targets_awaiting_invocation_end;

  // checkpoint() calls received for this execution (1-based count used by the fault hooks).
  std::uint64_t checkpoint_calls = 0;

  PersistState persist;

  // Lists this record for the next write to the store (no-op without a store).
  void mark_changed() {
    if (persist.log != nullptr && !persist.listed) {
      persist.listed = true;
      persist.log->push_back(this);
    }
  }
  void mark_timers_changed() {
    if (persist.log == nullptr) return;
    persist.timers_unsaved = true;
    mark_changed();
  }

  bool terminal() const { return is_terminal(status); }
  void note_updated(const std::string& op_id) {
    if (updated_operation_id_set.insert(op_id).second) updated_operation_ids.push_back(op_id);
  }
};

}  // namespace durable::emulator::detail
