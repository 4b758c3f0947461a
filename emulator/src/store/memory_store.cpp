#include "durable/emulator/memory_store.hpp"

namespace durable::emulator {
namespace {

// Copies the state columns of `from` onto the stored row `to`, keeping its identity.
void update_state(StoredExecution& to, const StoredExecution& from) {
  to.status = from.status;
  to.end_timestamp = from.end_timestamp;
  to.result = from.result;
  to.error = from.error;
  to.parent_arn = from.parent_arn;
  to.parent_op_id = from.parent_op_id;
  to.token_sequence = from.token_sequence;
  to.invocations_started = from.invocations_started;
  to.checkpoint_calls = from.checkpoint_calls;
  to.consecutive_failures = from.consecutive_failures;
  to.invocation_wanted = from.invocation_wanted;
  to.in_flight = from.in_flight;
  to.updated_operation_ids = from.updated_operation_ids;
}

template <class Map>
void erase_execution(Map& map, std::uint64_t key) {
  for (auto it = map.begin(); it != map.end();) {
    if (std::get<0>(it->first) == key) {
      it = map.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

StoredState MemoryStore::load() {
  std::lock_guard lock(mu_);
  StoredState state;
  for (const auto& [key, e] : executions_) {
    StoredExecution copy = e;
    copy.is_new = false;
    state.executions.push_back(std::move(copy));
  }
  for (const auto& [key, op] : operations_) state.operations.push_back(op);
  for (const auto& [key, ev] : events_) state.events.push_back(ev);
  for (const auto& [key, t] : timers_) state.timers.push_back(t);
  for (const auto& [key, c] : client_tokens_) state.client_tokens.push_back(c);
  state.clock_now = clock_now_;
  state.next_key = next_key_;
  return state;
}

std::uint64_t MemoryStore::submit(StoreBatch batch) {
  std::lock_guard lock(mu_);
  for (auto& e : batch.executions) {
    auto it = executions_.find(e.key);
    if (it == executions_.end() || e.is_new) {
      executions_[e.key] = std::move(e);
    } else {
      update_state(it->second, e);
    }
  }
  for (auto& op : batch.operations) {
    operations_[{op.execution_key, op.index}] = std::move(op);
  }
  for (auto& ev : batch.events) {
    events_[{ev.execution_key, ev.event.event_id}] = std::move(ev);
  }
  for (auto key : batch.timer_executions) {
    std::erase_if(timers_, [key](const auto& entry) { return std::get<0>(entry.first) == key; });
  }
  for (auto& t : batch.timers) {
    timers_[{t.execution_key, t.kind, t.op_id}] = std::move(t);
  }
  for (auto& c : batch.client_tokens) client_tokens_[c.execution_key] = std::move(c);
  for (auto key : batch.removed_executions) {
    executions_.erase(key);
    client_tokens_.erase(key);
    erase_execution(operations_, key);
    erase_execution(events_, key);
    erase_execution(timers_, key);
  }
  if (batch.clock_now) clock_now_ = batch.clock_now;
  if (batch.next_key > next_key_) next_key_ = batch.next_key;
  return ++tickets_;
}

std::uint64_t MemoryStore::batches() const {
  std::lock_guard lock(mu_);
  return tickets_;
}

}  // namespace durable::emulator
