#include "http/supervisor.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace durable::emulator::http {
namespace {

// How often the supervisor looks at its processes and queues.
constexpr std::chrono::milliseconds kRound{20};
// A process that lived shorter than this died young: its restart backs off.
constexpr std::chrono::milliseconds kYoung{2000};

std::string describe_exit(int status) {
  if (WIFEXITED(status)) {
    return "Runtime exited with error: exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "Runtime exited with error: signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "Runtime exited without providing a reason";
}

// The emulator's environment with Lambda's variables set over it.
std::vector<std::string> make_environment(const std::map<std::string, std::string>& lambda) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (lambda.contains(entry.substr(0, eq))) continue;
    env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : lambda) env.push_back(key + "=" + value);
  return env;
}

}  // namespace

Supervisor::Supervisor(std::string host, std::string region, std::string lambda_endpoint)
    : host_(std::move(host)), region_(std::move(region)),
      lambda_endpoint_(std::move(lambda_endpoint)) {}

Supervisor::~Supervisor() { stop(); }

void Supervisor::add(SupervisedFunction function) {
  if (function.command.empty()) {
    throw std::invalid_argument("function '" + function.name + "': the command is empty");
  }
  if (function.concurrency < 1) {
    throw std::invalid_argument("function '" + function.name + "': concurrency must be >= 1");
  }
  if (!function.queue) throw std::invalid_argument("function '" + function.name + "': no queue");
  std::lock_guard lock(mu_);
  if (functions_.contains(function.name)) {
    throw std::invalid_argument("function '" + function.name + "' is already supervised");
  }
  Function f;
  f.slots.resize(static_cast<std::size_t>(function.concurrency));
  for (auto& slot : f.slots) slot.sandbox = next_sandbox_++;
  f.spec = std::move(function);
  const std::string name = f.spec.name;
  functions_.emplace(name, std::move(f));
  cv_.notify_all();
}

void Supervisor::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { loop(); });
}

void Supervisor::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    round();
    lock.lock();
    cv_.wait_for(lock, kRound, [this] { return stopping_; });
  }
}

void Supervisor::round() {
  // Deaths are reported after unlocking: the queue's callbacks reach the Service.
  std::vector<std::pair<std::shared_ptr<RuntimeQueue>, std::pair<SandboxId, std::string>>> deaths;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    const auto now = std::chrono::steady_clock::now();
    for (auto& [name, function] : functions_) {
      for (auto& slot : function.slots) {
        if (slot.pid <= 0) continue;
        int status = 0;
        const pid_t r = ::waitpid(slot.pid, &status, WNOHANG);
        if (r == 0) continue;
        // Whatever the shell left behind in its group goes with it.
        ::kill(-slot.pid, SIGKILL);
        deaths.push_back({function.spec.queue, {slot.sandbox, r == slot.pid
                                                                  ? describe_exit(status)
                                                                  : "Runtime exited (lost)"}});
        slot.pid = -1;
        if (now - slot.started < kYoung) {
          slot.not_before = now + slot.backoff;
          slot.backoff = std::min(slot.backoff * 2, kMaxBackoff);
        } else {
          slot.not_before = now;
          slot.backoff = kMinBackoff;
        }
      }
      auto& queue = *function.spec.queue;
      if (queue.is_shut_down()) continue;
      // Slot 0 always runs: a function keeps one warm sandbox.
      Slot& first = function.slots.front();
      if (first.pid <= 0 && now >= first.not_before) spawn(function, first);
      // Scale out by one process per round while work waits and every live process is busy.
      if (queue.queued() == 0) continue;
      bool all_busy = true;
      for (const auto& slot : function.slots) {
        if (slot.pid > 0 && !queue.holds(slot.sandbox)) all_busy = false;
      }
      if (!all_busy) continue;
      for (auto& slot : function.slots) {
        if (slot.pid <= 0 && now >= slot.not_before) {
          spawn(function, slot);
          break;
        }
      }
    }
  }
  for (auto& [queue, death] : deaths) queue->sandbox_died(death.first, death.second);
}

void Supervisor::spawn(Function& function, Slot& slot) {
  const auto& spec = function.spec;
  if (!slot.endpoint) {
    slot.endpoint = std::make_unique<RuntimeEndpoint>(spec.queue, slot.sandbox, host_, 16);
  }
  const std::string api = host_ + ":" + std::to_string(slot.endpoint->port());
  const auto env = make_environment({
      {"AWS_LAMBDA_RUNTIME_API", api},
      {"AWS_LAMBDA_FUNCTION_NAME", spec.name},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(spec.memory_size_mb)},
      {"AWS_REGION", region_},
      {"AWS_DEFAULT_REGION", region_},
      {"AWS_ENDPOINT_URL_LAMBDA", lambda_endpoint_},
      {"AWS_ACCESS_KEY_ID", "AKIDEMULATOR"},
      {"AWS_SECRET_ACCESS_KEY", "emulator-secret"},
      {"AWS_SESSION_TOKEN", "emulator-session"},
  });
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string sh = "/bin/sh";
  std::string dash_c = "-c";
  std::string command = spec.command;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so stop() reaches whatever the shell starts; the emulator blocks
  // SIGINT/SIGTERM for sigwait, and a child must not inherit that mask.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGCHLD);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, sh.c_str(), nullptr, &attr, argv, envp.data());
  posix_spawnattr_destroy(&attr);
  const auto now = std::chrono::steady_clock::now();
  slot.started = now;
  if (rc != 0) {
    slot.pid = -1;
    slot.not_before = now + slot.backoff;
    slot.backoff = std::min(slot.backoff * 2, kMaxBackoff);
    return;
  }
  slot.pid = pid;
  ++function.starts;
}

void Supervisor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  terminate_all();
}

void Supervisor::terminate_all() {
  std::vector<pid_t> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, function] : functions_) {
      for (auto& slot : function.slots) {
        if (slot.pid > 0) live.push_back(slot.pid);
        slot.pid = -1;
      }
    }
  }
  for (pid_t pid : live) ::kill(-pid, SIGTERM);
  const auto grace_end = std::chrono::steady_clock::now() + kStopGrace;
  std::vector<pid_t> left = live;
  while (!left.empty() && std::chrono::steady_clock::now() < grace_end) {
    std::erase_if(left, [](pid_t pid) {
      int status = 0;
      return ::waitpid(pid, &status, WNOHANG) != 0;
    });
    if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t pid : left) {
    ::kill(-pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  // Stragglers the shells left in their groups.
  for (pid_t pid : live) ::kill(-pid, SIGKILL);
  std::lock_guard lock(mu_);
  for (auto& [name, function] : functions_) {
    for (auto& slot : function.slots) {
      if (slot.endpoint) slot.endpoint->stop();
    }
  }
}

std::vector<pid_t> Supervisor::process_ids(const std::string& name) const {
  std::lock_guard lock(mu_);
  std::vector<pid_t> pids;
  auto it = functions_.find(name);
  if (it == functions_.end()) return pids;
  for (const auto& slot : it->second.slots) {
    if (slot.pid > 0) pids.push_back(slot.pid);
  }
  return pids;
}

std::uint64_t Supervisor::starts(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = functions_.find(name);
  return it == functions_.end() ? 0 : it->second.starts;
}

}  // namespace durable::emulator::http
