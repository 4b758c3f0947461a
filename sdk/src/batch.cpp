// parallel and map: the batch coordinator (DESIGN.md §4 Concurrency, SDK-SEMANTICS.md §5, §11.2).
//
// The coordinator runs on the thread that called parallel/map and owns every branch's record;
// branch threads only report their outcome into their own slot and wake it. All of an
// invocation's SDK code runs under ExecutionState::sdk_mutex(), which step bodies release, so
// the state, the checkpoint queue and the contexts' counters need no locks of their own.
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <thread>

#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"

namespace durable {
namespace {

enum class Outcome { Running, Succeeded, Failed, Suspended, Stopped, Fatal };

struct Slot {
  std::thread thread;
  std::stop_source stop;
  Outcome outcome = Outcome::Running;
  std::string operation_id;
  std::optional<std::string> payload;
  std::optional<ErrorObject> error;
  std::exception_ptr fatal;
};

void validate_spec(const detail::BatchSpec& spec) {
  const std::size_t n = spec.item_names.size();
  if (spec.max_concurrency && *spec.max_concurrency == 0) {
    throw ValidationError("max_concurrency must be at least 1 (or unset for no limit), got 0");
  }
  const CompletionConfig& c = spec.completion;
  if (c.min_successful && (*c.min_successful == 0 || *c.min_successful > n)) {
    throw ValidationError("completion_config.min_successful must be between 1 and the item count " +
                          std::to_string(n) + ", got " + std::to_string(*c.min_successful));
  }
  if (c.tolerated_failure_percentage &&
      !(*c.tolerated_failure_percentage >= 0.0 && *c.tolerated_failure_percentage <= 100.0)) {
    throw ValidationError("completion_config.tolerated_failure_percentage must be between 0 and "
                          "100, got " + std::to_string(*c.tolerated_failure_percentage));
  }
  for (const auto& item_name : spec.item_names) detail::validate_name(item_name);
}

bool tolerance_exceeded(const CompletionConfig& c, std::size_t failed, std::size_t total) {
  if (c.empty()) return failed > 0;
  if (c.tolerated_failure_count && failed > *c.tolerated_failure_count) return true;
  if (c.tolerated_failure_percentage && total > 0) {
    const double pct = static_cast<double>(failed) * 100.0 / static_cast<double>(total);
    if (pct > *c.tolerated_failure_percentage) return true;
  }
  return false;
}

}  // namespace

detail::RawResult DurableContext::batch_raw(OperationName name, const detail::BatchSpec& spec,
                                            const detail::ItemBody& body,
                                            const detail::BatchEncoder& encode) {
  state_->enter();
  detail::validate_name(name);
  validate_spec(spec);
  return child_raw(
      std::move(name),
      [&](DurableContext& outer) -> detail::ChildOutput {
        return encode(outer.run_batch_items(spec, body));
      },
      spec.outer_sub_type);
}

detail::RawBatch DurableContext::run_batch_items(const detail::BatchSpec& spec,
                                                 const detail::ItemBody& body) {
  const std::size_t n = spec.item_names.size();
  auto site_of = [&](std::size_t i) {
    return detail::OpSite{operation_id(context_id_, i), detail::normalized(spec.item_names[i])};
  };
  auto item_body = [&body](std::size_t i) {
    return [&body, i](DurableContext& item) -> detail::ChildOutput {
      detail::ChildOutput out;
      out.payload = body(item, i);
      return out;
    };
  };

  detail::RawBatch batch;
  if (pinned_replay_) {
    // Rebuilding a batch whose result was too large to store: the items that finished replay
    // from their checkpoints; the rest were stragglers (STARTED) or never started (omitted).
    std::size_t succeeded = 0;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const detail::OpSite site = site_of(i);
      const Operation* op = state_->find(site.id);
      if (op == nullptr) continue;
      detail::RawBatchItem item{i, BatchItemStatus::Started, std::nullopt, std::nullopt, site.id};
      if (is_terminal(op->status)) {
        try {
          item.payload = child_raw_at(site, item_body(i), spec.item_sub_type, {}).payload;
          item.status = BatchItemStatus::Succeeded;
          ++succeeded;
        } catch (const ChildContextError& e) {
          item.status = BatchItemStatus::Failed;
          item.error = e.error_object();
          ++failed;
        }
      }
      batch.items.push_back(std::move(item));
    }
    if (tolerance_exceeded(spec.completion, failed, n)) {
      batch.reason = CompletionReason::FailureToleranceExceeded;
    } else if (succeeded + failed == n) {
      batch.reason = CompletionReason::AllCompleted;
    } else {
      batch.reason = CompletionReason::MinSuccessfulReached;
    }
    return batch;
  }

