#include "execution_state.hpp"

#include <chrono>
#include <stdexcept>

#include "durable/errors.hpp"
#include "error_conversion.hpp"
#include "plugin_dispatcher.hpp"

namespace durable::detail {
namespace {

constexpr std::int64_t kStatePageSize = 1000;
// How long a branch's flush() waits for other branches still running SDK code to queue theirs.
constexpr std::chrono::microseconds kGatherWait{100};

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

// One flusher thread per invocation in flight, kept parked between invocations so a process that
// runs many short ones (a warm Lambda environment, the in-process runner) does not create and
// join a thread for each. Never destroyed: a process that exits while an invocation runs must not
// wait at exit for that invocation's flusher.
WorkerPool& background_flusher_pool() {
  static WorkerPool* pool = new WorkerPool(1024, std::chrono::milliseconds(10000));
  return *pool;
}

BranchScope*& current_branch() {
  thread_local BranchScope* scope = nullptr;
  return scope;
}

const StepBodyMark*& current_step_body() {
  thread_local const StepBodyMark* mark = nullptr;
  return mark;
}

std::unique_lock<std::mutex>*& current_sdk_lock() {
  thread_local std::unique_lock<std::mutex>* lock = nullptr;
  return lock;
}

namespace {
// The ExecutionState whose group commit the calling worker thread takes part in, or null.
const ExecutionState*& current_member_of() {
  thread_local const ExecutionState* state = nullptr;
  return state;
}
}  // namespace

std::optional<std::string> checkpointed_parent(const std::optional<std::string>& parent_id) {
  if (const BranchScope* scope = current_branch();
      scope && scope->virtual_id && parent_id == scope->virtual_id) {
    return scope->virtual_parent;
  }
  return parent_id;
}

std::stop_token current_stop_token() {
  const BranchScope* scope = current_branch();
  return scope ? scope->stop : std::stop_token();
}

bool is_non_retryable(const ApiError& error) {
  const std::string message = error.what();
  if (starts_with(message, "Invalid Checkpoint Token") ||
      starts_with(message, "Invalid checkpoint token")) {
    return false;
  }
  const std::string& code = error.code();
  if (code == "KMSAccessDeniedException" || code == "KMSDisabledException" ||
      code == "KMSInvalidStateException" || code == "KMSNotFoundException") {
    return true;
  }
  return error.http_status() >= 400 && error.http_status() < 500 && error.http_status() != 429;
}

ExecutionState::ExecutionState(std::string execution_arn, std::string checkpoint_token,
                               CheckpointClient& client, const InvocationOptions& options)
    : execution_arn_(std::move(execution_arn)),
      checkpoint_token_(std::move(checkpoint_token)),
      client_(client),
      log_core_(std::make_shared<LogCore>(options.log_sink, options.log_level, execution_arn_,
                                          options.request_id)),
      batcher_(BatchLimits{options.max_batch_updates, options.max_batch_bytes}),
      owner_(std::this_thread::get_id()) {}

ExecutionState::~ExecutionState() {
  std::unique_lock<std::mutex> none;
  stop_background(none);
}

void ExecutionState::load_initial_state(const InitialExecutionState& initial) {
  operations_.reserve(initial.operations.size());
  merge(initial.operations, /*initial=*/true);
  page_state(initial.next_marker, /*initial=*/true);
}

void ExecutionState::page_state(std::optional<std::string> marker, bool initial) {
  while (marker && !marker->empty()) {
    GetDurableExecutionStateRequest request;
    request.durable_execution_arn = execution_arn_;
    request.checkpoint_token = checkpoint_token_;
    request.marker = marker;
    request.max_items = kStatePageSize;
    GetDurableExecutionStateResponse page;
    try {
      page = client_.get_state(request);
    } catch (...) {
      on_service_failure("GetDurableExecutionState");
    }
    // Moved, not copied: a replay of a long execution pages in every operation once.
    merge(std::move(page.operations), initial);
    if (page.next_marker == marker) {
      // A service that hands back the marker it was given would page forever.
      record(Termination::InvocationError,
             std::make_exception_ptr(std::runtime_error(
                 "GetDurableExecutionState returned the same NextMarker it was given")),
             {});
      std::rethrow_exception(sticky_);
    }
    marker = page.next_marker;
  }
}

const Operation* ExecutionState::find(std::string_view id) const {
  const Entry* entry = operations_.find(id);
  return entry == nullptr ? nullptr : &entry->op;
}

void ExecutionState::merge(const std::vector<Operation>& operations, bool initial) {
  for (const auto& op : operations) {
    const std::size_t h = decltype(operations_)::hash(op.id);
    if (Entry* entry = operations_.find(op.id, h)) {
      entry->op = op;  // same id: the record's key is unchanged
      entry->initial = entry->initial || initial;
      continue;
    }
    if (initial && initial_execution_id_.empty() && op.type == OperationType::Execution) {
      initial_execution_id_ = op.id;
    }
    operations_.emplace_back(h, op, initial);
  }
}

void ExecutionState::merge(std::vector<Operation>&& operations, bool initial) {
  for (auto& op : operations) {
    const std::size_t h = decltype(operations_)::hash(op.id);
    if (Entry* entry = operations_.find(op.id, h)) {
      entry->op = std::move(op);  // same id: the record's key is unchanged
      entry->initial = entry->initial || initial;
      continue;
    }
    if (initial && initial_execution_id_.empty() && op.type == OperationType::Execution) {
      initial_execution_id_ = op.id;
    }
    operations_.emplace_back(h, std::move(op), initial);
  }
}

namespace {
// A straggler of a completed batch must not record anything more.
void drop_if_stopped(const ExecutionState* state) {
  if (const BranchScope* scope = current_branch(); scope && scope->state == state) {
    if (scope->stopped()) throw BranchStopped{};
  }
}
}  // namespace

void ExecutionState::enqueue(OperationUpdate&& update) {
  drop_if_stopped(this);
  const bool was_empty = batcher_.empty();
  batcher_.push(std::move(update));
  ++queued_seq_;
  if (was_empty && flush_window_.count() > 0) arm_background();
}

void ExecutionState::arm_background() {
  oldest_queued_ = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> guard(bg_mutex_);
  if (bg_stop_) return;
  if (!flusher_started_) {
    if (!background_flusher_pool().run(flusher_group_, [this] { background_loop(); })) {
      flush_window_ = std::chrono::milliseconds(0);  // no thread: updates wait for the next flush
      return;
    }
    flusher_started_ = true;
  }
  if (!bg_due_) {
    // Asleep without a deadline: wake it. While a deadline is set it re-checks then anyway.
    bg_due_ = oldest_queued_ + flush_window_;
    bg_wake_.notify_one();
  }
}

void ExecutionState::background_loop() {
  std::unique_lock<std::mutex> bg(bg_mutex_);
  while (!bg_stop_) {
    if (!bg_due_) {
      bg_wake_.wait(bg);
      continue;
    }
    if (std::chrono::steady_clock::now() < *bg_due_) {
      bg_wake_.wait_until(bg, *bg_due_);
      continue;
    }
    bg_due_.reset();
    bg.unlock();
    {
      std::unique_lock<std::mutex> sdk(sdk_mutex_);
      current_sdk_lock() = &sdk;
      std::optional<std::chrono::steady_clock::time_point> next_due;
      if (!bg_stopping_ && termination_ != Termination::Failed &&
          termination_ != Termination::InvocationError && !batcher_.empty()) {
        // The queue may have drained and refilled since the deadline was set: only an update
        // that has waited the whole window is due.
        const auto due = oldest_queued_ + flush_window_;
        if (std::chrono::steady_clock::now() < due) {
          next_due = due;
        } else {
          ++background_requests_;
          try {
            flush();
          } catch (...) {
            // Recorded as the invocation's termination; its own thread reports it.
          }
        }
      }
      current_sdk_lock() = nullptr;
      sdk.unlock();
      bg.lock();
      if (next_due && (!bg_due_ || *next_due < *bg_due_)) bg_due_ = next_due;
    }
  }
}

void ExecutionState::stop_background(std::unique_lock<std::mutex>& sdk_lock) {
  bg_stopping_ = true;
  {
    std::lock_guard<std::mutex> guard(bg_mutex_);
    bg_stop_ = true;
    bg_wake_.notify_one();
  }
  if (sdk_lock.owns_lock()) sdk_lock.unlock();
  // Returns at once when no flusher was started (or it already ended).
  background_flusher_pool().wait(flusher_group_);
}

void ExecutionState::checkpoint(OperationUpdate&& update) {
  drop_if_stopped(this);
  batcher_.push(std::move(update));
  ++queued_seq_;
  flush();
}

const ExecutionState* ExecutionState::member_begin() {
  const ExecutionState* previous = current_member_of();
  current_member_of() = this;
  return previous;
}

bool ExecutionState::is_member() const { return current_member_of() == this; }

void ExecutionState::member_end(const ExecutionState* previous) {
  current_member_of() = previous;
  member_pause_counted();
}

void ExecutionState::member_pause() {
  if (current_member_of() == this) member_pause_counted();
}

void ExecutionState::member_pause_counted() {
  // The last active member leaving SDK code must not leave a waiting flush() behind: with no
  // one left to queue more, one waiter sends what is queued.
  if (--active_members_ == 0 && flush_waiters_ > 0 && !flushing_) flush_done_.notify_one();
}

void ExecutionState::member_resume() {
  if (current_member_of() == this) ++active_members_;
}

void ExecutionState::flush() {
  // A request that failed on another thread (the flusher) ended the invocation.
  if (termination_ == Termination::Failed || termination_ == Termination::InvocationError) {
    std::rethrow_exception(sticky_);
  }
  // Group commit: parallel/map branches share one request stream. While one branch's request is
  // in flight (the SDK lock released), the others queue their updates and wait; the next request
  // carries all of them. A branch also holds its request back while other branches are running
  // SDK code, since they are about to queue theirs, but for kGatherWait at most: a branch doing
  // long work between its operations must not delay everyone's request by that long. A caller
  // returns once everything it saw queued is acknowledged.
  const std::uint64_t target = queued_seq_;
  std::unique_lock<std::mutex>* lock = current_sdk_lock();
  const bool member = current_member_of() == this;
  std::optional<std::chrono::steady_clock::time_point> gather_until;
  const auto gathering = [&] {
    if (!member || active_members_ <= 1) return false;
    const auto now = std::chrono::steady_clock::now();
    if (!gather_until) gather_until = now + kGatherWait;
    return now < *gather_until;
  };
  while (acked_seq_ < target) {
    if (flushing_ || gathering()) {
      // Only reachable on a branch thread: another thread holds an unlocked request, or other
      // branches will queue more (the last of them to stop running SDK code wakes one waiter).
      const std::uint64_t generation = wake_generation_;
      if (member) {
        member_pause_counted();
        ++member_flush_waiters_;
      }
      ++flush_waiters_;
      if (flushing_) {
        flush_done_.wait(*lock);
      } else {
        flush_done_.wait_until(*lock, *gather_until);
      }
      --flush_waiters_;
      if (member && wake_generation_ == generation) {
        // Not woken by the end of a request (which counts its waiters active at once, so the
        // first of them to run does not send alone while the others still wake up).
        --member_flush_waiters_;
        ++active_members_;
      }
      if (termination_ == Termination::Failed || termination_ == Termination::InvocationError) {
        std::rethrow_exception(sticky_);
      }
      continue;
    }
    if (execution_completed_) {
      // The service ended the execution; nothing more can be recorded for it.
      batcher_.clear();
      acked_seq_ = queued_seq_;
      return;
    }
    // One request object for the invocation: its ARN and token strings keep their buffers.
    CheckpointDurableExecutionRequest& request = request_;
    if (request.durable_execution_arn != execution_arn_) {
      request.durable_execution_arn = execution_arn_;
    }
    request.checkpoint_token = checkpoint_token_;
    // Filled in place: the vector keeps its capacity from one request to the next.
    batcher_.take_batch(request.updates);
    const std::size_t sent = request.updates.size();
    CheckpointDurableExecutionResponse response;
    {
      // Waiters wake when this request is over, also when it failed (the failure is recorded
      // by then, so they rethrow it).
      struct InFlight {
        ExecutionState& state;
        explicit InFlight(ExecutionState& s) : state(s) { state.flushing_ = true; }
        ~InFlight() {
          state.flushing_ = false;
          state.active_members_ += state.member_flush_waiters_;
          state.member_flush_waiters_ = 0;
          ++state.wake_generation_;
          state.flush_done_.notify_all();
        }
      } in_flight(*this);
      try {
        SdkLockRelease unlocked(*this);
        response = client_.checkpoint(request);
      } catch (...) {
        batcher_.clear();
        acked_seq_ = queued_seq_;
        on_service_failure("CheckpointDurableExecution");
      }
      acked_seq_ += sent;
      if (plugins_) {
        merge(response.new_execution_state.operations);
      } else {
        merge(std::move(response.new_execution_state.operations));
      }
    }
    if (plugins_) plugins_->checkpoint_response(*this, response.new_execution_state.operations);
    request.updates.clear();
    if (response.checkpoint_token) {
      checkpoint_token_ = std::move(*response.checkpoint_token);
      page_state(response.new_execution_state.next_marker, false);
    } else {
      execution_completed_ = true;
    }
  }
}

void ExecutionState::on_service_failure(const char* what_call) {
  try {
    throw;
  } catch (const ApiError& e) {
    if (is_non_retryable(e)) {
      CheckpointError error(e.code(), std::string(what_call) + " failed: " + e.what());
      ErrorObject failure{e.code(), error.what(), std::nullopt, std::nullopt};
      record(Termination::Failed, std::make_exception_ptr(error), std::move(failure));
      std::rethrow_exception(sticky_);
    }
    record(Termination::InvocationError, std::current_exception(), {});
    throw;
  } catch (...) {
    record(Termination::InvocationError, std::current_exception(), {});
    throw;
  }
}

void ExecutionState::record(Termination kind, std::exception_ptr sticky, ErrorObject failure) {
  if (termination_ == Termination::Failed || termination_ == Termination::InvocationError) return;
  termination_ = kind;
  sticky_ = std::move(sticky);
  failure_ = std::move(failure);
}

void ExecutionState::record_misuse(std::exception_ptr error) {
  std::lock_guard<std::mutex> guard(misuse_mutex_);
  if (misuse_) return;
  misuse_ = std::move(error);
  misused_.store(true, std::memory_order_release);
}

void ExecutionState::record_misuse_failure() {
  if (!misused()) return;
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> guard(misuse_mutex_);
    error = misuse_;
  }
  record(Termination::Failed, error, error_object_from(error));
}

void ExecutionState::fail_if_misused() {
  if (!misused()) return;
  record_misuse_failure();
  std::rethrow_exception(sticky_);
}

void ExecutionState::enter() const {
  const BranchScope* scope = current_branch();
  if (std::this_thread::get_id() != owner_ && (scope == nullptr || scope->state != this)) {
    throw std::logic_error(
        "durable SDK called from a thread it does not own: a DurableContext may only be used on "
        "the thread running its handler");
  }
  rethrow_if_terminated();
}

void ExecutionState::rethrow_if_terminated() const {
  if (termination_ != Termination::None) std::rethrow_exception(sticky_);
  if (const BranchScope* scope = current_branch(); scope && scope->state == this) {
    if (scope->suspended) throw SuspendExecution{};
    if (scope->stopped()) throw BranchStopped{};
  }
}

void ExecutionState::suspend() {
  if (BranchScope* scope = current_branch(); scope && scope->state == this) {
    // Only this branch waits; its coordinator decides for the invocation.
    scope->suspended = true;
    throw SuspendExecution{};
  }
  record(Termination::Suspended, std::make_exception_ptr(SuspendExecution{}), {});
  std::rethrow_exception(sticky_);
}

void ExecutionState::fail_serdes(const SerDesError& error) {
  rethrow_if_terminated();
  fail(ErrorObject{"SerDesError", error.what(), std::nullopt, std::nullopt},
       std::current_exception());
}

void ExecutionState::fail(ErrorObject error, std::exception_ptr thrown) {
  record(Termination::Failed, std::move(thrown), std::move(error));
  std::rethrow_exception(sticky_);
}

}  // namespace durable::detail
