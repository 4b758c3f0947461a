// SqliteStore on its own: every record kind reads back as written (compared with MemoryStore,
// which keeps the records themselves), removal, the schema version check, files that are not a
// store (garbage, truncated, another application's database, a directory) and the lock against
// a second emulator. Every refusal is a StoreError naming the file and what is wrong.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "durable/emulator/memory_store.hpp"
#include "durable/emulator/sqlite_store.hpp"

namespace durable::emulator {
namespace {

Timestamp at_ms(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreTest() {
    path_ = (std::filesystem::temp_directory_path() /
             ("durable-sqlite-store-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    remove_files();
  }
  ~SqliteStoreTest() override { remove_files(); }

  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ec;
      std::filesystem::remove_all(path_ + suffix, ec);
    }
  }

  // The StoreError message of opening the store at path_ ("" when it opened).
  std::string open_error() {
    try {
      SqliteStore store(path_);
      return "";
    } catch (const StoreError& e) {
      return e.what();
    }
  }

  std::string path_;
};

ErrorObject error(const std::string& type, const std::string& message) {
  ErrorObject e;
  e.error_type = type;
  e.error_message = message;
  e.error_data = "{\"k\":1}";
  e.stack_trace = std::vector<std::string>{"at a", "at b"};
  return e;
}

// One batch holding every kind of record, with every optional field set somewhere.
StoreBatch full_batch() {
  StoreBatch b;
  StoredExecution e;
  e.key = 7;
  e.is_new = true;
  e.arn = "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/durable-execution/n/op";
  e.name = "n";
  e.execution_op_id = "op";
  e.function_name = "fn";
  e.qualifier = "$LATEST";
  e.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fn";
  e.input = "{\"x\":\"\xc3\xa9\"}";
  e.timeout_seconds = 900;
  e.start_timestamp = at_ms(1'700'000'000'123);
  e.status = ExecutionStatus::Failed;
  e.end_timestamp = at_ms(1'700'000'100'456);
  e.result = "\"r\"";
  e.error = error("E", "failed");
  e.parent_arn = "arn:parent";
  e.parent_op_id = "p-op";
  e.token_sequence = 12;
  e.invocations_started = 3;
  e.checkpoint_calls = 9;
  e.consecutive_failures = 2;
  e.invocation_wanted = true;
  e.in_flight = StoredInvocation{"req-1", at_ms(1'700'000'050'001)};
  e.updated_operation_ids = {"a", "b"};
  b.executions.push_back(e);

  StoredExecution plain;
  plain.key = 8;
  plain.is_new = true;
  plain.arn = "arn:plain";
  plain.start_timestamp = at_ms(1);
  b.executions.push_back(plain);

  auto add_op = [&](std::uint64_t index, Operation op) {
    StoredOperation s;
    s.execution_key = 7;
    s.index = index;
    s.op = std::move(op);
    b.operations.push_back(std::move(s));
    return &b.operations.back();
  };
  Operation root;
  root.id = "op";
  root.name = "n";
  root.type = OperationType::Execution;
  root.start_timestamp = at_ms(1'700'000'000'123);
  root.execution_details = ExecutionDetails{"{}"};
  add_op(0, root);
  Operation step;
  step.id = "s";
  step.parent_id = "ctx";
  step.name = "step";
  step.sub_type = "Step";
  step.status = OperationStatus::Pending;
  step.start_timestamp = at_ms(1'700'000'000'200);
  step.step_details = StepDetails{2, at_ms(1'700'000'060'000), "\"partial\"", error("R", "retry")};
  add_op(1, step);
  Operation wait;
  wait.id = "w";
  wait.type = OperationType::Wait;
  wait.status = OperationStatus::Succeeded;
  wait.start_timestamp = at_ms(1'700'000'000'300);
  wait.end_timestamp = at_ms(1'700'000'010'300);
  wait.wait_details = WaitDetails{at_ms(1'700'000'010'300)};
  add_op(2, wait)->wait_seconds = 10;
  Operation cb;
  cb.id = "cb";
  cb.type = OperationType::Callback;
  cb.callback_details = CallbackDetails{"cb-id", "\"res\"", std::nullopt};
  cb.start_timestamp = at_ms(5);
  add_op(3, cb)->heartbeat_seconds = 30;
  Operation ctx;
  ctx.id = "ctx";
  ctx.type = OperationType::Context;
  ctx.sub_type = "Map";
  ctx.start_timestamp = at_ms(6);
  ctx.context_details = ContextDetails{true, "[1]", std::nullopt};
  add_op(4, ctx);
  Operation invoke;
  invoke.id = "inv";
  invoke.type = OperationType::ChainedInvoke;
  invoke.start_timestamp = at_ms(7);
  invoke.chained_invoke_details = ChainedInvokeDetails{std::nullopt, error("T", "timed out")};
  auto* inv = add_op(5, invoke);
  inv->invoke_options = ChainedInvokeOptions{"target:1", "tenant"};
  inv->invoke_input = "\"payload\"";
  inv->invoke_times_out_after = 20;

  Event started;
  started.event_type = EventType::ExecutionStarted;
  started.event_id = 1;
  started.event_timestamp = at_ms(1'700'000'000'123);
  ExecutionStartedDetails sd;
  sd.input = EventInput{"{}", std::nullopt};
  sd.execution_timeout = 900;
  started.details = sd;
  b.events.push_back(StoredEvent{7, started});
  Event step_failed;
  step_failed.event_type = EventType::StepFailed;
  step_failed.event_id = 2;
  step_failed.id = "s";
  step_failed.name = "step";
  step_failed.sub_type = "Step";
  step_failed.parent_id = "ctx";
  step_failed.event_timestamp = at_ms(1'700'000'000'201);
  step_failed.details = StepFailedDetails{EventError{error("R", "retry"), std::nullopt},
                                          RetryDetails{2, 60}};
  b.events.push_back(StoredEvent{7, step_failed});
  Event completed;
  completed.event_type = EventType::InvocationCompleted;
  completed.event_id = 3;
  completed.event_timestamp = at_ms(1'700'000'000'999);
  InvocationCompletedDetails icd;
  icd.start_timestamp = at_ms(1'700'000'000'100);
  icd.end_timestamp = at_ms(1'700'000'000'999);
  icd.request_id = "req-0";
  icd.error = EventError{error("Runtime.ExitError", "exit"), std::nullopt};
  completed.details = icd;
  b.events.push_back(StoredEvent{7, completed});

  b.timer_executions = {7};
  b.timers.push_back(StoredTimer{7, "StepRetry", "s", at_ms(1'700'000'060'000)});
  b.timers.push_back(StoredTimer{7, "ExecutionTimeout", "", at_ms(1'700'000'900'123)});

  StoredClientToken ct;
  ct.execution_key = 7;
  ct.client_token = "client";
  ct.checkpoint_token = "token";
  ct.response.checkpoint_token = "next";
  ct.response.new_execution_state.operations = {step};
  b.client_tokens.push_back(ct);

  b.clock_now = at_ms(1'700'000'100'456);
  b.next_key = 9;
  return b;
}

// The fields both stores must agree on, as comparable JSON.
Json summary(const StoredState& s) {
  Json j = Json::object();
  for (const auto& e : s.executions) {
    Json row = {{"key", e.key},
                {"arn", e.arn},
                {"name", e.name},
                {"op", e.execution_op_id},
                {"fn", e.function_name},
                {"q", e.qualifier},
                {"farn", e.function_arn},
                {"input", e.input},
                {"timeout", e.timeout_seconds},
                {"start", e.start_timestamp.time_since_epoch().count()},
                {"status", std::string(to_string(e.status))},
                {"result", e.result ? Json(*e.result) : Json()},
                {"error", e.error ? Json(*e.error) : Json()},
                {"parent", e.parent_arn ? Json(*e.parent_arn) : Json()},
                {"parent_op", e.parent_op_id},
                {"seq", e.token_sequence},
                {"started", e.invocations_started},
                {"calls", e.checkpoint_calls},
                {"failures", e.consecutive_failures},
                {"wanted", e.invocation_wanted},
                {"updated", e.updated_operation_ids}};
    if (e.end_timestamp) row["end"] = e.end_timestamp->time_since_epoch().count();
    if (e.in_flight) {
      row["in_flight"] = {e.in_flight->request_id, e.in_flight->start.time_since_epoch().count()};
    }
    j["executions"].push_back(row);
  }
  for (const auto& op : s.operations) {
    Json row = {{"key", op.execution_key},
                {"index", op.index},
                {"op", operation_to_json(op.op, TimeUnit::Milliseconds)},
                {"wait", op.wait_seconds},
                {"heartbeat", op.heartbeat_seconds}};
    if (op.invoke_options) {
      row["invoke"] = {op.invoke_options->function_name,
                       op.invoke_options->tenant_id ? Json(*op.invoke_options->tenant_id) : Json()};
    }
    if (op.invoke_input) row["invoke_input"] = *op.invoke_input;
    if (op.invoke_times_out_after) row["times_out_after"] = *op.invoke_times_out_after;
    j["operations"].push_back(row);
  }
  for (const auto& ev : s.events) j["events"].push_back({ev.execution_key, Json(ev.event)});
  std::vector<Json> timers;
  for (const auto& t : s.timers) {
    timers.push_back({t.execution_key, t.kind, t.op_id, t.due.time_since_epoch().count()});
  }
  std::sort(timers.begin(), timers.end());
  j["timers"] = timers;
  for (const auto& c : s.client_tokens) {
    j["client_tokens"].push_back(
        {c.execution_key, c.client_token, c.checkpoint_token, Json(c.response)});
  }
  j["clock_now"] = s.clock_now ? Json(s.clock_now->time_since_epoch().count()) : Json();
  j["next_key"] = s.next_key;
  return j;
}

TEST_F(SqliteStoreTest, EveryRecordKindReadsBackAsWritten) {
  MemoryStore memory;
  {
    SqliteStore store(path_);
    EXPECT_TRUE(store.load().executions.empty());
    auto ticket = store.submit(full_batch());
    memory.submit(full_batch());
    store.wait_durable(ticket);
  }
  SqliteStore reopened(path_);
  const StoredState loaded = reopened.load();
  EXPECT_EQ(summary(loaded), summary(memory.load()));
  ASSERT_EQ(loaded.events.size(), 3u);
  EXPECT_EQ(loaded.events[1].event, full_batch().events[1].event);
  ASSERT_EQ(loaded.operations.size(), 6u);
  EXPECT_EQ(loaded.operations[1].op, full_batch().operations[1].op);
  ASSERT_EQ(loaded.executions.size(), 2u);
  EXPECT_FALSE(loaded.executions[0].is_new);
}

TEST_F(SqliteStoreTest, UpdatesReplaceStateAndKeepIdentity) {
  MemoryStore memory;
  SqliteStore store(path_);
  for (ExecutionStore* s : {static_cast<ExecutionStore*>(&store),
                            static_cast<ExecutionStore*>(&memory)}) {
    s->submit(full_batch());
    StoreBatch update;
    StoredExecution e;
    e.key = 7;  // not new: identity fields are left as they are
    e.status = ExecutionStatus::Running;
    e.token_sequence = 13;
    update.executions.push_back(e);
    update.timer_executions = {7};  // every timer of 7 replaced by none
    StoredOperation op;
    op.execution_key = 7;
    op.index = 1;
    op.op.id = "s";
    op.op.status = OperationStatus::Succeeded;
    update.operations.push_back(op);
    update.next_key = 9;
    s->wait_durable(s->submit(update));
  }
  const auto loaded = store.load();
  EXPECT_EQ(summary(loaded), summary(memory.load()));
  EXPECT_EQ(loaded.executions[0].name, "n");
  EXPECT_EQ(loaded.executions[0].token_sequence, 13u);
  EXPECT_FALSE(loaded.executions[0].end_timestamp);
  EXPECT_TRUE(loaded.timers.empty());
  EXPECT_EQ(loaded.operations[1].op.status, OperationStatus::Succeeded);
}

TEST_F(SqliteStoreTest, RemovedExecutionLeavesNothingBehind) {
  SqliteStore store(path_);
  store.submit(full_batch());
  StoreBatch removal;
  removal.removed_executions = {7};
  removal.next_key = 9;
  store.wait_durable(store.submit(removal));
  const auto loaded = store.load();
  ASSERT_EQ(loaded.executions.size(), 1u);
  EXPECT_EQ(loaded.executions[0].key, 8u);
  EXPECT_TRUE(loaded.operations.empty());
  EXPECT_TRUE(loaded.events.empty());
  EXPECT_TRUE(loaded.timers.empty());
  EXPECT_TRUE(loaded.client_tokens.empty());
}

TEST_F(SqliteStoreTest, ManyBatchesShareCommits) {
  SqliteStore store(path_);
  std::uint64_t last = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    StoreBatch b;
    StoredExecution e;
    e.key = i;
    e.is_new = true;
    e.arn = "arn:" + std::to_string(i);
    b.executions.push_back(e);
    b.next_key = i + 1;
    last = store.submit(std::move(b));
  }
  EXPECT_EQ(last, 200u);
  store.wait_durable(last);
  EXPECT_LE(store.commits(), 200u);
  EXPECT_EQ(store.load().executions.size(), 200u);
  EXPECT_EQ(store.load().next_key, 200u);
}

TEST_F(SqliteStoreTest, NewerSchemaVersionIsRefused) {
  { SqliteStore store(path_); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const std::string message = open_error();
  EXPECT_NE(message.find(path_), std::string::npos) << message;
  EXPECT_NE(message.find("schema version 2, newer than this durable-emulator's 1"),
            std::string::npos)
      << message;
}

TEST_F(SqliteStoreTest, GarbageFileIsRefused) {
  {
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not a database, just some text\n";
  }
  const std::string message = open_error();
  EXPECT_NE(message.find(path_), std::string::npos) << message;
  EXPECT_NE(message.find("not a durable-emulator store"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, TruncatedFileIsRefused) {
  {
    SqliteStore store(path_);
    // Enough rows for many pages, so that half the file cuts through the tables.
    for (std::uint64_t i = 0; i < 300; ++i) {
      StoreBatch b;
      StoredExecution e;
      e.key = i;
      e.is_new = true;
      e.arn = "arn:" + std::to_string(i);
      e.input = std::string(2000, 'x');
      b.executions.push_back(e);
      b.next_key = i + 1;
      store.submit(std::move(b));
    }
    store.wait_durable(300);
  }  // closing checkpoints the WAL into the file
  ASSERT_FALSE(std::filesystem::exists(path_ + "-wal"));
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 100'000u);
  std::filesystem::resize_file(path_, size / 2);
  const std::string message = open_error();
  EXPECT_NE(message.find(path_), std::string::npos) << message;
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, AnotherApplicationsDatabaseIsRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE notes(t TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const std::string message = open_error();
  EXPECT_NE(message.find(path_), std::string::npos) << message;
  EXPECT_NE(message.find("another application"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, DirectoryIsRefused) {
  std::filesystem::create_directory(path_);
  const std::string message = open_error();
  EXPECT_NE(message.find("is a directory"), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, MissingDirectoryIsRefused) {
  path_ = path_ + ".d/inner/store.db";
  const std::string message = open_error();
  EXPECT_NE(message.find("cannot open store " + path_), std::string::npos) << message;
}

TEST_F(SqliteStoreTest, StoreInUseIsRefused) {
  SqliteStore first(path_);
  const std::string message = open_error();
  EXPECT_NE(message.find(path_), std::string::npos) << message;
  EXPECT_NE(message.find("locked by another process"), std::string::npos) << message;
  // The first one still works.
  StoreBatch b;
  b.next_key = 1;
  EXPECT_NO_THROW(first.wait_durable(first.submit(b)));
}

}  // namespace
}  // namespace durable::emulator