  // Take the SDK lock unless this thread already holds it (a branch running a nested batch).
  std::optional<std::unique_lock<std::mutex>> own_lock;
  std::unique_lock<std::mutex>* lock = detail::current_sdk_lock();
  if (lock == nullptr) {
    own_lock.emplace(state_->sdk_mutex());
    lock = &*own_lock;
    detail::current_sdk_lock() = lock;
  }
  struct LockRegistration {
    bool owned;
    ~LockRegistration() {
      if (owned) detail::current_sdk_lock() = nullptr;
    }
  } registration{own_lock.has_value()};

  std::condition_variable changed;
  std::deque<std::size_t> finished;
  std::vector<std::unique_ptr<Slot>> slots(n);
  const std::size_t limit = std::max<std::size_t>(1, spec.max_concurrency.value_or(n));

  auto launch = [&](std::size_t i) {
    slots[i] = std::make_unique<Slot>();
    Slot* slot = slots[i].get();
    slot->operation_id = operation_id(context_id_, i);
    slot->thread = std::thread([this, slot, i, &site_of, &item_body, &spec, &changed, &finished] {
      std::unique_lock<std::mutex> branch_lock(state_->sdk_mutex());
      detail::current_sdk_lock() = &branch_lock;
      detail::BranchScope scope{state_.get(), slot->stop.get_token(), false, nullptr};
      detail::current_branch() = &scope;
      try {
        slot->payload = child_raw_at(site_of(i), item_body(i), spec.item_sub_type, {}).payload;
        slot->outcome = Outcome::Succeeded;
      } catch (const ChildContextError& e) {
        slot->error = e.error_object();
        slot->outcome = Outcome::Failed;
      } catch (const SuspendExecution&) {
        slot->outcome = state_->termination() == detail::Termination::None ? Outcome::Suspended
                                                                           : Outcome::Fatal;
        slot->fatal = std::current_exception();
      } catch (const detail::BranchStopped&) {
        slot->outcome = Outcome::Stopped;
      } catch (...) {
        slot->outcome = Outcome::Fatal;
        slot->fatal = std::current_exception();
      }
      detail::current_branch() = nullptr;
      detail::current_sdk_lock() = nullptr;
      finished.push_back(i);
      changed.notify_one();
    });
  };

  std::size_t next = 0;
  std::size_t running = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::size_t suspended = 0;
  std::optional<CompletionReason> decided;
  std::exception_ptr fatal;
  auto stop_running = [&] {
    for (auto& slot : slots) {
      if (slot && slot->outcome == Outcome::Running) slot->stop.request_stop();
    }
  };

  while (true) {
    while (!decided && !fatal && next < n && running < limit) {
      launch(next++);
      ++running;
    }
    if (running == 0) break;
    changed.wait(*lock, [&] { return !finished.empty(); });
    while (!finished.empty()) {
      Slot& slot = *slots[finished.front()];
      finished.pop_front();
      --running;
      slot.thread.join();
      switch (slot.outcome) {
        case Outcome::Succeeded: ++succeeded; break;
        case Outcome::Failed: ++failed; break;
        case Outcome::Suspended: ++suspended; break;
        case Outcome::Fatal:
          if (!fatal) fatal = slot.fatal;
          break;
        default: break;
      }
      if (decided || fatal) continue;
      if (tolerance_exceeded(spec.completion, failed, n)) {
        decided = CompletionReason::FailureToleranceExceeded;
      } else if (spec.completion.min_successful && succeeded >= *spec.completion.min_successful) {
        decided = CompletionReason::MinSuccessfulReached;
      }
    }
    if (decided || fatal) stop_running();
  }

  if (fatal) {
    state_->rethrow_if_terminated();
    std::rethrow_exception(fatal);
  }
  const bool all_finished = succeeded + failed == n;
  if (!decided && !all_finished) {
    // Every started branch ran until it finished or had to wait; some wait.
    state_->suspend();
  }
  if (decided == CompletionReason::FailureToleranceExceeded) {
    batch.reason = CompletionReason::FailureToleranceExceeded;
  } else if (all_finished) {
    batch.reason = CompletionReason::AllCompleted;
  } else {
    batch.reason = CompletionReason::MinSuccessfulReached;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!slots[i]) continue;
    Slot& slot = *slots[i];
    detail::RawBatchItem item{i, BatchItemStatus::Started, std::nullopt, std::nullopt,
                              slot.operation_id};
    if (slot.outcome == Outcome::Succeeded) {
      item.status = BatchItemStatus::Succeeded;
      item.payload = std::move(slot.payload);
    } else if (slot.outcome == Outcome::Failed) {
      item.status = BatchItemStatus::Failed;
      item.error = std::move(slot.error);
    }
    batch.items.push_back(std::move(item));
  }
  return batch;
}

}  // namespace durable
