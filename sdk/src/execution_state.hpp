// ExecutionState: everything one invocation knows about its execution and shares between all of
// its contexts: the operations (initial state, merged with every checkpoint response), the
// checkpoint token and queue, the logging back end, and how the invocation is ending
// (suspension or a fatal condition), which is sticky.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checkpoint_batcher.hpp"
#include "durable/checkpoint_client.hpp"
#include "durable/errors.hpp"
#include "durable/invocation.hpp"
#include "durable/model/id_table.hpp"
#include "durable/model/operation.hpp"
#include "log_core.hpp"
#include "worker_pool.hpp"

namespace durable::detail {

class PluginDispatcher;

// Thrown through a parallel branch / map item whose batch already completed (early completion):
// it unwinds the straggler without checkpointing anything more. Not a std::exception, so user
// `catch (const std::exception&)` does not swallow it; it is sticky like SuspendExecution.
struct BranchStopped {};

// Per-thread record of the batch item a thread runs (set by the batch coordinator for the
// threads it owns). A branch's suspension is local to it: other branches keep running, and the
// coordinator decides whether the whole invocation suspends.
struct BranchScope {
  const class ExecutionState* state = nullptr;
  std::stop_token stop;
  bool suspended = false;
  // The scope of the branch whose code started this item's batch (a nested batch), or null: a
  // stop of any enclosing branch stops this item too.
  BranchScope* outer = nullptr;
  // Set for a FLAT branch: updates whose ParentId would be the branch's own (virtual, never
  // checkpointed) context id name `virtual_parent`, the batch context, instead.
  std::optional<std::string> virtual_id{};
  std::optional<std::string> virtual_parent{};

  // Whether this branch or one enclosing it was asked to stop.
  bool stopped() const {
    for (const BranchScope* s = this; s != nullptr; s = s->outer) {
      if (s->stop.stop_requested()) return true;
    }
    return false;
  }
};

// A step body (or wait_for_condition check) running on some thread: what the misuse check names
// when a durable operation is called while it runs. Lives on the stack of the operation that runs
// the body; `outer` is the mark the same thread had before (a body running a whole other
// invocation).
struct StepBodyMark {
  const class ExecutionState* state = nullptr;
  const std::string* step_id = nullptr;
  const std::optional<std::string>* step_name = nullptr;
  const StepBodyMark* outer = nullptr;
};

// Why the invocation is ending early; later outcomes only replace weaker ones
// (None < Suspended < Failed/InvocationError).
enum class Termination { None, Suspended, Failed, InvocationError };

class ExecutionState {
 public:
  ExecutionState(std::string execution_arn, std::string checkpoint_token, CheckpointClient& client,
                 const InvocationOptions& options);
  // Joins the background flusher if stop_background() was not reached (an exception).
  ~ExecutionState();
  ExecutionState(const ExecutionState&) = delete;
  ExecutionState& operator=(const ExecutionState&) = delete;

  const std::string& execution_arn() const { return execution_arn_; }
  const std::shared_ptr<LogCore>& log_core() const { return log_core_; }

  // Loads the initial operations and pages the rest with get_state while NextMarker is
  // non-empty. Service failures are classified as for checkpoints (see flush()).
  void load_initial_state(const InitialExecutionState& initial);

  // The current view of an operation, or null.
  const Operation* find(std::string_view id) const;
  // Calls fn(const Operation&) for every known operation, in no particular order.
  template <class Fn>
  void for_each_operation(Fn&& fn) const {
    operations_.for_each([&](const Entry& entry) { fn(entry.op); });
  }
  // The invocation's plugin hooks; null when no plugin is registered (the common case: every
  // hook site tests this pointer and does nothing else).
  PluginDispatcher* plugins() const { return plugins_.get(); }
  void set_plugins(std::shared_ptr<PluginDispatcher> plugins) { plugins_ = std::move(plugins); }
  // Whether the operation was in the state this invocation started with.
  bool existed_at_start(std::string_view id) const {
    const Entry* entry = operations_.find(id);
    return entry != nullptr && entry->initial;
  }
  // The first EXECUTION operation of the state this invocation started with, or null.
  const Operation* initial_execution() const { return find(initial_execution_id_); }

  // Queues an update to ride with the next synchronous checkpoint, or to be sent by the
  // background flusher once it has waited the flush window (whichever comes first).
  // By rvalue reference: an update (over 500 bytes) is moved once, into the queue.
  void enqueue(OperationUpdate&& update);

