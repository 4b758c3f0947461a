// SqliteStore: an ExecutionStore in one SQLite file (Debian's libsqlite3), what
// `durable-emulator --store PATH` uses.
//
// - Durability: WAL journal. A batch is durable once the transaction holding it has committed:
//   with synchronous=NORMAL (the default) a commit survives the process dying at any moment
//   (SIGKILL, crash) but not a power loss or OS crash, which may take the last commits; with
//   synchronous=FULL (SqliteStoreOptions::synchronous_full) every commit is fsynced and survives
//   those too, at a lower commit rate.
// - Group commit: one writer thread takes every batch submitted since its last commit and writes
//   them all in one transaction, so requests arriving together share one commit (and one fsync);
//   a request waits only for the commit that holds its batch.
// - Exclusive: the file is opened with locking_mode=EXCLUSIVE and locked at open, so a second
//   emulator on the same store is refused (StoreError "... is locked by another process") instead
//   of corrupting it. The lock goes with the process, however it ends.
// - Versioned: PRAGMA application_id marks the file as this emulator's store and
//   PRAGMA user_version holds the schema version (kSchemaVersion). An empty or new file gets the
//   schema; a file of another application, a newer schema, or a file SQLite cannot read (garbage,
//   truncated, failing its quick_check) is refused with a StoreError naming the file and what is
//   wrong with it.
//
// Threads: submit()/wait_durable() from any thread; load() once, before the first submit().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "durable/emulator/execution_store.hpp"

namespace durable::emulator {

struct SqliteStoreOptions {
  // false (NORMAL, default): a commit survives the process dying (the OS has it) but a power
  // loss may take the last commits. true (FULL): every commit is fsynced first.
  bool synchronous_full = false;
};

class SqliteStore final : public ExecutionStore {
 public:
  static constexpr int kSchemaVersion = 1;
  // "DuEm" as a big-endian integer: marks the file as a durable-emulator store.
  static constexpr int kApplicationId = 0x4475456d;

  // Opens (creating when missing) the store at `path`, checks it and takes its lock; starts the
  // writer thread. Throws StoreError naming `path` when the file cannot be opened or created, is
  // locked by another process, is not a store of this emulator, has a newer schema, or is corrupt.
  explicit SqliteStore(std::string path, SqliteStoreOptions options = {});
  // Writes every batch still queued, stops the writer and closes the file.
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  StoredState load() override;
  std::uint64_t submit(StoreBatch batch) override;
  void wait_durable(std::uint64_t ticket) override;
  std::string describe() const override;

  // Transactions committed so far (a benchmark divides batches by it to show the grouping).
  std::uint64_t commits() const;

 private:
  struct Db;
  void writer_loop();

  std::string path_;
  std::unique_ptr<Db> db_;
  mutable std::mutex mu_;
  std::condition_variable queued_cv_;     // the writer waits for batches
  std::condition_variable committed_cv_;  // callers wait for their commit
  std::deque<StoreBatch> queue_;
  std::uint64_t submitted_ = 0;
  std::uint64_t committed_ = 0;
  std::uint64_t commits_ = 0;
  std::string failure_;  // non-empty once a write failed
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace durable::emulator
