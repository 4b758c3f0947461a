#include "durable/emulator/sqlite_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "durable/model/json.hpp"

namespace durable::emulator {
namespace {

// Version 1 of the schema. Payloads are kept as the wire model's JSON (operations with epoch
// milliseconds), so a store reads back exactly what was written.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL);
CREATE TABLE executions(
  key INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  execution_op_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier TEXT NOT NULL,
  function_arn TEXT NOT NULL,
  input TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  end_ms INTEGER,
  result TEXT,
  error TEXT,
  parent_arn TEXT,
  parent_op_id TEXT NOT NULL,
  token_sequence INTEGER NOT NULL,
  invocations_started INTEGER NOT NULL,
  checkpoint_calls INTEGER NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  invocation_wanted INTEGER NOT NULL,
  in_flight_request_id TEXT,
  in_flight_start_ms INTEGER,
  updated_operation_ids TEXT NOT NULL);
CREATE TABLE operations(
  execution_key INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  operation TEXT NOT NULL,
  extras TEXT NOT NULL,
  PRIMARY KEY(execution_key, idx));
CREATE TABLE events(
  execution_key INTEGER NOT NULL,
  event_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY(execution_key, event_id));
CREATE TABLE timers(
  execution_key INTEGER NOT NULL,
  kind TEXT NOT NULL,
  op_id TEXT NOT NULL,
  due_ms INTEGER NOT NULL,
  PRIMARY KEY(execution_key, kind, op_id));
CREATE TABLE client_tokens(
  execution_key INTEGER PRIMARY KEY,
  client_token TEXT NOT NULL,
  checkpoint_token TEXT NOT NULL,
  response TEXT NOT NULL);
)sql";

std::int64_t to_ms(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp from_ms(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

// One prepared statement, reset after each use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("cannot prepare '") + sql + "': " + sqlite3_errmsg(db));
    }
  }
  ~Stmt() { finalize(); }
  void finalize() {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(db_, o.db_);
    std::swap(stmt_, o.stmt_);
    return *this;
  }

  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
  }
  Stmt& bind(int i, const char* v) { return bind(i, std::string(v)); }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  template <class T>
  Stmt& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Runs a statement that returns no rows.
  void run() {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (rc != SQLITE_DONE) throw StoreError(sqlite3_errmsg(db_));
  }
  // Steps to the next row; false at the end.
  bool next() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) throw StoreError(sqlite3_errmsg(db_));
    return false;
  }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::optional<std::string> opt_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

Json error_json(const std::optional<ErrorObject>& e) { return e ? Json(*e) : Json(); }

Json extras_json(const StoredOperation& op) {
  Json j = Json::object();
  j["wait_seconds"] = op.wait_seconds;
  j["heartbeat_seconds"] = op.heartbeat_seconds;
  if (op.invoke_options) {
    Json o = {{"FunctionName", op.invoke_options->function_name}};
    if (op.invoke_options->tenant_id) o["TenantId"] = *op.invoke_options->tenant_id;
    j["invoke_options"] = std::move(o);
  }
  if (op.invoke_input) j["invoke_input"] = *op.invoke_input;
  if (op.invoke_times_out_after) j["invoke_times_out_after"] = *op.invoke_times_out_after;
  return j;
}

void read_extras(const Json& j, StoredOperation& op) {
  op.wait_seconds = j.at("wait_seconds").get<std::int64_t>();
  op.heartbeat_seconds = j.at("heartbeat_seconds").get<std::int64_t>();
  if (auto it = j.find("invoke_options"); it != j.end()) {
    ChainedInvokeOptions o;
    o.function_name = it->at("FunctionName").get<std::string>();
    if (auto t = it->find("TenantId"); t != it->end()) o.tenant_id = t->get<std::string>();
    op.invoke_options = std::move(o);
  }
  if (auto it = j.find("invoke_input"); it != j.end()) op.invoke_input = it->get<std::string>();
  if (auto it = j.find("invoke_times_out_after"); it != j.end()) {
    op.invoke_times_out_after = it->get<std::int64_t>();
  }
}

}  // namespace

struct SqliteStore::Db {
  sqlite3* handle = nullptr;
  Stmt begin, commit, rollback;
  Stmt insert_execution, update_execution;
  Stmt put_operation, put_event, clear_timers, put_timer, put_client_token, put_meta;
  Stmt remove_execution, remove_operations, remove_events, remove_timers, remove_client_token;