  // Background checkpointing. The invocation's thread holds the SDK lock whenever it runs SDK
  // code (execute() takes it); it is released only while a step body runs or a request is in
  // flight. The flusher (a task on a process-wide pool of flusher threads, handed one with the
  // first queued update, so back-to-back invocations create no thread each) takes the lock when the
  // oldest queued update has waited `window`, and sends the queue with flush(); so it only ever
  // sends while user code runs, never between an operation's START and the code that follows.
  // stop_background() (call holding the SDK lock) makes the flusher send nothing more, releases
  // the lock, and joins it: the invocation's output goes out after that, so nothing is ever sent
  // after it. A window of zero starts no flusher.
  void set_flush_window(std::chrono::milliseconds window) { flush_window_ = window; }
  void stop_background(std::unique_lock<std::mutex>& sdk_lock);
  // Requests the flusher sent (for tests and benchmarks).
  std::size_t background_requests() const { return background_requests_.load(); }
  // Queues an update and flushes the queue: returns once it is persisted.
  void checkpoint(OperationUpdate&& update);
  // Sends everything queued, in batches, merging each response into the state and rotating the
  // token. A non-retryable ApiError (4xx except 429 and stale-token messages) records a Failed
  // termination and throws CheckpointError; anything else (5xx, 429, stale token, transport)
  // records an InvocationError termination and is rethrown as is.
  // On a parallel/map branch thread the SDK lock is released while a request is in flight, and
  // a caller that finds another thread's request in flight waits for it and then sends what is
  // still queued (its own updates included) in the next request; a failure of the request it
  // waited for is rethrown to it too.
  void flush();

  // The invocation's SDK lock. Branch threads hold it while running SDK code and release it only
  // while a step body runs or a checkpoint request is in flight; a batch coordinator holds it
  // while it starts its workers and releases it while waiting for them. Single-threaded
  // invocations never take it.
  std::mutex& sdk_mutex() { return sdk_mutex_; }

  // Group-commit bookkeeping of the parallel/map worker threads ("members"), called with the SDK
  // lock held except workers_launched() and member_resume(), which only add to atomic counts. A
  // member is active while it runs SDK code or waits for the lock to do so; flush() on a member
  // waits (a little) while other members are active, because each of them is about to queue its
  // own updates (or to leave for a step body), so one request carries them all.
  // `workers_launched(k)`: a coordinator is about to start k workers (active from the start).
  void workers_launched(std::size_t k) { active_members_ += k; }
  // Members running SDK code now (any thread; a batch's monitor reads it without the lock).
  std::size_t active_members() const { return active_members_.load(); }
  // Takes back workers_launched(1) for a worker whose thread could not be created.
  void worker_not_launched() { member_pause_counted(); }
  // The calling worker thread becomes a member (it was counted by workers_launched) / leaves for
  // good as its worker ends. member_begin returns the membership the thread had (another
  // invocation's, when a step body of one runs a whole other invocation), which member_end
  // restores.
  const ExecutionState* member_begin();
  void member_end(const ExecutionState* previous);
  // The calling thread, if it is a member, stops or resumes running SDK code for a while (a
  // step body, a wait for nested workers, a request in flight). No-ops on other threads.
  void member_pause();
  void member_resume();
  // Whether the calling thread is a member (a worker thread of a batch of this invocation).
  bool is_member() const;

  // Entry check of every SDK call: on the owning thread or a branch thread of this invocation,
  // and not after the invocation (or, on a branch thread, the branch) ended.
  void enter() const;
  void rethrow_if_terminated() const;

  // Records suspension and throws SuspendExecution.
  [[noreturn]] void suspend();
  // Records a fatal failure (the invocation answers FAILED with `error`) and throws `thrown`.
  [[noreturn]] void fail(ErrorObject error, std::exception_ptr thrown);
  // User code (a body, a serdes) threw `error`, the exception being handled: a serialization
  // failure is fatal for the invocation, unless the invocation already ended (then that wins).
  [[noreturn]] void fail_serdes(const SerDesError& error);

  // Misuse (a durable operation called while a step body of this invocation runs) may be
  // detected on any thread: the detecting thread records it here (thread-safe, the first one
  // wins) and throws it; the thread running the body fails the execution with it once the body
  // is over (fail_if_misused), and so does the invocation's end.
  void record_misuse(std::exception_ptr error);
  bool misused() const { return misused_.load(std::memory_order_acquire); }
  // Records a Failed termination with the recorded misuse, if any, and throws it; no-op otherwise.
  void fail_if_misused();
  // As fail_if_misused, without throwing (the invocation's end).
  void record_misuse_failure();

  Termination termination() const { return termination_; }
  const ErrorObject& failure() const { return failure_; }
  const std::exception_ptr& sticky_exception() const { return sticky_; }
  // True once a checkpoint response came back without a token (the execution is terminal).
  bool execution_completed() const { return execution_completed_; }

