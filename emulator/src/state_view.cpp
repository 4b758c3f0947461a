#include "state_view.hpp"

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

StatePage page_state(const OperationStore& store, std::size_t start, std::size_t limit,
                     std::uint64_t sequence) {
  auto visible = visible_operations(store);
  StatePage page;
  std::size_t end = std::min(visible.size(), start + limit);
  if (start < end) page.operations.reserve(end - start);
  for (std::size_t i = start; i < end; ++i) page.operations.push_back(*visible[i]);
  if (end < visible.size()) page.next_marker = make_state_marker(sequence, end);
  return page;
}

}  // namespace durable::emulator::detail