  ~Db() {
    // Statements first: a connection with live statements does not close.
    for (Stmt* s : {&begin, &commit, &rollback, &insert_execution, &update_execution,
                    &put_operation, &put_event, &clear_timers, &put_timer, &put_client_token,
                    &put_meta, &remove_execution, &remove_operations, &remove_events,
                    &remove_timers, &remove_client_token}) {
      s->finalize();
    }
    if (handle != nullptr) sqlite3_close_v2(handle);
  }

  void prepare() {
    begin = Stmt(handle, "BEGIN IMMEDIATE");
    commit = Stmt(handle, "COMMIT");
    rollback = Stmt(handle, "ROLLBACK");
    insert_execution = Stmt(handle, R"sql(
      INSERT OR REPLACE INTO executions(key, arn, name, execution_op_id, function_name, qualifier,
        function_arn, input, timeout_seconds, start_ms, status, end_ms, result, error, parent_arn,
        parent_op_id, token_sequence, invocations_started, checkpoint_calls,
        consecutive_failures, invocation_wanted, in_flight_request_id, in_flight_start_ms,
        updated_operation_ids)
      VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21, ?22, ?23, ?24))sql");
    update_execution = Stmt(handle, R"sql(
      UPDATE executions SET status = ?11, end_ms = ?12, result = ?13, error = ?14,
        parent_arn = ?15, parent_op_id = ?16, token_sequence = ?17, invocations_started = ?18,
        checkpoint_calls = ?19, consecutive_failures = ?20, invocation_wanted = ?21,
        in_flight_request_id = ?22, in_flight_start_ms = ?23, updated_operation_ids = ?24
      WHERE key = ?1)sql");
    put_operation = Stmt(handle, "INSERT OR REPLACE INTO operations VALUES(?1, ?2, ?3, ?4)");
    put_event = Stmt(handle, "INSERT OR REPLACE INTO events VALUES(?1, ?2, ?3)");
    clear_timers = Stmt(handle, "DELETE FROM timers WHERE execution_key = ?1");
    put_timer = Stmt(handle, "INSERT OR REPLACE INTO timers VALUES(?1, ?2, ?3, ?4)");
    put_client_token = Stmt(handle, "INSERT OR REPLACE INTO client_tokens VALUES(?1, ?2, ?3, ?4)");
    put_meta = Stmt(handle, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)");
    remove_execution = Stmt(handle, "DELETE FROM executions WHERE key = ?1");
    remove_operations = Stmt(handle, "DELETE FROM operations WHERE execution_key = ?1");
    remove_events = Stmt(handle, "DELETE FROM events WHERE execution_key = ?1");
    remove_timers = Stmt(handle, "DELETE FROM timers WHERE execution_key = ?1");
    remove_client_token = Stmt(handle, "DELETE FROM client_tokens WHERE execution_key = ?1");
  }

  void write_execution(const StoredExecution& e) {
    Stmt& s = e.is_new ? insert_execution : update_execution;
    s.bind(1, e.key);
    if (e.is_new) {
      s.bind(2, e.arn).bind(3, e.name).bind(4, e.execution_op_id).bind(5, e.function_name);
      s.bind(6, e.qualifier).bind(7, e.function_arn).bind(8, e.input).bind(9, e.timeout_seconds);
      s.bind(10, to_ms(e.start_timestamp));
    }
    s.bind(11, std::string(to_string(e.status)));
    if (e.end_timestamp) {
      s.bind(12, to_ms(*e.end_timestamp));
    } else {
      s.bind_null(12);
    }
    s.bind(13, e.result);
    if (e.error) {
      s.bind(14, error_json(e.error).dump());
    } else {
      s.bind_null(14);
    }
    s.bind(15, e.parent_arn).bind(16, e.parent_op_id).bind(17, e.token_sequence);
    s.bind(18, e.invocations_started).bind(19, e.checkpoint_calls);
    s.bind(20, e.consecutive_failures).bind(21, e.invocation_wanted);
    if (e.in_flight) {
      s.bind(22, e.in_flight->request_id).bind(23, to_ms(e.in_flight->start));
    } else {
      s.bind_null(22).bind_null(23);
    }
    s.bind(24, Json(e.updated_operation_ids).dump());
    s.run();
  }

  void apply(const StoreBatch& b) {
    for (const auto& e : b.executions) write_execution(e);
    for (const auto& op : b.operations) {
      put_operation.bind(1, op.execution_key).bind(2, op.index);
      put_operation.bind(3, operation_to_json(op.op, TimeUnit::Milliseconds).dump());
      put_operation.bind(4, extras_json(op).dump());
      put_operation.run();
    }
    for (const auto& ev : b.events) {
      put_event.bind(1, ev.execution_key).bind(2, ev.event.event_id).bind(3, Json(ev.event).dump());
      put_event.run();
    }
    for (auto key : b.timer_executions) clear_timers.bind(1, key).run();
    for (const auto& t : b.timers) {
      put_timer.bind(1, t.execution_key).bind(2, t.kind).bind(3, t.op_id).bind(4, to_ms(t.due));
      put_timer.run();
    }
    for (const auto& c : b.client_tokens) {
      put_client_token.bind(1, c.execution_key).bind(2, c.client_token).bind(3, c.checkpoint_token);
      put_client_token.bind(4, Json(c.response).dump());
      put_client_token.run();
    }
    for (auto key : b.removed_executions) {
      for (Stmt* s : {&remove_execution, &remove_operations, &remove_events, &remove_timers,
                      &remove_client_token}) {
        s->bind(1, key).run();
      }
    }
    if (b.clock_now) put_meta.bind(1, "clock_now").bind(2, to_ms(*b.clock_now)).run();
    put_meta.bind(1, "next_key").bind(2, b.next_key).run();
  }
};

