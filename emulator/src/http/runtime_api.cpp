#include "http/runtime_api.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <utility>

#include "durable/model/json.hpp"

namespace durable::emulator::http {
namespace {

// Lambda request ids are UUIDs; a random one per invocation keeps ids from two emulator runs
// apart, which a process that outlives one emulator would otherwise confuse.
std::string make_request_id(std::uint64_t counter) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t a = rng() ^ counter;
  const std::uint64_t b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(a & 0xfff), static_cast<unsigned>(b >> 52),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

RuntimeReply runtime_error_reply(int status, const std::string& type, const std::string& message) {
  return RuntimeReply{status, Json{{"errorType", type}, {"errorMessage", message}}.dump(), {}};
}

// "<errorType>: <errorMessage>" from an /error or /init/error post. The header wins over the
// body's errorType, as Lambda reports the header's value.
std::string describe_error(const std::string& body, const std::string& header_type) {
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
  return type + ": " + message;
}

// The function ARN is the durable execution ARN up to its first '/'.
std::string function_arn_of(const std::string& envelope, const std::string& name) {
  Json j = Json::parse(envelope, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("DurableExecutionArn") && j["DurableExecutionArn"].is_string()) {
    const auto arn = j["DurableExecutionArn"].get<std::string>();
    return arn.substr(0, arn.find('/'));
  }
  return name;
}

}  // namespace

DurableFunction RuntimeApi::function_for(const std::shared_ptr<RuntimeApi>& api,
                                         const std::string& name,
                                         std::chrono::milliseconds timeout) {
  if (timeout <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument("runtime function '" + name + "': the timeout must be > 0");
  }
  return [weak = std::weak_ptr<RuntimeApi>(api), name,
          timeout](const DurableExecutionInvocationInput& input) {
    const std::shared_ptr<RuntimeApi> self = weak.lock();
    if (!self) {
      throw std::runtime_error("runtime function '" + name +
                               "': the HttpServer that served its Runtime API is gone");
    }
    return self->invoke(name, timeout, input);
  };
}

DurableExecutionInvocationOutput RuntimeApi::invoke(const std::string& name,
                                                    std::chrono::milliseconds timeout,
                                                    const DurableExecutionInvocationInput& input) {
  auto inv = std::make_shared<Invocation>();
  inv->function_name = name;
  inv->envelope = Json(input).dump();
  inv->deadline = std::chrono::system_clock::now() + timeout;
  std::unique_lock lock(mu_);
  if (shut_down_) throw std::runtime_error("the emulator's Runtime API is shutting down");
  inv->id = make_request_id(++next_id_);
  by_id_[inv->id] = inv;
  queue_.push_back(inv);
  cv_.notify_all();
  const bool answered = cv_.wait_until(lock, inv->deadline, [&] {
    return inv->state == State::kAnswered || shut_down_;
  });
  if (!answered) {
    // Lambda's own wording; a process still working on it is told so by its next post.
    inv->state = State::kTimedOut;
    std::erase(queue_, inv);
    std::erase(taken_, inv);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f",
                  std::chrono::duration<double>(timeout).count());
    throw std::runtime_error("Sandbox.Timedout: RequestId: " + inv->id +
                             " Error: Task timed out after " + seconds + " seconds");
  }
  if (inv->state != State::kAnswered) {
    inv->state = State::kTimedOut;
    std::erase(queue_, inv);
    std::erase(taken_, inv);
    throw std::runtime_error("the emulator's Runtime API shut down during invocation " + inv->id);
  }
  if (inv->error) throw std::runtime_error(*inv->error);
  try {
    return Json::parse(*inv->response).get<DurableExecutionInvocationOutput>();
  } catch (const std::exception& e) {
    throw std::runtime_error("Runtime.InvalidResponse: the response of invocation " + inv->id +
                             " is not a durable invocation output: " + e.what());
  }
}

