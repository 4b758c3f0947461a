#include "http/runtime_queue.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>
#include <utility>

#include "durable/model/json.hpp"
#include "make_error.hpp"

namespace durable::emulator::http {
namespace {

using ::durable::emulator::detail::make_error;

RuntimeReply runtime_error_reply(int status, const std::string& type, const std::string& message) {
  return RuntimeReply{status, Json{{"errorType", type}, {"errorMessage", message}}.dump(), {}};
}

RuntimeReply accepted() { return RuntimeReply{202, Json{{"status", "OK"}}.dump(), {}}; }

// The type and "<errorType>: <errorMessage>" of an /error or /init/error post. The header wins
// over the body's errorType, as Lambda reports the header's value.
std::pair<std::string, std::string> describe_error(const std::string& body,
                                                   const std::string& header_type) {
  std::string type = header_type;
  std::string message = body;
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    if (type.empty() && j.contains("errorType") && j["errorType"].is_string()) {
      type = j["errorType"].get<std::string>();
    }
    message = j.contains("errorMessage") && j["errorMessage"].is_string()
                  ? j["errorMessage"].get<std::string>()
                  : std::string();
  }
  if (type.empty()) type = "Runtime.Unknown";
  return {type, type + ": " + message};
}

// The function ARN is the durable execution ARN up to its first '/'.
std::string function_arn_of(const std::string& execution_arn, const std::string& name) {
  if (execution_arn.empty()) return name;
  return execution_arn.substr(0, execution_arn.find('/'));
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += "...(truncated)";
  return text;
}

}  // namespace

std::string make_runtime_request_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    throw std::runtime_error("the emulator could not draw a request id from OpenSSL RAND_bytes");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return buf;
}

RuntimeQueue::RuntimeQueue(std::string function_name, std::chrono::milliseconds timeout)
    : function_name_(std::move(function_name)), timeout_(timeout) {
  if (timeout_ <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument("runtime function '" + function_name_ +
                                "': the timeout must be > 0");
  }
  watchdog_ = std::thread([this] { watchdog(); });
}

RuntimeQueue::~RuntimeQueue() {
  shutdown();
  if (watchdog_.joinable()) watchdog_.join();
}

void RuntimeQueue::submit(const DurableExecutionInvocationInput& input, Done done) {
  auto inv = std::make_shared<Invocation>();
  inv->envelope = Json(input).dump();
  inv->function_arn = function_arn_of(input.durable_execution_arn, function_name_);
  inv->deadline = std::chrono::system_clock::now() + timeout_;
  inv->id = make_runtime_request_id();
  {
    std::lock_guard lock(mu_);
    if (!shut_down_) {
      inv->done = std::move(done);
      active_[inv->id] = inv;
      queue_.push_back(inv);
      cv_.notify_all();
      return;
    }
  }
  InvocationOutcome outcome;
  outcome.error = make_error("Runtime.ExitError", "the emulator's Runtime API for function '" +
                                                      function_name_ + "' is shutting down");
  outcome.abandoned_by_host = true;
  done(std::move(outcome));
}

RuntimeReply RuntimeQueue::next(SandboxId sandbox, std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, max_wait, [&] { return shut_down_ || !queue_.empty(); });
  if (shut_down_) {
    return runtime_error_reply(503, "ServiceUnavailable", "the emulator is shutting down");
  }
  if (queue_.empty()) return RuntimeReply{204, "", {}};
  Ptr inv = std::move(queue_.front());
  queue_.pop_front();
  inv->state = State::kTaken;
  inv->sandbox = sandbox;
  RuntimeReply reply{200, std::move(inv->envelope), {}};
  inv->envelope = std::string();  // the process has it now; the queue need not
  const auto deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(inv->deadline.time_since_epoch())
          .count();
  reply.headers["Lambda-Runtime-Aws-Request-Id"] = inv->id;
  reply.headers["Lambda-Runtime-Deadline-Ms"] = std::to_string(deadline_ms);
  reply.headers["Lambda-Runtime-Invoked-Function-Arn"] = inv->function_arn;
  reply.headers["Lambda-Runtime-Trace-Id"] =
      "Root=1-00000000-" + inv->id.substr(0, 8) + ";Parent=0000000000000000;Sampled=0";
  return reply;
}

RuntimeReply RuntimeQueue::respond(const std::string& request_id, const std::string& body) {
  InvocationOutcome outcome;
  // Parsed before the lock: a large response costs no other request any time.
  try {
    outcome.output = Json::parse(body).get<DurableExecutionInvocationOutput>();
  } catch (const std::exception& e) {
    outcome.error = make_error("Runtime.InvalidResponse",
                               "Runtime.InvalidResponse: the response of invocation " +
                                   request_id + " is not a durable invocation output: " +
                                   e.what());
  }
  return answer(request_id, std::move(outcome));
}

RuntimeReply RuntimeQueue::fail(const std::string& request_id, const std::string& body,
                                const std::string& error_type) {
  auto [type, text] = describe_error(body, error_type);
  InvocationOutcome outcome;
  outcome.error = make_error(std::move(type), std::move(text));
  return answer(request_id, std::move(outcome));
}