namespace {

// A StoreError for `path` that says what went wrong in words a user can act on.
StoreError open_error(const std::string& path, sqlite3* db, int rc, const std::string& doing) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError("store " + path +
                        " is locked by another process (is another durable-emulator running on "
                        "it?)");
    case SQLITE_NOTADB:
      return StoreError("store " + path +
                        " is not a durable-emulator store: the file is not an SQLite database (" +
                        detail + ")");
    case SQLITE_CORRUPT:
      return StoreError("store " + path + " is corrupt: " + detail);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return StoreError("cannot open store " + path + ": " + detail);
    default:
      return StoreError("store " + path + ": " + doing + " failed: " + detail);
  }
}

// Runs `sql` (no rows wanted), throwing open_error on failure.
void exec_sql(const std::string& path, sqlite3* db, const char* sql, const std::string& doing) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) throw open_error(path, db, rc, doing);
}

// The single integer a PRAGMA or query returns.
std::int64_t query_int(const std::string& path, sqlite3* db, const char* sql,
                       const std::string& doing) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) throw open_error(path, db, rc, doing);
  rc = sqlite3_step(stmt);
  std::int64_t value = 0;
  if (rc == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw open_error(path, db, rc, doing);
  return value;
}

}  // namespace

SqliteStore::SqliteStore(std::string path, SqliteStoreOptions options)
    : path_(std::move(path)), db_(std::make_unique<Db>()) {
  if (path_.empty()) throw StoreError("cannot open store: the path is empty");
  struct stat st{};
  if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw StoreError("cannot open store " + path_ + ": it is a directory");
  }
  int rc = sqlite3_open_v2(path_.c_str(), &db_->handle,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) throw open_error(path_, db_->handle, rc, "opening");
  sqlite3* db = db_->handle;
  sqlite3_extended_result_codes(db, 1);
  // Exclusive from the first access on: a second emulator gets SQLITE_BUSY at once (no busy
  // timeout) instead of sharing the file.
  exec_sql(path_, db, "PRAGMA locking_mode=EXCLUSIVE", "setting the locking mode");
  const auto app_id = query_int(path_, db, "PRAGMA application_id", "reading the header");
  const auto version = query_int(path_, db, "PRAGMA user_version", "reading the schema version");
  const auto tables =
      query_int(path_, db, "SELECT count(*) FROM sqlite_schema", "reading the schema");
  if (app_id != kApplicationId && !(app_id == 0 && version == 0 && tables == 0)) {
    throw StoreError("store " + path_ +
                     " is not a durable-emulator store: it is an SQLite database of another "
                     "application (application_id " +
                     std::to_string(app_id) + ")");
  }
  if (version > kSchemaVersion) {
    throw StoreError("store " + path_ + " has schema version " + std::to_string(version) +
                     ", newer than this durable-emulator's " + std::to_string(kSchemaVersion) +
                     ": open it with a newer durable-emulator, or use another store");
  }
  exec_sql(path_, db, "PRAGMA journal_mode=WAL", "switching to WAL");
  exec_sql(path_, db,
           options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
           "setting synchronous");
  if (tables == 0) {
    exec_sql(path_, db, "BEGIN EXCLUSIVE", "creating the schema");
    exec_sql(path_, db, kSchema, "creating the schema");
    exec_sql(path_, db,
             ("PRAGMA application_id=" + std::to_string(kApplicationId) +
              "; PRAGMA user_version=" + std::to_string(kSchemaVersion))
                 .c_str(),
             "creating the schema");
    exec_sql(path_, db, "COMMIT", "creating the schema");
  } else if (version < 1) {
    throw StoreError("store " + path_ + " is corrupt: it has tables but no schema version");
  } else {
    // Takes the exclusive lock now even if nothing is written yet.
    exec_sql(path_, db, "BEGIN EXCLUSIVE; COMMIT", "locking");
  }
  // Every page once: a truncated or damaged file is refused here, not halfway through a run.
  {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt, nullptr);
    if (rc != SQLITE_OK) throw open_error(path_, db, rc, "checking");
    rc = sqlite3_step(stmt);
    std::string verdict;
    if (rc == SQLITE_ROW) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      verdict = p ? p : "";
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) throw open_error(path_, db, rc, "checking");
    if (verdict != "ok") throw StoreError("store " + path_ + " is corrupt: " + verdict);
  }
  try {
    db_->prepare();
  } catch (const StoreError& e) {
    throw StoreError("store " + path_ + " does not have the expected schema: " + e.what());
  }
  writer_ = std::thread([this] { writer_loop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::string SqliteStore::describe() const { return "store " + path_; }

std::uint64_t SqliteStore::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

std::uint64_t SqliteStore::submit(StoreBatch batch) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(batch));
    ticket = ++submitted_;
  }
  queued_cv_.notify_one();
  return ticket;
}

