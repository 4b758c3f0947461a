#include "checkpoint_processor.hpp"

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace durable::emulator::detail {
namespace {

constexpr std::size_t kMaxErrorBytes = 32768;

std::optional<std::string_view> view(const std::optional<std::string>& s) {
  return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

OpView view_of(const Operation& op) {
  return OpView{op.type, op.status, view(op.sub_type), view(op.name), view(op.parent_id)};
}

// A request holds a handful of updates, usually one to three: a linear search over views of
// their ids beats hashing copies of them, and the first kInline entries live in the object
// itself, so validating a usual request allocates nothing. Past kLinearLimit entries an index
// by id takes over, so a request of thousands of updates stays linear in its size.
template <class T>
class SmallIdMap {
 public:
  T* find(std::string_view id) {
    if (!index_.empty()) {
      auto it = index_.find(id);
      return it == index_.end() ? nullptr : &at(it->second).second;
    }
    for (std::size_t i = 0; i < size_; ++i) {
      if (at(i).first == id) return &at(i).second;
    }
    return nullptr;
  }
  // The entry for `id`, added as `fresh` when absent; second is true when it was added.
  std::pair<T*, bool> try_emplace(std::string_view id, T fresh) {
    if (T* found = find(id)) return {found, false};
    if (size_ < kInline) {
      inline_[size_] = {id, std::move(fresh)};
    } else {
      more_.emplace_back(id, std::move(fresh));
    }
    ++size_;
    if (!index_.empty()) {
      index_.emplace(id, size_ - 1);
    } else if (size_ > kLinearLimit) {
      for (std::size_t i = 0; i < size_; ++i) index_.emplace(at(i).first, i);
    }
    return {&at(size_ - 1).second, true};
  }

 private:
  static constexpr std::size_t kInline = 4;
  static constexpr std::size_t kLinearLimit = 32;
  std::pair<std::string_view, T>& at(std::size_t i) {
    return i < kInline ? inline_[i] : more_[i - kInline];
  }
  std::array<std::pair<std::string_view, T>, kInline> inline_{};
  std::vector<std::pair<std::string_view, T>> more_;
  std::size_t size_ = 0;
  std::unordered_map<std::string_view, std::size_t> index_;
};

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
  SmallIdMap<Seen> seen;
  for (const auto& u : updates) {
    if (u.type == OperationType::Execution) continue;
    auto [entry, fresh] = seen.try_emplace(u.id, Seen{0, u.action, u.type});
    Seen& s = *entry;
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
        const Seen* p = seen.find(*u.parent_id);
        ok = p != nullptr && p->type == OperationType::Context &&
             p->first_action == OperationAction::Start;
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
  SmallIdMap<OpView> overlay;
  for (const auto& u : updates) {
    const OpView* current = nullptr;
    OpView stored;
    if (u.type != OperationType::Execution) {
      if (const OpView* pending = overlay.find(u.id)) {
        current = pending;
      } else if (const OpRecord* rec = exec.ops.find(u.id)) {
        stored = view_of(rec->op);
        current = &stored;
      }
      if (current != nullptr) validate_consistency(u, *current);
    }
    validate_error_size(u);
    processor_for(u.type).validate(u, current);
    if (u.type == OperationType::Execution) continue;
    OpView after = current != nullptr
                       ? *current
                       : OpView{u.type, {}, view(u.sub_type), view(u.name), view(u.parent_id)};
    after.status = status_after(u);
    *overlay.try_emplace(u.id, after).first = after;
  }
}

void apply_batch(const std::vector<OperationUpdate>& updates, ApplyContext& ctx) {
  for (const auto& u : updates) processor_for(u.type).apply(u, ctx);
}

}  // namespace durable::emulator::detail
