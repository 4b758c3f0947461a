// A Service served over HTTP on 127.0.0.1 with a few registered functions, for the HTTP tests:
//   echo        returns its input;
//   callbacker  opens callback "cb1" through the HTTP checkpoint route, then ends with the
//               callback's result once it completes;
//   stepper     checkpoints one step over a fresh HTTP connection, then returns its input.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/model/api.hpp"
#include "http/url_codec.hpp"

namespace durable::emulator::testing {

inline const Operation* find_operation(const DurableExecutionInvocationInput& in,
                                       const std::string& id) {
  for (const auto& op : in.initial_execution_state.operations) {
    if (op.id == id) return &op;
  }
  return nullptr;
}

// A plain TCP connection to 127.0.0.1:port, for clients that misbehave on purpose.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("RawConnection: cannot connect");
    }
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("RawConnection: short send");
    }
  }
  // Everything received until the server closes the connection or `limit` passes with nothing
  // new; `closed` says which.
  std::string read_until_closed(std::chrono::milliseconds limit, bool& closed) {
    std::string out;
    closed = false;
    char buf[4096];
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return out;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  // One HTTP response (headers and a Content-Length body); what arrived by `limit` otherwise.
  std::string read_response(std::chrono::milliseconds limit) {
    std::string out;
    char buf[4096];
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto cl = out.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) {
          const std::size_t length = std::stoul(out.substr(cl + 16));
          if (out.size() >= end + 4 + length) return out;
        }
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int local_port() const {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
  }

 private:
  int fd_;
};

class HttpTestServer {
 public:
  explicit HttpTestServer(HttpServerOptions options = {})
      : service_(std::make_shared<SystemClock>()) {
    registry_.register_durable_function("echo", [](const DurableExecutionInvocationInput& in) {
      DurableExecutionInvocationOutput out;
      out.status = InvocationStatus::Succeeded;
      out.result = in.initial_execution_state.operations.at(0).execution_details->input_payload;
      return out;
    });
    registry_.register_durable_function("callbacker", [this](const DurableExecutionInvocationInput& in) {
      return one_operation(in, "cb1", {{"Id", "cb1"}, {"Type", "CALLBACK"}, {"Action", "START"}});
    });
    registry_.register_durable_function("stepper", [this](const DurableExecutionInvocationInput& in) {
      return one_operation(in, "s1",
                           {{"Id", "s1"}, {"Type", "STEP"}, {"Action", "SUCCEED"},
                            {"Payload", "1"}});
    });
    server_ = std::make_unique<HttpServer>(service_, registry_, options);
    server_->start();
    port_ = server_->port();
  }
  ~HttpTestServer() { server_->stop(); }

  int port() const { return port_; }
  Service& service() { return service_; }
  HttpServer& server() { return *server_; }

  httplib::Client client(time_t read_timeout_s = 20) const {
    httplib::Client c("127.0.0.1", port_.load());
    c.set_read_timeout(read_timeout_s, 0);
    c.set_connection_timeout(5, 0);
    return c;
  }

  httplib::Result invoke(const std::string& fn, const std::string& payload,
                         const std::string& type = "RequestResponse") const {
    return client().Post("/2015-03-31/functions/" + http::percent_encode(fn) + "/invocations",
                         {{"X-Amz-Invocation-Type", type}}, payload, "application/json");
  }

  static std::string execution_path(const std::string& arn) {
    return "/2025-12-01/durable-executions/" + http::percent_encode(arn);
  }
  static std::string callback_path(const std::string& id, const std::string& action) {
    return "/2025-12-01/durable-execution-callbacks/" + http::percent_encode(id) + "/" + action;
  }

  // Starts "callbacker" asynchronously and returns {arn, callback id} once the callback is open.
  std::pair<std::string, std::string> open_callback() {
    auto start = invoke("callbacker", "{}", "Event");
    if (!start || start->status != 202) throw std::runtime_error("Event invoke refused");
    const std::string arn = start->get_header_value("X-Amz-Durable-Execution-Arn");
    for (int i = 0; i < 2000; ++i) {
      auto cbs = service_.callbacks(arn);
      if (!cbs.empty()) return {arn, cbs[0].callback_id};
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    throw std::runtime_error("the callback never opened");
  }

  // GetDurableExecution and GetDurableExecutionHistory of `arn` both answer 200.
  void expect_readable(const std::string& arn) const {
    auto get = client().Get(execution_path(arn));
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200) << get->body;
    auto history = client().Get(execution_path(arn) + "/history?IncludeExecutionData=true");
    ASSERT_TRUE(history);
    EXPECT_EQ(history->status, 200) << history->body;
  }

  static void expect_error(const httplib::Result& res, int status, const std::string& code,
                           const std::string& text) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("X-Amzn-ErrorType"), code) << res->body;
    Json body = Json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_EQ(body.value("Type", ""), code);
    const std::string message = body.value("message", body.value("Message", ""));
    EXPECT_NE(message.find(text), std::string::npos) << res->body;
  }

 private:
  // Starts `update` over HTTP on the first invocation; ends with its outcome on a later one.
  DurableExecutionInvocationOutput one_operation(const DurableExecutionInvocationInput& in,
                                                 const std::string& id, const Json& update) {
    DurableExecutionInvocationOutput out;
    const Operation* op = find_operation(in, id);
    if (op == nullptr) {
      Json body = {{"CheckpointToken", in.checkpoint_token}, {"Updates", Json::array({update})}};
      auto res = client().Post(execution_path(in.durable_execution_arn) + "/checkpoint",
                               body.dump(), "application/json");
      if (!res || res->status != 200) throw std::runtime_error("checkpoint refused");
      if (id != "s1") {
        out.status = InvocationStatus::Pending;
        return out;
      }
      out.status = InvocationStatus::Succeeded;
      out.result = in.initial_execution_state.operations.at(0).execution_details->input_payload;
      return out;
    }
    if (op->status == OperationStatus::Succeeded) {
      out.status = InvocationStatus::Succeeded;
      out.result = op->callback_details ? op->callback_details->result.value_or("null") : "1";
    } else {
      out.status = InvocationStatus::Failed;
      out.error = ErrorObject{};
      out.error->error_type = "OperationFailed";
    }
    return out;
  }

  Service service_;
  FunctionRegistry registry_;
  std::unique_ptr<HttpServer> server_;
  // Read by handlers on the driver thread, which learns of the write only through a socket.
  std::atomic<int> port_{0};
};

}  // namespace durable::emulator::testing