void SqliteStore::wait_durable(std::uint64_t ticket) {
  if (ticket == 0) return;
  std::unique_lock lock(mu_);
  committed_cv_.wait(lock, [&] { return committed_ >= ticket || !failure_.empty(); });
  if (committed_ >= ticket) return;
  throw StoreError(failure_);
}

void SqliteStore::writer_loop() {
  while (true) {
    std::deque<StoreBatch> batches;
    std::uint64_t last = 0;
    {
      std::unique_lock lock(mu_);
      queued_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, everything written
      batches.swap(queue_);
      last = submitted_;
      if (!failure_.empty()) continue;  // nothing is written after a failure
    }
    std::string error;
    try {
      db_->begin.run();
      try {
        for (const auto& b : batches) db_->apply(b);
        db_->commit.run();
      } catch (...) {
        try {
          db_->rollback.run();
        } catch (const StoreError&) {
          // The transaction is gone already (SQLite rolled it back itself).
        }
        throw;
      }
    } catch (const std::exception& e) {
      error = "store " + path_ + ": writing failed: " + e.what();
    }
    {
      std::lock_guard lock(mu_);
      if (error.empty()) {
        committed_ = last;
        ++commits_;
      } else {
        failure_ = error;
      }
    }
    committed_cv_.notify_all();
  }
}

