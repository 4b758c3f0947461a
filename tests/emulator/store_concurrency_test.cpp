// Many threads checkpointing through one Service that writes through a SqliteStore (group
// commit on the store's writer thread) while others read: every acknowledged checkpoint is in
// the store when it is opened again. Labelled `concurrency`: CI runs it under ThreadSanitizer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/service.hpp"
#include "durable/emulator/sqlite_store.hpp"

namespace durable::emulator {
namespace {

class StoreConcurrencyTest : public ::testing::Test {
 protected:
  StoreConcurrencyTest()
      : path_((std::filesystem::temp_directory_path() /
               ("durable-store-concurrency-" + std::to_string(::getpid()) + ".db"))
                  .string()) {
    remove_files();
  }
  ~StoreConcurrencyTest() override { remove_files(); }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(path_ + suffix, ec);
    }
  }
  std::string path_;
};

TEST_F(StoreConcurrencyTest, EveryAcknowledgedCheckpointOfManyThreadsIsStored) {
  constexpr int kThreads = 8;
  constexpr int kCheckpoints = 40;
  std::map<std::string, int> acked;  // arn -> checkpoints answered
  {
    auto store = std::make_shared<SqliteStore>(path_);
    ServiceOptions options;
    options.store = store;
    Service service(std::make_shared<SystemClock>(), options);
    std::vector<PendingInvocation> invocations;
    for (int t = 0; t < kThreads; ++t) {
      StartExecutionRequest r;
      r.function_name = "fn";
      r.execution_name = "e" + std::to_string(t);
      service.start_execution(r);
    }
    for (int t = 0; t < kThreads; ++t) invocations.push_back(*service.take_ready_invocation());

    std::mutex mu;
    std::atomic<bool> done{false};
    std::thread reader([&] {
      while (!done) {
        for (const auto& inv : invocations) service.get_execution({inv.durable_execution_arn});
      }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        const auto& inv = invocations[static_cast<std::size_t>(t)];
        std::string token = inv.input.checkpoint_token;
        for (int k = 0; k < kCheckpoints; ++k) {
          OperationUpdate u;
          u.id = "s" + std::to_string(k);
          u.type = OperationType::Step;
          u.action = OperationAction::Succeed;
          u.payload = std::to_string(k);
          auto resp = service.checkpoint({inv.durable_execution_arn, token, {u}, std::nullopt});
          token = *resp.checkpoint_token;
          std::lock_guard lock(mu);
          ++acked[inv.durable_execution_arn];
        }
      });
    }
    for (auto& w : writers) w.join();
    done = true;
    reader.join();
    EXPECT_GE(store->commits(), 1u);
  }
  auto store = std::make_shared<SqliteStore>(path_);
  ServiceOptions options;
  options.store = store;
  Service reopened(std::make_shared<SystemClock>(), options);
  ASSERT_EQ(acked.size(), static_cast<std::size_t>(kThreads));
  for (const auto& [arn, count] : acked) {
    const auto ops = reopened.operations(arn);
    ASSERT_EQ(ops.size(), static_cast<std::size_t>(count) + 1) << arn;
    for (int k = 0; k < count; ++k) {
      EXPECT_EQ(ops[static_cast<std::size_t>(k) + 1].step_details->result, std::to_string(k));
    }
  }
}

}  // namespace
}  // namespace durable::emulator
