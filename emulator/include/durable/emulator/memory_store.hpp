// MemoryStore: an ExecutionStore that keeps its records in this process's memory. Every batch is
// "durable" as soon as it is submitted. It gives a Service a store that outlives it within one
// process: tests restart a Service on the same MemoryStore to exercise recovery without a disk,
// and compare what the SQLite store reads back with what this one holds.
//
// A Service made without any store (ServiceOptions::store empty, the in-process runner's case)
// writes nothing anywhere: its working set is its only copy and persistence costs it nothing.
//
// Threads: every member may be called from any thread (one internal mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "durable/emulator/execution_store.hpp"

namespace durable::emulator {

class MemoryStore final : public ExecutionStore {
 public:
  StoredState load() override;
  std::uint64_t submit(StoreBatch batch) override;
  void wait_durable(std::uint64_t) override {}
  std::string describe() const override { return "in-memory store"; }

  // Batches submitted so far (tests check that a read-only call wrote nothing).
  std::uint64_t batches() const;

 private:
  mutable std::mutex mu_;
  std::uint64_t tickets_ = 0;
  std::map<std::uint64_t, StoredExecution> executions_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, StoredOperation> operations_;
  std::map<std::pair<std::uint64_t, std::int64_t>, StoredEvent> events_;
  std::map<std::tuple<std::uint64_t, std::string, std::string>, StoredTimer> timers_;
  std::map<std::uint64_t, StoredClientToken> client_tokens_;
  std::optional<Timestamp> clock_now_;
  std::uint64_t next_key_ = 0;
};

}  // namespace durable::emulator
