// A Service restarted on the store of an earlier one picks its executions up where they were
// (ServiceOptions::store, execution_store.hpp): the same operations, history and timers; open
// callbacks answerable by their ids; in-flight invocations recorded as lost and invoked again;
// tokens of before the restart refused. Run on both stores: MemoryStore (restart = a new Service
// on the same object) and SqliteStore (restart = the file closed and opened again).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "durable/emulator/memory_store.hpp"
#include "durable/emulator/service.hpp"
#include "durable/emulator/sqlite_store.hpp"
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

enum class StoreKind { kMemory, kSqlite };

class StoreRecoveryTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  StoreRecoveryTest() {
    if (GetParam() == StoreKind::kSqlite) {
      std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      for (char& c : test) {
        if (c == '/') c = '_';
      }
      path_ = (std::filesystem::temp_directory_path() /
               ("durable-store-recovery-" + std::to_string(::getpid()) + "-" + test + ".db"))
                  .string();
      remove_files();
    }
    registry_.register_durable_function("target-fn", [](const DurableExecutionInvocationInput&) {
      return DurableExecutionInvocationOutput{};
    });
    open();
  }
  ~StoreRecoveryTest() override {
    service_.reset();
    store_.reset();
    remove_files();
  }

  void remove_files() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove(path_ + suffix, ec);
    }
  }

  // A new Service on the store (the same MemoryStore object, or the SQLite file reopened), on a
  // virtual clock starting at kStartMs: the store moves it to the time it recorded.
  void open(ServiceOptions options = {}) {
    if (GetParam() == StoreKind::kMemory) {
      if (!memory_) memory_ = std::make_shared<MemoryStore>();
      store_ = memory_;
    } else {
      store_ = std::make_shared<SqliteStore>(path_);
    }
    options.store = store_;
    clock_ = std::make_shared<VirtualClock>(at_ms(kStartMs));
    service_ = std::make_unique<Service>(clock_, options);
    service_->set_function_registry(registry_);
  }
  void restart(ServiceOptions options = {}) {
    service_.reset();
    store_.reset();
    open(options);
  }

  std::string start(const std::string& name, const std::string& function = "my-fn") {
    StartExecutionRequest r;
    r.function_name = function;
    r.execution_name = name;
    r.input = "{\"name\":\"" + name + "\"}";
    return service_->start_execution(r).durable_execution_arn;
  }
  PendingInvocation invoke() {
    auto p = service_->take_ready_invocation();
    if (!p) throw std::runtime_error("no invocation ready");
    return *p;
  }
  CheckpointDurableExecutionResponse checkpoint(const std::string& arn, std::string& token,
                                                std::vector<OperationUpdate> updates,
                                                std::optional<std::string> client_token = {}) {
    CheckpointDurableExecutionRequest r{arn, token, std::move(updates), std::move(client_token)};
    auto resp = service_->checkpoint(r);
    if (resp.checkpoint_token) token = *resp.checkpoint_token;
    return resp;
  }
  void complete(const PendingInvocation& p, DurableExecutionInvocationOutput out) {
    service_->complete_invocation(p.durable_execution_arn, p.request_id,
                                  InvocationOutcome{std::move(out), std::nullopt});
  }
  std::vector<Event> history(const std::string& arn) {
    GetDurableExecutionHistoryRequest r;
    r.durable_execution_arn = arn;
    r.include_execution_data = true;
    r.max_items = 1000;
    return service_->get_history(r).events;
  }

  FunctionRegistry registry_;
  std::string path_;
  std::shared_ptr<MemoryStore> memory_;
  std::shared_ptr<ExecutionStore> store_;
  std::shared_ptr<VirtualClock> clock_;
  std::unique_ptr<Service> service_;
};

// The service's history invariants: EventIds 1..n, ExecutionStarted first, at most one terminal
// execution event, every operation's events in time order.
void expect_history_invariants(const std::vector<Event>& events) {
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().event_type, EventType::ExecutionStarted);
  int terminal = 0;
  std::map<std::string, Timestamp> last_seen;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_id, static_cast<std::int64_t>(i + 1));
    const auto t = events[i].event_type;
    if (t == EventType::ExecutionSucceeded || t == EventType::ExecutionFailed ||
        t == EventType::ExecutionTimedOut || t == EventType::ExecutionStopped) {
      ++terminal;
    }
    if (events[i].id) {
      auto [it, fresh] = last_seen.emplace(*events[i].id, events[i].event_timestamp);
      if (!fresh) {
        EXPECT_LE(it->second, events[i].event_timestamp);
        it->second = events[i].event_timestamp;
      }
    }
  }
  EXPECT_LE(terminal, 1);
}

