// parallel and map: the batch coordinator (DESIGN.md §4 Concurrency, SDK-SEMANTICS.md §5, §11.2).
//
// The thread that called parallel/map runs items itself, as the batch's first worker. A monitor
// adds workers (up to the concurrency limit) while started items wait and no worker has taken
// one for a while (the workers wait on slow step bodies or requests, or are busy in one long
// item); the call returns once every worker has left. The monitor and the workers are tasks on
// the process-wide WorkerPool (worker_pool.hpp): their threads outlive the batch and serve the
// next one, so a warm process creates no thread per batch or per item group. A batch with a
// limit of one (or a single item) starts no monitor, and the monitor leaves as soon as no item
// can wait for a worker any more. Progress never depends on the pool having a thread free: the
// caller runs every item the workers do not, so nested batches cannot deadlock on a bounded pool.
// Workers run the items, record each outcome in the item's slot and apply the completion rules
// themselves. All of an invocation's SDK code runs under ExecutionState::sdk_mutex(), which step
// bodies and in-flight checkpoint requests release, so the state, the checkpoint queue, the slots
// and the counters need no locks of their own; only the monitor's bookkeeping has a mutex.
//
// The SDK lock: the invocation's thread holds it from execute() on (current_sdk_lock() points at
// that unique_lock), and a batch called there runs its items under that same lock object; a
// branch thread running a nested batch reuses its own the same way. The caller unlocks it only to
// wait for its workers (which take the same mutex), after leaving its item loop, and locks it
// again before it reads the slots, so the batch's state is only touched under the lock.
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"
#include "plugin_dispatcher.hpp"
#include "thread_schedule.hpp"
#include "worker_pool.hpp"