StoredState SqliteStore::load() {
  StoredState state;
  sqlite3* db = db_->handle;
  std::string table;
  std::string row;
  try {
    table = "meta";
    row.clear();
    Stmt meta(db, "SELECT name, value FROM meta");
    while (meta.next()) {
      const std::string name = meta.text(0);
      if (name == "clock_now") state.clock_now = from_ms(meta.integer(1));
      if (name == "next_key") state.next_key = static_cast<std::uint64_t>(meta.integer(1));
    }
    table = "executions";
    row.clear();
    Stmt ex(db, R"sql(SELECT key, arn, name, execution_op_id, function_name, qualifier,
        function_arn, input, timeout_seconds, start_ms, status, end_ms, result, error, parent_arn,
        parent_op_id, token_sequence, invocations_started, checkpoint_calls, consecutive_failures,
        invocation_wanted, in_flight_request_id, in_flight_start_ms, updated_operation_ids
        FROM executions ORDER BY key)sql");
    while (ex.next()) {
      StoredExecution e;
      e.key = static_cast<std::uint64_t>(ex.integer(0));
      row = "key " + std::to_string(e.key);
      e.arn = ex.text(1);
      e.name = ex.text(2);
      e.execution_op_id = ex.text(3);
      e.function_name = ex.text(4);
      e.qualifier = ex.text(5);
      e.function_arn = ex.text(6);
      e.input = ex.text(7);
      e.timeout_seconds = ex.integer(8);
      e.start_timestamp = from_ms(ex.integer(9));
      auto status = enum_from_string<ExecutionStatus>(ex.text(10));
      if (!status) throw StoreError("unknown status '" + ex.text(10) + "'");
      e.status = *status;
      if (!ex.is_null(11)) e.end_timestamp = from_ms(ex.integer(11));
      e.result = ex.opt_text(12);
      if (!ex.is_null(13)) e.error = Json::parse(ex.text(13)).get<ErrorObject>();
      e.parent_arn = ex.opt_text(14);
      e.parent_op_id = ex.text(15);
      e.token_sequence = static_cast<std::uint64_t>(ex.integer(16));
      e.invocations_started = static_cast<std::uint64_t>(ex.integer(17));
      e.checkpoint_calls = static_cast<std::uint64_t>(ex.integer(18));
      e.consecutive_failures = static_cast<int>(ex.integer(19));
      e.invocation_wanted = ex.integer(20) != 0;
      if (!ex.is_null(21)) {
        e.in_flight = StoredInvocation{ex.text(21), from_ms(ex.integer(22))};
      }
      e.updated_operation_ids = Json::parse(ex.text(23)).get<std::vector<std::string>>();
      state.executions.push_back(std::move(e));
    }
    table = "operations";
    row.clear();
    Stmt ops(db, "SELECT execution_key, idx, operation, extras FROM operations "
                 "ORDER BY execution_key, idx");
    while (ops.next()) {
      StoredOperation op;
      op.execution_key = static_cast<std::uint64_t>(ops.integer(0));
      op.index = static_cast<std::uint64_t>(ops.integer(1));
      row = "execution key " + std::to_string(op.execution_key) + " index " +
            std::to_string(op.index);
      op.op = operation_from_json(Json::parse(ops.text(2)), TimeUnit::Milliseconds);
      read_extras(Json::parse(ops.text(3)), op);
      state.operations.push_back(std::move(op));
    }
    table = "events";
    row.clear();
    Stmt events(db, "SELECT execution_key, event_id, event FROM events "
                    "ORDER BY execution_key, event_id");
    while (events.next()) {
      StoredEvent ev;
      ev.execution_key = static_cast<std::uint64_t>(events.integer(0));
      row = "execution key " + std::to_string(ev.execution_key) + " event " +
            std::to_string(events.integer(1));
      ev.event = Json::parse(events.text(2)).get<Event>();
      if (ev.event.event_id != events.integer(1)) throw StoreError("EventId does not match");
      state.events.push_back(std::move(ev));
    }
    table = "timers";
    row.clear();
    Stmt timers(db, "SELECT execution_key, kind, op_id, due_ms FROM timers");
    while (timers.next()) {
      StoredTimer t;
      t.execution_key = static_cast<std::uint64_t>(timers.integer(0));
      row = "execution key " + std::to_string(t.execution_key);
      t.kind = timers.text(1);
      t.op_id = timers.text(2);
      t.due = from_ms(timers.integer(3));
      state.timers.push_back(std::move(t));
    }
    table = "client_tokens";
    row.clear();
    Stmt tokens(db, "SELECT execution_key, client_token, checkpoint_token, response "
                    "FROM client_tokens");
    while (tokens.next()) {
      StoredClientToken c;
      c.execution_key = static_cast<std::uint64_t>(tokens.integer(0));
      row = "execution key " + std::to_string(c.execution_key);
      c.client_token = tokens.text(1);
      c.checkpoint_token = tokens.text(2);
      c.response = Json::parse(tokens.text(3)).get<CheckpointDurableExecutionResponse>();
      state.client_tokens.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    throw StoreError("store " + path_ + " is corrupt: table " + table +
                     (row.empty() ? std::string() : ", " + row) + ": " + e.what());
  }
  return state;
}

}  // namespace durable::emulator