TEST_P(StoreRecoveryTest, RunningExecutionKeepsOperationsHistoryAndTimers) {
  const std::string arn = start("a");
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  checkpoint(arn, token, {step_start("s1"), step_succeed("s1", "\"one\"")});
  checkpoint(arn, token, {wait_start("w1", 30), callback_start("cb1", 3600, 600)});
  complete(inv, output(InvocationStatus::Pending));
  const auto ops_before = service_->operations(arn);
  const auto history_before = history(arn);
  const auto due_before = service_->next_timer_due();
  const auto exec_before = service_->get_execution({arn});
  const auto callbacks_before = service_->callbacks(arn);

  restart();

  EXPECT_EQ(service_->operations(arn), ops_before);
  EXPECT_EQ(history(arn), history_before);
  EXPECT_EQ(service_->next_timer_due(), due_before);
  EXPECT_EQ(service_->get_execution({arn}).status, ExecutionStatus::Running);
  EXPECT_EQ(service_->get_execution({arn}).input_payload, exec_before.input_payload);
  ASSERT_EQ(service_->callbacks(arn).size(), 1u);
  EXPECT_EQ(service_->callbacks(arn)[0].callback_id, callbacks_before[0].callback_id);
  EXPECT_FALSE(service_->has_invocation_work());
  // The name stays taken.
  EXPECT_THROW(start("a"), ApiError);

  // The wait's timer fires at its time and re-invokes.
  clock_->advance_to(*due_before);
  EXPECT_EQ(service_->fire_due_timers(), 1u);
  EXPECT_EQ(service_->operations(arn)[2].status, OperationStatus::Succeeded);
  auto again = invoke();
  EXPECT_EQ(again.input.initial_execution_state.operations.size(), 4u);
  expect_history_invariants(history(arn));
}

TEST_P(StoreRecoveryTest, OpenCallbackIsAnswerableByItsIdAfterRestart) {
  const std::string arn = start("cb");
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  checkpoint(arn, token, {callback_start("cb1")});
  complete(inv, output(InvocationStatus::Pending));
  const std::string id = service_->callbacks(arn).at(0).callback_id;

  restart();

  SendDurableExecutionCallbackSuccessRequest r;
  r.callback_id = id;
  r.result = "\"answer\"";
  service_->send_callback_success(r);
  EXPECT_EQ(service_->operations(arn)[1].status, OperationStatus::Succeeded);
  auto next = invoke();
  ASSERT_TRUE(next.input.updated_operation_ids);
  EXPECT_EQ(*next.input.updated_operation_ids, std::vector<std::string>{"cb1"});
  // A forged id (the right shape, another key) is still refused.
  restart();
  SendDurableExecutionCallbackFailureRequest forged;
  forged.callback_id = id.substr(0, id.size() - 4) + "AAA=";
  EXPECT_THROW(service_->send_callback_failure(forged), ApiError);
}

TEST_P(StoreRecoveryTest, InFlightInvocationIsLostRecordedAndInvokedAgain) {
  const std::string arn = start("inflight");
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  checkpoint(arn, token, {step_start("s1"), step_succeed("s1", "1")});
  const std::string old_token = token;

  restart();

  // The token of before the restart is refused with the service's exact message.
  try {
    std::string t = old_token;
    checkpoint(arn, t, {step_start("s2")});
    ADD_FAILURE() << "old token accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(std::string(e.what()), "Invalid checkpoint token");
  }
  const auto events = history(arn);
  ASSERT_GE(events.size(), 3u);
  const Event& lost = events.back();
  EXPECT_EQ(lost.event_type, EventType::InvocationCompleted);
  const auto& details = std::get<InvocationCompletedDetails>(lost.details);
  EXPECT_EQ(details.request_id, inv.request_id);
  ASSERT_TRUE(details.error && details.error->payload);
  EXPECT_EQ(details.error->payload->error_type, "Runtime.ExitError");

  // Invoked again at once, with the acknowledged step in its state; not counted as a failure.
  ASSERT_TRUE(service_->has_invocation_work());
  auto again = invoke();
  EXPECT_NE(again.request_id, inv.request_id);
  ASSERT_EQ(again.input.initial_execution_state.operations.size(), 2u);
  EXPECT_EQ(again.input.initial_execution_state.operations[1].id, "s1");
  std::string t2 = again.input.checkpoint_token;
  checkpoint(arn, t2, {step_start("s2"), step_succeed("s2", "2")});
  complete(again, output(InvocationStatus::Succeeded, "\"done\""));
  EXPECT_EQ(service_->get_execution({arn}).status, ExecutionStatus::Succeeded);
  expect_history_invariants(history(arn));
}

TEST_P(StoreRecoveryTest, ClientTokenReplayAnswersTheSameAfterRestart) {
  const std::string arn = start("ct");
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  const std::string sent_with = token;
  auto first = checkpoint(arn, token, {step_start("s1")}, "client-token-1");

  restart();

  std::string replay_token = sent_with;
  auto replay = checkpoint(arn, replay_token, {step_start("s1")}, "client-token-1");
  EXPECT_EQ(Json(replay), Json(first));
  EXPECT_EQ(service_->operations(arn).size(), 2u);
}

