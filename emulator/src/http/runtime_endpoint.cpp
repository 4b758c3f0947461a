#include "http/runtime_endpoint.hpp"

#include <stdexcept>
#include <utility>

#include "durable/model/json.hpp"
#include "http/error_response.hpp"
#include "http/front_end.hpp"
#include "http/url_codec.hpp"

namespace durable::emulator::http {
namespace {

constexpr const char* kJson = "application/json";
// A /next waits in slices of this length, so that stop() is noticed promptly.
constexpr std::chrono::milliseconds kNextSlice{200};

bool method_is(const httplib::Request& req, httplib::Response& res, const char* expected) {
  if (req.method == expected) return true;
  write_error(res, 405, "UnknownOperationException",
              "Method " + req.method + " is not allowed here; this route takes " + expected);
  return false;
}

}  // namespace

void serve_runtime_request(RuntimeQueue& queue, SandboxId sandbox,
                           const std::vector<std::string>& seg, const httplib::Request& req,
                           httplib::Response& res, const std::atomic<bool>& stopping) {
  RuntimeReply reply;
  const std::string error_type = req.get_header_value("Lambda-Runtime-Function-Error-Type");
  if (seg.size() == 4 && seg[2] == "invocation" && seg[3] == "next") {
    if (!method_is(req, res, "GET")) return;
    do {
      reply = queue.next(sandbox, kNextSlice);
    } while (reply.status == 204 && !stopping);
    if (reply.status == 204) {
      reply = RuntimeReply{503,
                           Json{{"errorType", "ServiceUnavailable"},
                                {"errorMessage", "the emulator is shutting down"}}
                               .dump(),
                           {}};
    }
  } else if (seg.size() == 5 && seg[2] == "invocation" && seg[4] == "response") {
    if (!method_is(req, res, "POST")) return;
    reply = queue.respond(seg[3], req.body);
  } else if (seg.size() == 5 && seg[2] == "invocation" && seg[4] == "error") {
    if (!method_is(req, res, "POST")) return;
    reply = queue.fail(seg[3], req.body, error_type);
  } else if (seg.size() == 4 && seg[2] == "init" && seg[3] == "error") {
    if (!method_is(req, res, "POST")) return;
    reply = queue.init_error(req.body, error_type);
  } else {
    write_error(res, 404, "UnknownOperationException",
                "Unknown operation: " + req.method + " " + req.target.substr(0, req.target.find('?')));
    return;
  }
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  res.set_content(reply.body, kJson);
}

RuntimeEndpoint::RuntimeEndpoint(std::shared_ptr<RuntimeQueue> queue, SandboxId sandbox,
                                 const std::string& host, int threads)
    : queue_(std::move(queue)), sandbox_(sandbox) {
  // The main port's front end (TCP_NODELAY, keep-alive without a request cap, a thread per
  // connection up to the cap, read/write timeouts): a runtime keeps its connection for every
  // /next and answer of its life, and without TCP_NODELAY each answer waits for a delayed ACK.
  // Answers and init errors are capped as Lambda caps a synchronous response (6 MB).
  configure_front_end(server_,
                      FrontEndLimits{static_cast<std::size_t>(threads < 1 ? 1 : threads),
                                     std::chrono::seconds(30), std::chrono::seconds(10),
                                     std::chrono::seconds(10), 6 * 1024 * 1024},
                      listen_fd_);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    try {
      const auto seg = split_path(req.target);
      if (seg.size() >= 2 && seg[0] == "2018-06-01" && seg[1] == "runtime") {
        serve_runtime_request(*queue_, sandbox_, seg, req, res, stopping_);
        return;
      }
      write_error(res, 404, "UnknownOperationException",
                  "Unknown operation: " + req.method + " " +
                      req.target.substr(0, req.target.find('?')) +
                      " (this port serves only the Lambda Runtime API of function " +
                      queue_->function_name() + ")");
    } catch (const std::exception& e) {
      // split_path refuses bad escapes with an ApiError, whose text says what was wrong.
      write_error(res, 400, "InvalidRequestContentException", e.what());
    }
  };
  const std::string any = R"([\s\S]*)";
  server_.Get(any, handler);
  server_.Post(any, handler);
  server_.Put(any, handler);
  server_.Delete(any, handler);
  server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      write_error(res, 413, "RequestTooLargeException",
                  "Request must be smaller than 6291456 bytes for the Runtime API");
    } else {
      write_error(res, res.status, "UnknownOperationException",
                  "Unknown operation: " + req.method + " " + req.path);
    }
  });
  port_ = server_.bind_to_any_port(host);
  if (port_ <= 0) {
    throw std::runtime_error("RuntimeEndpoint: cannot listen on " + host + " for function " +
                             queue_->function_name());
  }
  widen_listen_backlog(listen_fd_, 128);
  listener_ = std::thread([this] { server_.listen_after_bind(); });
  // httplib's stop() is a no-op until its accept loop runs.
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

RuntimeEndpoint::~RuntimeEndpoint() { stop(); }

void RuntimeEndpoint::stop() {
  stopping_ = true;
  server_.stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace durable::emulator::http