RuntimeReply RuntimeApi::next(std::chrono::milliseconds max_wait, bool new_poll) {
  std::unique_lock lock(mu_);
  if (new_poll) {
    // taken_ holds only invocations handed out and not answered nor timed out.
    for (auto& inv : taken_) {
      inv->state = State::kAnswered;
      inv->error = "Runtime.ExitError: the runtime asked for its next invocation without "
                   "answering request " + inv->id + " (the process that took it is gone)";
      inv->envelope.clear();
    }
    if (!taken_.empty()) cv_.notify_all();
    taken_.clear();
  }
  cv_.wait_for(lock, max_wait, [&] { return shut_down_ || !queue_.empty(); });
  if (shut_down_) {
    return runtime_error_reply(503, "ServiceUnavailable", "the emulator is shutting down");
  }
  if (queue_.empty()) return RuntimeReply{204, "", {}};
  auto inv = queue_.front();
  queue_.pop_front();
  inv->state = State::kTaken;
  taken_.push_back(inv);
  RuntimeReply reply{200, inv->envelope, {}};
  const auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               inv->deadline.time_since_epoch())
                               .count();
  reply.headers["Lambda-Runtime-Aws-Request-Id"] = inv->id;
  reply.headers["Lambda-Runtime-Deadline-Ms"] = std::to_string(deadline_ms);
  reply.headers["Lambda-Runtime-Invoked-Function-Arn"] =
      function_arn_of(inv->envelope, inv->function_name);
  reply.headers["Lambda-Runtime-Trace-Id"] = "Root=1-00000000-" + inv->id.substr(0, 8) +
                                             ";Parent=0000000000000000;Sampled=0";
  return reply;
}

RuntimeReply RuntimeApi::respond(const std::string& request_id, const std::string& body) {
  return answer(request_id, body, std::nullopt);
}

RuntimeReply RuntimeApi::fail(const std::string& request_id, const std::string& body,
                              const std::string& error_type) {
  return answer(request_id, std::nullopt, describe_error(body, error_type));
}

RuntimeReply RuntimeApi::answer(const std::string& request_id,
                                std::optional<std::string> response,
                                std::optional<std::string> error) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(request_id);
  if (it == by_id_.end()) {
    return runtime_error_reply(404, "InvalidRequestID",
                               "Invalid request ID: '" + request_id + "' was never handed out");
  }
  auto& inv = *it->second;
  switch (inv.state) {
    case State::kQueued:
      return runtime_error_reply(400, "InvalidStateTransition",
                                 "Invocation " + request_id + " has not been taken from /next");
    case State::kAnswered:
      return runtime_error_reply(400, "InvalidStateTransition",
                                 "Invocation " + request_id + " was already answered");
    case State::kTimedOut:
      return runtime_error_reply(400, "InvalidStateTransition",
                                 "Invocation " + request_id + " already timed out");
    case State::kTaken:
      break;
  }
  std::erase(taken_, it->second);
  inv.state = State::kAnswered;
  inv.response = std::move(response);
  inv.error = std::move(error);
  inv.envelope.clear();  // the id stays known for 400/404 answers; the state need not
  inv.envelope.shrink_to_fit();
  cv_.notify_all();
  return RuntimeReply{202, Json{{"status", "OK"}}.dump(), {}};
}

RuntimeReply RuntimeApi::init_error(const std::string& body, const std::string& error_type) {
  std::lock_guard lock(mu_);
  init_errors_.push_back(describe_error(body, error_type));
  return RuntimeReply{202, Json{{"status", "OK"}}.dump(), {}};
}

void RuntimeApi::shutdown() {
  {
    std::lock_guard lock(mu_);
    shut_down_ = true;
  }
  cv_.notify_all();
}

std::deque<std::string> RuntimeApi::init_errors() const {
  std::lock_guard lock(mu_);
  return init_errors_;
}

std::size_t RuntimeApi::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace durable::emulator::http
