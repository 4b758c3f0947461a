// Supervisor: starts and watches the handler processes of `--function NAME=COMMAND` runtime
// functions, as Lambda starts sandboxes. Each process runs `/bin/sh -c COMMAND` in its own
// process group, with Lambda's environment (AWS_LAMBDA_RUNTIME_API pointing at the Runtime API
// endpoint of its own slot, AWS_LAMBDA_FUNCTION_NAME/_VERSION/_MEMORY_SIZE, AWS_REGION,
// AWS_ENDPOINT_URL_LAMBDA at the emulator, dummy credentials) and the emulator's stdout/stderr.
//
//   - One process per function is started at once. When invocations queue up while every live
//     process holds one, another is started, up to the function's concurrency (as Lambda
//     scales out); each process slot has its own RuntimeEndpoint, so a process is one sandbox.
//   - A process that exits is reaped; the invocation it held fails with Runtime.ExitError (the
//     Service then retries it) and the slot is started again: at once for slot 0, otherwise when
//     work asks for it. A process that dies young is restarted after a back-off that doubles up
//     to kMaxBackoff, so a command that crashes at start does not spin.
//   - stop(): SIGTERM to each process group, SIGKILL after kStopGrace, every child reaped.
//
// Threads and locks: the supervisor thread (start()..stop()) alone spawns, reaps and signals.
// `mu_` guards the function table, which add() may change from any thread; it is never held
// while the queue's completion callbacks run (sandbox_died is called after unlocking).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/runtime_endpoint.hpp"
#include "http/runtime_queue.hpp"

namespace durable::emulator::http {

struct SupervisedFunction {
  std::string name;
  std::string command;  // run through /bin/sh -c
  int concurrency = 1;  // most processes at once, >= 1
  int memory_size_mb = 128;
  std::shared_ptr<RuntimeQueue> queue;
};

class Supervisor {
 public:
  static constexpr std::chrono::milliseconds kMinBackoff{100};
  static constexpr std::chrono::milliseconds kMaxBackoff{10000};
  static constexpr std::chrono::milliseconds kStopGrace{2000};

  // `host`: where the slots' Runtime API endpoints listen; `region` for AWS_REGION;
  // `lambda_endpoint`: AWS_ENDPOINT_URL_LAMBDA (the emulator's main URL).
  Supervisor(std::string host, std::string region, std::string lambda_endpoint);
  // As stop().
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Supervises `function` from now on (its first process starts within one round). Throws
  // std::invalid_argument for an empty command, a concurrency < 1 or a name already added.
  void add(SupervisedFunction function);
  // Starts the supervisor thread; a second call does nothing.
  void start();
  // Stops every process (SIGTERM, then SIGKILL after kStopGrace), reaps them, joins the thread.
  // Idempotent.
  void stop();

  // Live process ids of `name` (tests); empty for an unknown name.
  std::vector<pid_t> process_ids(const std::string& name) const;
  // Processes started so far for `name`, restarts included (tests).
  std::uint64_t starts(const std::string& name) const;

 private:
  struct Slot {
    SandboxId sandbox = 0;
    std::unique_ptr<RuntimeEndpoint> endpoint;  // created at the slot's first start
    pid_t pid = -1;
    std::chrono::steady_clock::time_point started{};
    std::chrono::steady_clock::time_point not_before{};  // back-off after a young death
    std::chrono::milliseconds backoff{kMinBackoff};
  };
  struct Function {
    SupervisedFunction spec;
    std::vector<Slot> slots;  // concurrency entries
    std::uint64_t starts = 0;
  };

  void loop();
  // One round: reap, restart, scale. Runs on the supervisor thread.
  void round();
  void spawn(Function& function, Slot& slot);
  void terminate_all();

  const std::string host_;
  const std::string region_;
  const std::string lambda_endpoint_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  SandboxId next_sandbox_ = 1;
  std::map<std::string, Function> functions_;
  std::thread thread_;
};

}  // namespace durable::emulator::http