TEST_P(StoreRecoveryTest, ChainedInvokeTargetStillCompletesItsCaller) {
  const std::string caller = start("caller");
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  checkpoint(caller, token, {invoke_start("call", "target-fn")});
  complete(inv, output(InvocationStatus::Pending));

  restart();

  auto child = invoke();
  EXPECT_NE(child.durable_execution_arn, caller);
  complete(child, output(InvocationStatus::Succeeded, "\"from target\""));
  const auto ops = service_->operations(caller);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[1].status, OperationStatus::Succeeded);
  ASSERT_TRUE(ops[1].chained_invoke_details);
  EXPECT_EQ(ops[1].chained_invoke_details->result, "\"from target\"");
  auto resumed = invoke();
  EXPECT_EQ(resumed.durable_execution_arn, caller);
}

TEST_P(StoreRecoveryTest, FinishedExecutionsStayAndEvictedOnesStayGone) {
  ServiceOptions options;
  options.retain_executions = 1;
  restart(options);
  const std::string first = start("first");
  auto inv1 = invoke();
  complete(inv1, output(InvocationStatus::Succeeded, "1"));
  const std::string second = start("second");
  auto inv2 = invoke();
  complete(inv2, output(InvocationStatus::Failed, std::nullopt, error("E", "no")));

  restart(options);

  EXPECT_THROW(service_->get_execution({first}), ApiError);
  const auto e = service_->get_execution({second});
  EXPECT_EQ(e.status, ExecutionStatus::Failed);
  ASSERT_TRUE(e.error);
  EXPECT_EQ(e.error->error_message, "no");
  EXPECT_EQ(service_->execution_count(), 1u);
  // Its name is free again, as after any eviction.
  EXPECT_NO_THROW(start("first"));
}

TEST_P(StoreRecoveryTest, StepRetryTimerAndExecutionTimeoutSurvive) {
  StartExecutionRequest r;
  r.function_name = "my-fn";
  r.execution_name = "timeouts";
  r.execution_timeout_seconds = 600;
  const std::string arn = service_->start_execution(r).durable_execution_arn;
  auto inv = invoke();
  std::string token = inv.input.checkpoint_token;
  checkpoint(arn, token, {step_start("s1"), step_retry("s1", 60)});
  complete(inv, output(InvocationStatus::Pending));

  restart();

  clock_->advance_to(at_ms(kStartMs + 60'000));
  service_->fire_due_timers();
  EXPECT_EQ(service_->operations(arn)[1].status, OperationStatus::Ready);
  auto again = invoke();
  complete(again, output(InvocationStatus::Pending));
  restart();
  clock_->advance_to(at_ms(kStartMs + 600'000));
  service_->fire_due_timers();
  EXPECT_EQ(service_->get_execution({arn}).status, ExecutionStatus::TimedOut);
  expect_history_invariants(history(arn));
}

TEST_P(StoreRecoveryTest, VirtualClockResumesFromTheStoredTime) {
  start("clock");
  clock_->advance(std::chrono::hours(5));
  auto inv = invoke();  // writes the time with its batch
  (void)inv;
  const auto before = clock_->now();
  restart();
  EXPECT_GE(clock_->now(), before);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreRecoveryTest,
                         ::testing::Values(StoreKind::kMemory, StoreKind::kSqlite),
                         [](const auto& param_info) {
                           return param_info.param == StoreKind::kMemory ? "Memory" : "Sqlite";
                         });

// Without a store nothing is written anywhere; with one, a read-only call submits nothing.
TEST(StoreWrites, ReadsSubmitNoBatch) {
  auto store = std::make_shared<MemoryStore>();
  ServiceOptions options;
  options.store = store;
  Service service(std::make_shared<VirtualClock>(at_ms(kStartMs)), options);
  StartExecutionRequest r;
  r.function_name = "fn";
  const std::string arn = service.start_execution(r).durable_execution_arn;
  const auto batches = store->batches();
  service.get_execution({arn});
  service.operations(arn);
  GetDurableExecutionHistoryRequest h;
  h.durable_execution_arn = arn;
  service.get_history(h);
  EXPECT_EQ(store->batches(), batches);
}

// A store that cannot write: the change is not acknowledged, the caller gets the service's 500
// naming the store's problem (never a crash, never a 200).
class FailingStore final : public ExecutionStore {
 public:
  StoredState load() override { return {}; }
  std::uint64_t submit(StoreBatch) override { return ++tickets_; }
  void wait_durable(std::uint64_t ticket) override {
    if (ticket >= 1) throw StoreError("store /x/y.db: writing failed: disk I/O error");
  }
  std::string describe() const override { return "store /x/y.db"; }

 private:
  std::uint64_t tickets_ = 0;
};

TEST(StoreWrites, FailedWriteIsAServiceErrorNamingTheStore) {
  ServiceOptions options;
  options.store = std::make_shared<FailingStore>();
  Service service(std::make_shared<VirtualClock>(at_ms(kStartMs)), options);
  StartExecutionRequest r;
  r.function_name = "fn";
  try {
    service.start_execution(r);
    ADD_FAILURE() << "start_execution acknowledged a change the store did not keep";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_EQ(e.code(), "ServiceException");
    EXPECT_NE(std::string(e.what()).find("store /x/y.db: writing failed"), std::string::npos);
  }
}

}  // namespace
}  // namespace durable::emulator::testing
