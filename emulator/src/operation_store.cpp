#include "operation_store.hpp"

#include <algorithm>

namespace durable::emulator::detail {

OpRecord* OperationStore::find(std::string_view id) { return ops_.find(id); }

const OpRecord* OperationStore::find(std::string_view id) const { return ops_.find(id); }

OpRecord& OperationStore::create(Operation&& op) {
  // Built in place: an Operation moved is a dozen members moved (and destroyed) again.
  const std::size_t h = decltype(ops_)::hash(op.id);
  OpRecord& rec = ops_.emplace_back(h, std::move(op), ops_.size());
  touch(rec);
  return rec;
}

void OperationStore::touch(OpRecord& rec) {
  if (track_unsaved_ && !rec.unsaved) {
    rec.unsaved = true;
    unsaved_.push_back(rec.index);
  }
  if (rec.dirty) return;
  rec.dirty = true;
  changed_.push_back(rec.index);
}

std::vector<Operation> OperationStore::take_changed() {
  std::sort(changed_.begin(), changed_.end());
  std::vector<Operation> out;
  out.reserve(changed_.size());
  for (auto index : changed_) {
    ops_[index].dirty = false;
    out.push_back(ops_[index].op);
  }
  changed_.clear();
  return out;
}

void OperationStore::clear_changed() {
  for (auto index : changed_) ops_[index].dirty = false;
  changed_.clear();
}

std::vector<std::size_t> OperationStore::take_unsaved() {
  for (auto index : unsaved_) ops_[index].unsaved = false;
  std::vector<std::size_t> out;
  out.swap(unsaved_);
  return out;
}

std::vector<Operation> OperationStore::snapshot() const {
  std::vector<Operation> out;
  out.reserve(ops_.size());
  ops_.for_each([&out](const OpRecord& rec) { out.push_back(rec.op); });
  return out;
}

}  // namespace durable::emulator::detail