 private:
  // Both mark operations new to the state as initial when `initial` (the state the invocation
  // started with).
  void merge(const std::vector<Operation>& operations, bool initial = false);
  void merge(std::vector<Operation>&& operations, bool initial = false);  // moves them out
  void page_state(std::optional<std::string> marker, bool initial);
  [[noreturn]] void on_service_failure(const char* what_call);
  void record(Termination kind, std::exception_ptr sticky, ErrorObject failure);
  void member_pause_counted();
  void background_loop();
  void arm_background();

  std::string execution_arn_;
  std::string checkpoint_token_;
  // The request flush() fills and sends (one at a time: see flushing_).
  CheckpointDurableExecutionRequest request_;
  CheckpointClient& client_;
  std::shared_ptr<LogCore> log_core_;
  CheckpointBatcher batcher_;
  std::thread::id owner_;
  std::mutex sdk_mutex_;

  // One record per operation, keyed by the operation's own id, so the id is stored once:
  // replaying a long execution keeps one copy of every operation, and this is it. `initial`
  // marks the operations of the state the invocation started with. Records never move, so the
  // pointers find() hands out stay valid while merges add operations.
  struct Entry {
    Operation op;
    bool initial = false;
  };
  struct EntryKey {
    static std::string_view of(const Entry& e) { return e.op.id; }
  };
  IdTable<Entry, EntryKey> operations_;
  std::string initial_execution_id_;

  Termination termination_ = Termination::None;
  std::exception_ptr sticky_;
  ErrorObject failure_;
  bool execution_completed_ = false;
  // Group commit of flush(): updates queued / acknowledged so far, and whether a request is in
  // flight with the SDK lock released (only ever on parallel/map branch threads).
  std::uint64_t queued_seq_ = 0;
  std::uint64_t acked_seq_ = 0;
  bool flushing_ = false;
  std::condition_variable flush_done_;
  // Members running SDK code (see workers_launched), and flush() callers waiting for a request.
  std::atomic<std::size_t> active_members_{0};
  std::size_t flush_waiters_ = 0;
  std::size_t member_flush_waiters_ = 0;  // members among flush_waiters_ not yet counted active
  std::uint64_t wake_generation_ = 0;     // bumped by every end of a request
  std::shared_ptr<PluginDispatcher> plugins_;
  // Background flusher (see stop_background). bg_* are guarded by bg_mutex_; oldest_queued_ by
  // the SDK lock (it is the time the queue last went from empty to non-empty).
  std::chrono::milliseconds flush_window_{0};
  WorkerPool::Group flusher_group_;
  bool flusher_started_ = false;  // bg_mutex_
  std::mutex bg_mutex_;
  std::condition_variable bg_wake_;
  std::optional<std::chrono::steady_clock::time_point> bg_due_;
  bool bg_stop_ = false;
  std::atomic<bool> bg_stopping_{false};
  std::chrono::steady_clock::time_point oldest_queued_{};
  std::atomic<std::size_t> background_requests_{0};
  std::atomic<bool> misused_{false};
  std::mutex misuse_mutex_;
  std::exception_ptr misuse_;
};

// The process-wide pool the invocations' background flushers run on (never destroyed). Any thread.
WorkerPool& background_flusher_pool();

// The innermost step body the calling thread runs, or null.
const StepBodyMark*& current_step_body();

// The BranchScope of the calling thread, or null outside parallel/map threads.
BranchScope*& current_branch();
// The ParentId an operation created under `parent_id` is checkpointed with: the same, except in
// a FLAT branch, whose virtual context id stands for the batch context around it.
std::optional<std::string> checkpointed_parent(const std::optional<std::string>& parent_id);
// The calling thread's lock on an ExecutionState's sdk_mutex, or null when it holds none.
std::unique_lock<std::mutex>*& current_sdk_lock();
// The stop token of the calling thread's branch (a never-stopping token outside branches).
std::stop_token current_stop_token();

// Releases the calling thread's SDK lock for the lifetime of the object (while a step body runs)
// and takes it back afterwards, pausing the thread's group-commit membership meanwhile; does
// nothing when the thread holds no lock.
class SdkLockRelease {
 public:
  explicit SdkLockRelease(ExecutionState& state) : state_(state), lock_(current_sdk_lock()) {
    if (lock_) {
      state_.member_pause();
      lock_->unlock();
    }
  }
  ~SdkLockRelease() {
    if (lock_) {
      // Counted before it blocks on the lock: a flush() deciding whether to wait for more
      // updates must see the threads about to run SDK code.
      state_.member_resume();
      lock_->lock();
    }
  }
  SdkLockRelease(const SdkLockRelease&) = delete;
  SdkLockRelease& operator=(const SdkLockRelease&) = delete;

 private:
  ExecutionState& state_;
  std::unique_lock<std::mutex>* lock_;
};

// True for ApiErrors after which retrying the invocation cannot help (PROTOCOL.md §2.3).
bool is_non_retryable(const ApiError& error);

}  // namespace durable::detail
