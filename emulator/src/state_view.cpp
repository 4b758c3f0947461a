#include "state_view.hpp"

#include <algorithm>

#include "tokens.hpp"

namespace durable::emulator::detail {
namespace {

bool hides_children(const Operation& op) {
  if (op.type != OperationType::Context) return false;
  if (op.status != OperationStatus::Succeeded && op.status != OperationStatus::Failed) return false;
  return !(op.context_details && op.context_details->replay_children.value_or(false));
}

}  // namespace

std::vector<const Operation*> visible_operations(const OperationStore& store) {
  // A parent is always created before its children (validation requires it), so one pass in
  // creation order settles every operation from its parent's verdict.
  std::vector<char> hidden(store.size(), 0);
  std::vector<const Operation*> out;
  out.reserve(store.size());
  for (std::size_t i = 0; i < store.size(); ++i) {
    const Operation& op = store.at(i).op;
    if (op.parent_id) {
      if (const OpRecord* parent = store.find(*op.parent_id)) {
        if (hidden[parent->index] || hides_children(parent->op)) hidden[i] = 1;
      }
    }
    if (!hidden[i]) out.push_back(&op);
  }
  return out;
}

namespace {

// Whether an ancestor of the operation at position `index` hides its children (which hides
// every descendant). Parents are created before their children, so the walk only goes to
// smaller positions and ends.
bool hidden_at(const OperationStore& store, std::size_t index) {
  const OpRecord* rec = &store.at(index);
  while (rec->op.parent_id) {
    const OpRecord* parent = store.find(*rec->op.parent_id);
    if (parent == nullptr || parent->index >= rec->index) return false;
    if (hides_children(parent->op)) return true;
    rec = parent;
  }
  return false;
}

}  // namespace

StatePage page_state(const OperationStore& store, std::size_t start, std::size_t limit,
                     std::uint64_t sequence) {
  StatePage page;
  std::size_t i = start;
  if (i < store.size()) page.operations.reserve(std::min(limit, store.size() - i));
  for (; i < store.size() && page.operations.size() < limit; ++i) {
    if (!hidden_at(store, i)) page.operations.push_back(store.at(i).op);
  }
  while (i < store.size() && hidden_at(store, i)) ++i;
  if (i < store.size()) page.next_marker = make_state_marker(sequence, i);
  return page;
}

}  // namespace durable::emulator::detail
