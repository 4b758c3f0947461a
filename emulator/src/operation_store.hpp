// OperationStore: the operations of one execution in creation order, with O(1) lookup by id and
// a record of which operations changed since the handler last saw them (the checkpoint response
// carries exactly those, PROTOCOL.md §5.1 step 8). Not thread-safe: the Service's lock guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/model/boxed.hpp"
#include "durable/model/id_table.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"

namespace durable::emulator::detail {

struct ExecutionRecord;

// One stored operation plus the service-side facts that are not part of the wire shape.
struct OpRecord {
  Operation op;
  std::size_t index = 0;                 // position in creation order
  std::int64_t wait_seconds = 0;         // WAIT: Duration echoed by WaitSucceeded
  std::int64_t heartbeat_seconds = 0;    // CALLBACK: 0 = no heartbeat timeout
  // CHAINED_INVOKE: the target and input, kept for running the target. Boxed (std::optional's
  // interface) so that the records of all other operations stay small.
  Boxed<ChainedInvokeOptions> invoke_options;
  Boxed<std::string> invoke_input;
  // CHAINED_INVOKE with a durable target: the target's execution (owned by the Service).
  ExecutionRecord* invoke_child = nullptr;
  // CHAINED_INVOKE with a plain target: it was registered to time out after this many seconds.
  std::optional<std::int64_t> invoke_times_out_after;
  bool dirty = false;                    // changed since the handler's last delivery
  bool unsaved = false;                  // changed since the last write to the store
};

class OperationStore {
 public:
  OpRecord* find(std::string_view id);
  const OpRecord* find(std::string_view id) const;
  // Appends `op` (its id must be new) and marks it changed. References stay valid for the
  // store's lifetime (IdTable storage).
  OpRecord& create(Operation&& op);
  // Marks `rec` changed since the last delivery.
  void touch(OpRecord& rec);
  // The changed operations in creation order; forgets them.
  std::vector<Operation> take_changed();
  // Forgets what changed, because the handler is about to receive the full state.
  void clear_changed();

  std::size_t size() const { return ops_.size(); }
  const OpRecord& at(std::size_t index) const { return ops_[index]; }
  OpRecord& at(std::size_t index) { return ops_[index]; }
  std::vector<Operation> snapshot() const;

  // Persistence: from this call on, every created or touched operation is remembered until
  // take_unsaved() (the Service turns this on only when it has a store).
  void track_unsaved() { track_unsaved_ = true; }
  // Indices of the operations changed since the last call, in the order first changed.
  std::vector<std::size_t> take_unsaved();

 private:
  struct RecordKey {
    static std::string_view of(const OpRecord& rec) { return rec.op.id; }
  };
  // Indexed by the records' own ids (an operation's id never changes once created), so each id
  // is stored once; records never move.
  IdTable<OpRecord, RecordKey> ops_;
  std::vector<std::size_t> changed_;
  bool track_unsaved_ = false;
  std::vector<std::size_t> unsaved_;
};

}  // namespace durable::emulator::detail
