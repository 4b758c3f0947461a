#include "timer_queue.hpp"

#include <algorithm>
#include <utility>

namespace durable::emulator::detail {
namespace {

bool is_operation_timer(TimerKind kind) {
  return kind == TimerKind::kWaitEnd || kind == TimerKind::kStepRetry ||
         kind == TimerKind::kCallbackTimeout || kind == TimerKind::kCallbackHeartbeat;
}

constexpr std::pair<TimerKind, const char*> kKindIds[] = {
    {TimerKind::kWaitEnd, "WaitEnd"},
    {TimerKind::kStepRetry, "StepRetry"},
    {TimerKind::kCallbackTimeout, "CallbackTimeout"},
    {TimerKind::kCallbackHeartbeat, "CallbackHeartbeat"},
    {TimerKind::kExecutionTimeout, "ExecutionTimeout"},
    {TimerKind::kInvocationRetry, "InvocationRetry"},
    {TimerKind::kInvokeTarget, "InvokeTarget"},
};

}  // namespace

const char* timer_kind_id(TimerKind kind) {
  for (const auto& [k, id] : kKindIds) {
    if (k == kind) return id;
  }
  return "Unknown";
}

std::optional<TimerKind> timer_kind_from_id(std::string_view id) {
  for (const auto& [k, name] : kKindIds) {
    if (id == name) return k;
  }
  return std::nullopt;
}

void TimerQueue::arm(ExecutionRecord& exec, TimerKind kind, const std::string& op_id,
                     Timestamp due) {
  cancel(exec, kind, op_id);
  exec.mark_timers_changed();
  auto it = queue_.emplace(due, TimerRef{&exec, kind, op_id, due});
  slots_.emplace(Key{exec.key, kind, op_id}, it);
}

void TimerQueue::cancel(ExecutionRecord& exec, TimerKind kind, const std::string& op_id) {
  auto slot = slots_.find(KeyView{exec.key, kind, op_id});
  if (slot == slots_.end()) return;
  exec.mark_timers_changed();
  queue_.erase(slot->second);
  slots_.erase(slot);
}

void TimerQueue::cancel_all(ExecutionRecord& exec) {
  auto first = slots_.lower_bound(Key{exec.key, TimerKind::kWaitEnd, std::string()});
  auto last = first;
  if (first != slots_.end() && std::get<0>(first->first) == exec.key) exec.mark_timers_changed();
  while (last != slots_.end() && std::get<0>(last->first) == exec.key) {
    queue_.erase(last->second);
    ++last;
  }
  slots_.erase(first, last);
}

std::optional<Timestamp> TimerQueue::next_due() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first;
}

std::vector<TimerRef> TimerQueue::pop_due(Timestamp now) {
  std::vector<TimerRef> out;
  while (!queue_.empty() && queue_.begin()->first <= now) {
    TimerRef ref = queue_.begin()->second;
    ref.exec->mark_timers_changed();
    slots_.erase(Key{ref.exec->key, ref.kind, ref.op_id});
    queue_.erase(queue_.begin());
    out.push_back(std::move(ref));
  }
  return out;
}

std::vector<TimerRef> TimerQueue::pop_due_operation_timers(ExecutionRecord& exec,
                                                           Timestamp now) {
  std::vector<TimerRef> out;
  auto it = slots_.lower_bound(Key{exec.key, TimerKind::kWaitEnd, std::string()});
  while (it != slots_.end() && std::get<0>(it->first) == exec.key) {
    const TimerRef& ref = it->second->second;
    if (is_operation_timer(ref.kind) && ref.due <= now) {
      exec.mark_timers_changed();
      out.push_back(ref);
      queue_.erase(it->second);
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimerRef& a, const TimerRef& b) { return a.due < b.due; });
  return out;
}

std::vector<TimerRef> TimerQueue::armed_for(const ExecutionRecord& exec) const {
  std::vector<TimerRef> out;
  auto it = slots_.lower_bound(Key{exec.key, TimerKind::kWaitEnd, std::string()});
  for (; it != slots_.end() && std::get<0>(it->first) == exec.key; ++it) {
    out.push_back(it->second->second);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimerRef& a, const TimerRef& b) { return a.due < b.due; });
  return out;
}

}  // namespace durable::emulator::detail