namespace durable {
namespace {

enum class Outcome : unsigned char { Running, Succeeded, Failed, Suspended, Stopped, Fatal };

// An item's outcome, kept small (about 64 bytes) since a batch has one per item: the rare error
// lives on the heap. Items start in index order, so "started" is `index < started_count`, and
// one stop source serves the whole batch (stop_running stops every running item at once).
struct Slot {
  Outcome outcome = Outcome::Running;
  std::optional<std::string> payload;
  std::unique_ptr<ErrorObject> error;
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

// How long a started item may wait while no worker takes any item before the monitor adds a
// worker: kSpawnAfter when no member of the invocation runs SDK code (they all wait in step bodies
// or requests, so nobody would take it soon), kSpawnAfterBusy otherwise (a worker busy in SDK
// code, or between its operations, or preempted; another worker would mostly wait for the SDK
// lock, so on a loaded machine short items would pass the lock between threads at every step).
// Then how often the monitor looks (backing off while nothing needs adding), and how long it
// waits before trying again after the pool had no thread.
constexpr std::chrono::microseconds kSpawnAfter{100};
constexpr std::chrono::microseconds kSpawnAfterBusy{1000};
constexpr std::chrono::microseconds kFirstPoll{100};
constexpr std::chrono::microseconds kLastPoll{2000};
constexpr std::chrono::milliseconds kSpawnRetry{10};

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
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

// The outer context's payload when the BatchResult is too large to store (SDK-SEMANTICS.md §5):
// enough for replay to rebuild the same result from the items' checkpoints.
Json large_result_envelope(const detail::BatchSpec& spec, const detail::RawBatch& batch,
                           const std::optional<std::string>& summary) {
  Json completed = Json::array();
  Json started = Json::array();
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  for (const auto& item : batch.items) {
    if (item.status == BatchItemStatus::Started) {
      started.push_back(item.index);
      continue;
    }
    completed.push_back(item.index);
    (item.status == BatchItemStatus::Succeeded ? succeeded : failed) += 1;
  }
  Json envelope = {
      {"type", spec.outer_sub_type == subtype::kMap ? "MapResult" : "ParallelResult"},
      {"totalCount", spec.item_names.size()},
      {"completionReason", std::string(to_string(batch.reason))},
      {"completedIndexes", std::move(completed)},
      {"startedIndexes", std::move(started)},
      {"startedCount", batch.items.size()},
      {"successCount", succeeded},
      {"failureCount", failed},
      {"status", std::string(to_string(failed > 0 ? BatchStatus::Failed : BatchStatus::Succeeded))}};
  if (summary && !summary->empty()) envelope["summary"] = *summary;
  return envelope;
}

// What a large-result envelope recorded, or nothing when `payload` is not one (a context stored
// before envelopes existed): then the decision is derived again from the items' checkpoints.
struct RecordedBatch {
  CompletionReason reason = CompletionReason::AllCompleted;
  std::vector<std::size_t> completed;
  std::vector<std::size_t> started;
};

std::optional<RecordedBatch> parse_envelope(const std::optional<std::string>& payload) {
  if (!payload) return std::nullopt;
  const Json j = Json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("completionReason") || !j.contains("completedIndexes") ||
      !j.contains("startedIndexes")) {
    return std::nullopt;
  }
  try {
    RecordedBatch out;
    out.reason = completion_reason_from_string(j.at("completionReason").get<std::string>());
    out.completed = j.at("completedIndexes").get<std::vector<std::size_t>>();
    out.started = j.at("startedIndexes").get<std::vector<std::size_t>>();
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

detail::RawResult DurableContext::batch_raw(OperationName name, const detail::BatchSpec& spec,
                                            const detail::ItemBody& body,
                                            const detail::BatchEncoder& encode) {
  enter_operation(spec.outer_sub_type == subtype::kMap ? "map" : "parallel");
  detail::validate_name(name);
  validate_spec(spec);
  return child_raw(
      std::move(name),
      [&](DurableContext& outer) -> detail::ChildOutput {
        const detail::RawBatch batch = outer.run_batch_items(spec, body);
        detail::ChildOutput out = encode(batch);
        if (out.payload && out.payload->size() > detail::kChildResultInlineLimit) {
          out.summary = large_result_envelope(spec, batch, out.summary).dump();
        }
        return out;
      },
      spec.outer_sub_type);
}

detail::RawBatch DurableContext::run_batch_items(const detail::BatchSpec& spec,
                                                 const detail::ItemBody& body) {
  const std::size_t n = spec.item_names.size();
  const bool flat = spec.nesting == NestingType::Flat;
  // Each item's id is hashed once: it is needed to run the item and again for its result.
  std::vector<std::string> ids(n);
  auto site_of = [&](std::size_t i) {
    if (ids[i].empty()) ids[i] = operation_id(context_id_, i);
    return detail::OpSite{ids[i], detail::normalized(spec.item_names[i])};
  };
  // Runs item i in its context and returns its serialized result; a failed item throws
  // ChildContextError carrying its error. Nested: a checkpointed child context (a finished one
  // returns its stored outcome without running). Flat: a virtual context, so the body always
  // runs, replaying whatever it already checkpointed.
  auto run_branch = [&](std::size_t i) -> std::optional<std::string> {
    const detail::OpSite site = site_of(i);
    if (!flat) {
      return child_raw_at(
                 site,
                 [&body, i](DurableContext& item) -> detail::ChildOutput {
                   detail::ChildOutput out;
                   out.payload = body(item, i);
                   return out;
                 },
                 spec.item_sub_type, {})
          .payload;
    }
    const bool replaying =
        pinned_replay_ || state_->existed_at_start(operation_id(site.id, 1));
    DurableContext item(state_, site.id, site.name, replaying);
    item.pinned_replay_ = pinned_replay_;
    // A flat branch has no operation of its own, but its body is user code like a nested one's.
    detail::UserFunctionRun run(*state_, site.id, OperationType::Context, spec.item_sub_type,
                                site.name, context_id_, std::nullopt, replaying);
    try {
      std::optional<std::string> payload = body(item, i);
      run.succeeded();
      return payload;
    } catch (...) {
      // Suspension, a stopped straggler or a fatal condition pass through unchanged.
      throw ChildContextError(detail::user_code_failed(*state_, run));
    }
  };

  detail::RawBatch batch;
  if (pinned_replay_) {
    // Rebuilding a batch whose result was too large to store. The envelope recorded which
    // items had finished and which were still running when the batch was decided, and the
    // decision itself; finished items replay from their checkpoints.
    const Operation* outer = context_id_ ? state_->find(*context_id_) : nullptr;
    const std::optional<RecordedBatch> recorded = parse_envelope(
        outer && outer->context_details ? outer->context_details->result : std::nullopt);
    std::vector<char> finished(n, 0);
    std::vector<char> running(n, 0);
    if (recorded) {
      for (std::size_t i : recorded->completed) {
        if (i < n) finished[i] = 1;
      }
      for (std::size_t i : recorded->started) {
        if (i < n) running[i] = 1;
      }
    } else if (!flat) {
      for (std::size_t i = 0; i < n; ++i) {
        if (const Operation* op = state_->find(site_of(i).id)) {
          (is_terminal(op->status) ? finished : running)[i] = 1;
        }
      }
    }
    std::size_t succeeded = 0;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!finished[i] && !running[i]) continue;
      detail::RawBatchItem item{i, BatchItemStatus::Started, std::nullopt, std::nullopt,
                                site_of(i).id};
      if (finished[i]) {
        try {
          item.payload = run_branch(i);
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
    if (recorded) {
      batch.reason = recorded->reason;
    } else if (tolerance_exceeded(spec.completion, failed, n)) {
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
  if (lock != nullptr && (lock->mutex() != &state_->sdk_mutex() || !lock->owns_lock())) {
    // Not reachable through the public API (enter_operation rejects other threads and step
    // bodies); running the items without this invocation's lock would race its state.
    throw std::logic_error("parallel/map called on a thread that does not hold its invocation's "
                           "SDK lock");
  }
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

  // Items start in index order with at most `limit` in flight: the first min(limit, n) count as
  // started at once, and each item that ends (or suspends) starts the next one. The calling
  // thread runs them, joined by up to min(limit, n) - 1 workers borrowed from the process's
  // WorkerPool, which a monitor (itself a pool task) adds while started items wait and no worker
  // has taken one for kSpawnAfter (kSpawnAfterBusy while SDK code runs). Short bodies thus run back to back on one thread instead of
  // passing the SDK lock between threads at every step, while slow bodies still overlap.
  const std::size_t limit = std::max<std::size_t>(1, spec.max_concurrency.value_or(n));
  const std::size_t worker_cap = std::min(limit, n);
  std::vector<Slot> slots(n);
  std::size_t started_count = worker_cap;  // items [0, started_count) have started
  std::size_t next = 0;                    // the first started item no worker has taken
  // Stops the items still running once the batch is decided or fails (they see it through their
  // branch scope); no item starts after that.
  std::stop_source batch_stop;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::optional<CompletionReason> decided;
  std::exception_ptr fatal;
  // The monitor's own bookkeeping, guarded by monitor_mutex (taken after the SDK lock, never
  // before it).
  std::mutex monitor_mutex;
  std::condition_variable monitor_wake;
  std::size_t live_workers = 0;  // worker tasks handed to the pool and not yet done
  bool caller_done = false;
  // Read by the monitor without the SDK lock: is a started item waiting for a worker, when did a
  // worker last take one, and may one still wait (false once every item was taken or the batch
  // was decided: the monitor has nothing left to do and leaves).
  std::atomic<bool> work_waiting{worker_cap > 0};
  std::atomic<bool> work_possible{worker_cap > 1};
  std::atomic<std::int64_t> last_take_ns{steady_now_ns()};
  // The kernel id of the thread that took the latest item: the one the monitor asks the
  // scheduler about before it adds a worker.
  std::atomic<long> last_taker_thread{detail::current_thread_id()};
  auto update_work_waiting = [&] {
    work_waiting = !decided && !fatal && next < started_count;
    if (work_possible && (decided || fatal || next == n)) {
      const std::lock_guard<std::mutex> guard(monitor_mutex);
      work_possible = false;
      monitor_wake.notify_one();
    }
  };

  // The branch of this invocation whose code runs this batch, if any: stopping it stops the items.
  detail::BranchScope* const enclosing_scope =
      detail::current_branch() && detail::current_branch()->state == state_.get()
          ? detail::current_branch()
          : nullptr;

  auto stop_running = [&] { batch_stop.request_stop(); };
  // Runs item i on the calling worker, which holds the SDK lock; returns with it held.
  auto run_item = [&](std::size_t i) {
    Slot& slot = slots[i];
    // The calling thread may already run a branch (a nested batch): its scope comes back after.
    detail::BranchScope* const previous_scope = detail::current_branch();
    detail::BranchScope scope{state_.get(), batch_stop.get_token(), false, enclosing_scope};
    if (flat) {
      scope.virtual_id = site_of(i).id;
      scope.virtual_parent = context_id_;
    }
    detail::current_branch() = &scope;
    try {
      slot.payload = run_branch(i);
      slot.outcome = Outcome::Succeeded;
    } catch (const ChildContextError& e) {
      slot.error = std::make_unique<ErrorObject>(e.error_object());
      slot.outcome = Outcome::Failed;
    } catch (const SuspendExecution&) {
      slot.outcome = state_->termination() == detail::Termination::None ? Outcome::Suspended
                                                                         : Outcome::Fatal;
      slot.fatal = std::current_exception();
    } catch (const detail::BranchStopped&) {
      slot.outcome = Outcome::Stopped;
    } catch (...) {
      slot.outcome = Outcome::Fatal;
      slot.fatal = std::current_exception();
    }
    detail::current_branch() = previous_scope;
    switch (slot.outcome) {
      case Outcome::Succeeded:
        ++succeeded;
        break;
      case Outcome::Failed:
        ++failed;
        break;
      case Outcome::Fatal:
        if (!fatal) fatal = slot.fatal;
        break;
      default:
        break;
    }
    if (!decided && !fatal) {
      if (tolerance_exceeded(spec.completion, failed, n)) {
        decided = CompletionReason::FailureToleranceExceeded;
      } else if (spec.completion.min_successful && succeeded >= *spec.completion.min_successful) {
        decided = CompletionReason::MinSuccessfulReached;
      }
    }
    if (decided || fatal) {
      stop_running();
    } else if (started_count < n) {
      // This item's place in flight goes to the next one.
      ++started_count;
    }
  };

  // The calling thread is the first worker (id 0); the monitor numbers the workers it adds.
  constexpr std::size_t caller_id = 0;
  const std::size_t extra_cap = worker_cap > 0 ? worker_cap - 1 : 0;
  // Workers inside their item loop (guarded by the SDK lock): each of them re-checks for
  // started items under the lock before it leaves, so none is left without a worker.
  std::size_t looping_workers = 0;
  std::size_t last_taker = caller_id;  // the id of the worker that took the latest item
  // Runs items on the calling thread, which holds the SDK lock, until none is left for it.
  auto item_loop = [&](std::size_t id) {
    ++looping_workers;
    try {
      while (!decided && !fatal && next < started_count) {
        const std::size_t i = next++;
        last_take_ns = steady_now_ns();
        last_taker = id;
        last_taker_thread = detail::current_thread_id();
        update_work_waiting();
        run_item(i);
        update_work_waiting();
        // A worker retires (back to the pool, a cheap park) while another worker of this batch
        // keeps taking items (short items: the two would only pass the lock back and forth);
        // the monitor adds one again when started items wait and nobody takes them. The caller
        // never retires: it is the one worker the batch always has.
        if (id != caller_id && looping_workers > 1 && last_taker != id &&
            steady_now_ns() - last_take_ns < std::chrono::nanoseconds(kSpawnAfter).count()) {
          break;
        }
      }
    } catch (...) {
      // Only the bookkeeping around an item can throw (run_item catches what items throw),
      // e.g. bad_alloc: the batch cannot go on.
      if (!fatal) fatal = std::current_exception();
      stop_running();
      update_work_waiting();
    }
    --looping_workers;
  };
  // Workers handed to the pool but not yet in their loop: while one is still starting, the
  // monitor does not add another (the lock may simply be busy, and would be for every new one).
  std::atomic<std::size_t> starting_workers{0};
  // A worker task, on a pool thread. Pool threads hold no SDK lock, branch scope or membership
  // between tasks; a task sets them and puts them back before it ends.
  auto worker = [&](std::size_t id) {
    std::unique_lock<std::mutex> worker_lock(state_->sdk_mutex());
    std::unique_lock<std::mutex>* const previous_lock = detail::current_sdk_lock();
    detail::current_sdk_lock() = &worker_lock;
    const auto* previous_membership = state_->member_begin();
    --starting_workers;
    item_loop(id);
    state_->member_end(previous_membership);
    detail::current_sdk_lock() = previous_lock;
    worker_lock.unlock();
    const std::lock_guard<std::mutex> guard(monitor_mutex);
    --live_workers;
    monitor_wake.notify_one();
  };
  detail::WorkerPool& pool = detail::WorkerPool::process();
  detail::WorkerPool::Group group;  // the monitor and the workers, waited for before returning
  std::size_t worker_ids = caller_id;  // monitor only
  // Hands one more worker to the pool (monitor only, not holding monitor_mutex); false when the
  // pool has no thread for it.
  auto spawn = [&]() -> bool {
    const std::size_t id = ++worker_ids;
    state_->workers_launched(1);  // counted as running SDK code from the start
    ++starting_workers;
    {
      const std::lock_guard<std::mutex> guard(monitor_mutex);
      ++live_workers;
    }
    if (pool.run(group, [&worker, id] { worker(id); })) return true;
    --starting_workers;
    {
      const std::lock_guard<std::mutex> guard(monitor_mutex);
      --live_workers;
    }
    const std::lock_guard<std::mutex> sdk(state_->sdk_mutex());
    state_->worker_not_launched();
    return false;
  };
  // The monitor adds workers while started items wait and nobody takes them. It leaves once no
  // item can wait any more (all taken, or the batch decided), or the caller is done with its
  // items and no worker is left; the workers still running finish on their own.
  //
  // Before adding a worker it asks the scheduler about the thread that took the latest item
  // (thread_schedule.hpp): when that thread spent at least half of the time since the previous
  // poll runnable but waiting for a CPU, the stall is the machine's load, not a blocked worker,
  // and another thread would only compete for the same CPUs; the monitor looks again at the
  // next poll, and adds the worker anyway once it held it back for preempted_hold_limit(). A
  // blocked thread (a slow request or body) and a computing one (overlap on another CPU) still
  // get their worker, one poll (kFirstPoll) after the first sign of a stall at most.
  auto monitor = [&] {
    std::unique_lock<std::mutex> guard(monitor_mutex);
    auto poll = kFirstPoll;
    auto next_spawn_attempt = std::chrono::steady_clock::now();
    struct Reading {
      long thread = 0;
      std::int64_t at_ns = 0;
      detail::ScheduleTimes times;
    };
    std::optional<Reading> previous;
    // When the monitor first held a worker back in this stall (steady ns), or -1.
    std::int64_t held_back_since = -1;
    const std::int64_t hold_limit_ns = detail::preempted_hold_limit().count();
    enum class Verdict { Add, FirstReading, OnlyPreempted };
    // Reads the latest taker's times and compares them with the previous reading of the same
    // thread (taken during this stall).
    auto judge = [&](std::int64_t now_ns) {
      const long thread = last_taker_thread;
      const std::optional<detail::ScheduleTimes> times = detail::schedule_times(thread);
      if (!times) {
        previous.reset();
        return Verdict::Add;  // the scheduler cannot tell: add the worker, as without this check
      }
      const Reading current{thread, now_ns, *times};
      const bool comparable = previous && previous->thread == thread && previous->at_ns < now_ns;
      const Reading before = comparable ? *previous : current;
      previous = current;
      if (!comparable) return Verdict::FirstReading;
      if (!detail::mostly_waited_for_cpu(before.times, current.times, now_ns - before.at_ns)) {
        return Verdict::Add;
      }
      if (held_back_since < 0) held_back_since = now_ns;
      return now_ns - held_back_since >= hold_limit_ns ? Verdict::Add : Verdict::OnlyPreempted;
    };
    for (;;) {
      if (!work_possible || (caller_done && live_workers == 0)) break;
      if (live_workers >= extra_cap) {
        monitor_wake.wait(guard);  // no room for another worker until one leaves
        previous.reset();
        continue;
      }
      if (monitor_wake.wait_for(guard, poll) == std::cv_status::no_timeout) continue;
      const auto now = std::chrono::steady_clock::now();
      const std::int64_t now_ns = steady_now_ns();
      const std::int64_t waited = now_ns - last_take_ns;
      const bool stalled =
          work_waiting && (waited >= std::chrono::nanoseconds(kSpawnAfterBusy).count() ||
                           (waited >= std::chrono::nanoseconds(kSpawnAfter).count() &&
                            state_->active_members() == 0));
      if (!stalled) {
        previous.reset();  // readings compare only within one stall
        held_back_since = -1;
      }
      const Verdict verdict =
          stalled && starting_workers == 0 && now >= next_spawn_attempt ? judge(now_ns)
                                                                          : Verdict::OnlyPreempted;
      if (stalled && verdict == Verdict::Add) {
        guard.unlock();
        // Fewer workers than asked for only means less overlap for now; try again later.
        if (!spawn()) next_spawn_attempt = now + kSpawnRetry;
        guard.lock();
        previous.reset();
        held_back_since = -1;
        poll = kFirstPoll;
      } else if (stalled && verdict == Verdict::FirstReading) {
        poll = kFirstPoll;  // the comparison needs a second reading soon
      } else {
        poll = std::min(poll * 2, kLastPoll);
      }
    }
  };

  // With a limit of one there is nothing to add and no monitor: the caller runs every item
  // itself. Without a monitor (the pool had no thread) the batch still runs, on the caller alone.
  if (extra_cap > 0) {
    if (!pool.run(group, [&monitor] { monitor(); })) work_possible = false;
  }
  // The caller takes part in group commit as a worker would (a branch thread running a nested
  // batch already does).
  const bool caller_was_member = state_->is_member();
  const detail::ExecutionState* previous_membership = nullptr;
  if (!caller_was_member) {
    state_->workers_launched(1);
    previous_membership = state_->member_begin();
  }
  item_loop(caller_id);
  if (caller_was_member) {
    state_->member_pause();
  } else {
    state_->member_end(previous_membership);
  }
  lock->unlock();
  {
    const std::lock_guard<std::mutex> guard(monitor_mutex);
    caller_done = true;
    monitor_wake.notify_one();
  }
  pool.wait(group);
  if (caller_was_member) state_->member_resume();
  lock->lock();

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
  batch.items.reserve(started_count);
  for (std::size_t i = 0; i < started_count; ++i) {
    Slot& slot = slots[i];
    site_of(i);  // the ids are not needed after this: each moves into its item
    batch.items.push_back(detail::RawBatchItem{i, BatchItemStatus::Started, std::nullopt,
                                               std::nullopt, std::move(ids[i])});
    detail::RawBatchItem& item = batch.items.back();
    if (slot.outcome == Outcome::Succeeded) {
      item.status = BatchItemStatus::Succeeded;
      item.payload = std::move(slot.payload);
    } else if (slot.outcome == Outcome::Failed) {
      item.status = BatchItemStatus::Failed;
      item.error = std::move(*slot.error);
    }
  }
  return batch;
}

}  // namespace durable
