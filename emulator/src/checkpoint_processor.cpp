#include "checkpoint_processor.hpp"

#include <string>
#include <unordered_map>

namespace durable::emulator::detail {
namespace {

constexpr std::size_t kMaxErrorBytes = 32768;

OpView view_of(const Operation& op) {
  return OpView{op.type, op.status, op.sub_type, op.name, op.parent_id};
}

void validate_execution_updates(const std::vector<OperationUpdate>& updates) {
  std::size_t count = 0;
  for (const auto& u : updates) {
    if (u.type == OperationType::Execution) ++count;
  }
  if (count > 1) reject("Cannot checkpoint multiple EXECUTION updates.");
  for (std::size_t i = 0; i + 1 < updates.size(); ++i) {
    if (updates[i].type == OperationType::Execution) {
      reject("EXECUTION checkpoint must be the last update.");
    }
  }
}

// Ids used twice (except START followed by one non-START for STEP/CONTEXT) and parents that are
// neither a stored CONTEXT nor one STARTed earlier in the batch.
void validate_ids_and_parents(const ExecutionRecord& exec,
                              const std::vector<OperationUpdate>& updates) {
  struct Seen {
    int count = 0;
    OperationAction first_action = OperationAction::Start;
    OperationType type = OperationType::Step;
  };
  std::unordered_map<std::string, Seen> seen;
  for (const auto& u : updates) {
    if (u.type == OperationType::Execution) continue;
    auto [it, fresh] = seen.try_emplace(u.id, Seen{0, u.action, u.type});
    Seen& s = it->second;
    if (!fresh) {
      bool pair_allowed = s.count == 1 && s.first_action == OperationAction::Start &&
                          u.action != OperationAction::Start && u.type == s.type &&
                          (u.type == OperationType::Step || u.type == OperationType::Context);
      if (!pair_allowed) reject("Cannot checkpoint multiple operations with the same ID.");
    }
    ++s.count;
    if (u.parent_id) {
      bool ok = false;
      if (const OpRecord* parent = exec.ops.find(*u.parent_id)) {
        ok = parent->op.type == OperationType::Context;
      }
      if (!ok && *u.parent_id != u.id) {
        auto p = seen.find(*u.parent_id);
        ok = p != seen.end() && p->second.type == OperationType::Context &&
             p->second.first_action == OperationAction::Start;
      }
      if (!ok) reject("Invalid parent operation id.");
    }
  }
}

void validate_consistency(const OperationUpdate& u, const OpView& current) {
  if (u.type != current.type) reject("Inconsistent operation type.");
  if (u.sub_type && u.sub_type != current.sub_type) reject("Inconsistent operation subtype.");
  if (u.name && u.name != current.name) reject("Inconsistent operation name.");
  if (u.parent_id && u.parent_id != current.parent_id) {
    reject("Inconsistent parent operation id.");
  }
}

void validate_error_size(const OperationUpdate& u) {
  if (!u.error) return;
  Json j = *u.error;
  if (j.dump().size() >= kMaxErrorBytes) {
    reject("Error object size must be less than 32768 bytes.");
  }
}

}  // namespace

void validate_batch(const ExecutionRecord& exec, const std::vector<OperationUpdate>& updates) {
  validate_execution_updates(updates);
  validate_ids_and_parents(exec, updates);
  // What earlier updates of this batch will have made of an operation.
  std::unordered_map<std::string, OpView> overlay;
  for (const auto& u : updates) {
    const OpView* current = nullptr;
    OpView stored;
    if (u.type != OperationType::Execution) {
      if (auto it = overlay.find(u.id); it != overlay.end()) {
        current = &it->second;
      } else if (const OpRecord* rec = exec.ops.find(u.id)) {
        stored = view_of(rec->op);
        current = &stored;
      }
      if (current != nullptr) validate_consistency(u, *current);
    }
    validate_error_size(u);
    processor_for(u.type).validate(u, current);
    if (u.type == OperationType::Execution) continue;
    OpView after = current != nullptr ? *current : OpView{u.type, {}, u.sub_type, u.name,
                                                          u.parent_id};
    after.status = status_after(u);
    overlay[u.id] = std::move(after);
  }
}

void apply_batch(const std::vector<OperationUpdate>& updates, ApplyContext& ctx) {
  for (const auto& u : updates) processor_for(u.type).apply(u, ctx);
}

}  // namespace durable::emulator::detail