RuntimeReply RuntimeQueue::answer(const std::string& request_id, InvocationOutcome outcome) {
  Done done;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(request_id);
    if (it == active_.end()) {
      auto settled = settled_.find(request_id);
      if (settled == settled_.end()) {
        return runtime_error_reply(404, "InvalidRequestID",
                                   "Invalid request ID: '" + request_id +
                                       "' is not an invocation of function '" + function_name_ +
                                       "' in flight");
      }
      switch (settled->second) {
        case Settled::kAnswered:
          return runtime_error_reply(400, "InvalidStateTransition",
                                     "Invocation " + request_id + " was already answered");
        case Settled::kTimedOut:
          return runtime_error_reply(400, "InvalidStateTransition",
                                     "Invocation " + request_id + " already timed out");
        case Settled::kFailed:
          return runtime_error_reply(400, "InvalidStateTransition",
                                     "Invocation " + request_id +
                                         " already failed (its process exited or the emulator "
                                         "is shutting down)");
      }
    }
    if (it->second->state == State::kQueued) {
      return runtime_error_reply(400, "InvalidStateTransition",
                                 "Invocation " + request_id + " has not been taken from /next");
    }
    done = settle_locked(request_id, Settled::kAnswered);
  }
  done(std::move(outcome));
  return accepted();
}

RuntimeReply RuntimeQueue::init_error(const std::string& body, const std::string& error_type) {
  auto described = describe_error(body, error_type).second;
  std::lock_guard lock(mu_);
  init_errors_.push_back(truncate_utf8(std::move(described), kInitErrorBytes));
  while (init_errors_.size() > kInitErrorsKept) init_errors_.pop_front();
  return accepted();
}

RuntimeQueue::Done RuntimeQueue::settle_locked(const std::string& id, Settled how) {
  auto it = active_.find(id);
  Ptr inv = std::move(it->second);
  active_.erase(it);
  if (inv->state == State::kQueued) std::erase(queue_, inv);
  settled_[id] = how;
  settled_order_.push_back(id);
  while (settled_order_.size() > kSettledIdsKept) {
    settled_.erase(settled_order_.front());
    settled_order_.pop_front();
  }
  return std::move(inv->done);
}

std::size_t RuntimeQueue::sandbox_died(SandboxId sandbox, const std::string& why) {
  std::vector<std::pair<std::string, Done>> failed;
  {
    std::lock_guard lock(mu_);
    std::vector<std::string> ids;
    for (const auto& [id, inv] : active_) {
      if (inv->state == State::kTaken && inv->sandbox == sandbox) ids.push_back(id);
    }
    for (const auto& id : ids) failed.emplace_back(id, settle_locked(id, Settled::kFailed));
  }
  for (auto& [id, done] : failed) {
    InvocationOutcome outcome;
    outcome.error = make_error("Runtime.ExitError", "RequestId: " + id + " Error: " + why);
    done(std::move(outcome));
  }
  return failed.size();
}

void RuntimeQueue::shutdown() {
  std::vector<std::pair<std::string, Done>> failed;
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
    std::vector<std::string> ids;
    for (const auto& entry : active_) ids.push_back(entry.first);
    for (const auto& id : ids) failed.emplace_back(id, settle_locked(id, Settled::kFailed));
  }
  cv_.notify_all();
  for (auto& [id, done] : failed) {
    InvocationOutcome outcome;
    outcome.error = make_error("Runtime.ExitError",
                               "the emulator's Runtime API shut down during invocation " + id);
    outcome.abandoned_by_host = true;  // the emulator is going away, not the function failing
    done(std::move(outcome));
  }
}

bool RuntimeQueue::is_shut_down() const {
  std::lock_guard lock(mu_);
  return shut_down_;
}

void RuntimeQueue::watchdog() {
  std::unique_lock lock(mu_);
  while (!shut_down_) {
    const auto now = std::chrono::system_clock::now();
    auto earliest = now + std::chrono::seconds(1);
    std::vector<std::string> overdue;
    for (const auto& [id, inv] : active_) {
      if (inv->deadline <= now) {
        overdue.push_back(id);
      } else if (inv->deadline < earliest) {
        earliest = inv->deadline;
      }
    }
    if (!overdue.empty()) {
      std::vector<std::pair<std::string, Done>> expired;
      for (const auto& id : overdue) expired.emplace_back(id, settle_locked(id, Settled::kTimedOut));
      lock.unlock();
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%.2f",
                    std::chrono::duration<double>(timeout_).count());
      for (auto& [id, done] : expired) {
        InvocationOutcome outcome;
        // Lambda's own wording; a process still working on it is told so by its next post.
        outcome.error = make_error("Sandbox.Timedout", "Sandbox.Timedout: RequestId: " + id +
                                                           " Error: Task timed out after " +
                                                           seconds + " seconds");
        done(std::move(outcome));
      }
      lock.lock();
      continue;
    }
    // Woken by every submit, so a new invocation's (later) deadline is seen in time too.
    cv_.wait_until(lock, earliest);
  }
}

std::size_t RuntimeQueue::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::size_t RuntimeQueue::held() const {
  std::lock_guard lock(mu_);
  return active_.size() - queue_.size();
}

bool RuntimeQueue::holds(SandboxId sandbox) const {
  std::lock_guard lock(mu_);
  for (const auto& entry : active_) {
    if (entry.second->state == State::kTaken && entry.second->sandbox == sandbox) return true;
  }
  return false;
}

std::size_t RuntimeQueue::remembered_ids() const {
  std::lock_guard lock(mu_);
  return active_.size() + settled_.size();
}

std::size_t RuntimeQueue::retained_body_bytes() const {
  std::lock_guard lock(mu_);
  std::size_t bytes = 0;
  for (const auto& entry : active_) bytes += entry.second->envelope.size();
  return bytes;
}

std::deque<std::string> RuntimeQueue::init_errors() const {
  std::lock_guard lock(mu_);
  return init_errors_;
}

}  // namespace durable::emulator::http
