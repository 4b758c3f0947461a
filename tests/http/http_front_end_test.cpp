// The HTTP front end under concurrent and misbehaving clients (issue 11 §3): idle keep-alive
// connections, slow-header clients and waiting synchronous Invokes never stop the server
// answering others; long polls are capped with 429; an abandoned Invoke stops waiting; responses
// go out without Nagle's delay; keep-alive has no small request cap. All on 127.0.0.1, every loop
// bounded in count and time.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/tcp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/client_connection.hpp"
#include "http_test_server.hpp"

namespace durable::emulator::testing {
namespace {

// A client that gives up after `seconds`: a starved server shows as a failed request.
httplib::Result health(int port, time_t seconds) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(seconds, 0);
  c.set_read_timeout(seconds, 0);
  c.set_write_timeout(seconds, 0);
  return c.Get("/health");
}

TEST(HttpFrontEndTest, IdleKeepAliveConnectionsDoNotStarveOthers) {
  HttpTestServer server;
  // More idle connections than httplib's fixed pool of 8 threads had.
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 24; ++i) {
    idle.push_back(std::make_unique<httplib::Client>("127.0.0.1", server.port()));
    idle.back()->set_keep_alive(true);
    auto res = idle.back()->Get("/health");
    ASSERT_TRUE(res) << "connection " << i;
  }
  for (int i = 0; i < 3; ++i) {
    auto res = health(server.port(), 4);
    ASSERT_TRUE(res) << "starved behind idle keep-alive connections";
    EXPECT_EQ(res->status, 200);
  }
}

TEST(HttpFrontEndTest, SlowHeaderClientsDoNotStarveOthersAndAreCutOff) {
  HttpServerOptions options;
  options.read_timeout = std::chrono::milliseconds(500);
  HttpTestServer server(options);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 12; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port()));
    slow.back()->send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  }
  auto res = health(server.port(), 4);
  ASSERT_TRUE(res) << "starved behind slow-header clients";
  EXPECT_EQ(res->status, 200);
  // Each stalled client is cut off once it has sent nothing for the read timeout: its request
  // is answered 400 and the connection is marked for closing.
  for (auto& c : slow) {
    const std::string answer = c->read_response(std::chrono::seconds(15));
    EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  }
}

TEST(HttpFrontEndTest, ManyConcurrentSynchronousInvokesAllComplete) {
  HttpTestServer server;
  constexpr int kInvokes = 12;  // six already deadlocked
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kInvokes; ++i) {
    threads.emplace_back([&, i] {
      auto c = server.client(30);
      auto res = c.Post("/2015-03-31/functions/stepper/invocations", std::to_string(i),
                        "application/json");
      if (res && res->status == 200 && res->body == std::to_string(i)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kInvokes);
}

TEST(HttpFrontEndTest, LongPollsAreCappedAndAnAbandonedInvokeStopsWaiting) {
  HttpServerOptions options;
  options.max_long_polls = 1;
  HttpTestServer server(options);
  // A synchronous Invoke of a function that waits for a callback nobody sends.
  auto waiting = std::make_unique<RawConnection>(server.port());
  waiting->send(
      "POST /2015-03-31/functions/callbacker/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  bool opened = false;
  for (int i = 0; i < 2000 && !opened; ++i) {
    ListDurableExecutionsByFunctionRequest list;
    list.function_name = "callbacker";
    auto page = server.service().list_executions(list);
    opened = !page.durable_executions.empty() &&
             !server.service().callbacks(page.durable_executions[0].durable_execution_arn).empty();
    if (!opened) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(opened);
  // The one long-poll place is taken: another synchronous Invoke is refused at once...
  HttpTestServer::expect_error(server.invoke("echo", "{}"), 429, "TooManyRequestsException",
                               "synchronous Invokes");
  // ...while asynchronous ones and other routes still work.
  auto event = server.invoke("echo", "{}", "Event");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->status, 202);
  // The waiting client gives up; its place is freed without waiting for the execution.
  waiting->close();
  bool freed = false;
  for (int i = 0; i < 200 && !freed; ++i) {
    auto res = server.invoke("echo", "{}");
    ASSERT_TRUE(res);
    freed = res->status == 200;
    if (!freed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(freed) << "the abandoned Invoke kept its long-poll place";
}

TEST(HttpFrontEndTest, KeepAliveHasNoSmallRequestCap) {
  HttpTestServer server;
  httplib::Client c("127.0.0.1", server.port());
  c.set_keep_alive(true);
  for (int i = 0; i < 50; ++i) {
    auto res = c.Get("/health");
    ASSERT_TRUE(res);
    EXPECT_NE(res->get_header_value("Connection"), "close") << "request " << i;
  }
}

TEST(HttpFrontEndTest, AcceptedConnectionsHaveNagleOff) {
  HttpTestServer server;
  RawConnection raw(server.port());
  raw.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_NE(raw.read_response(std::chrono::seconds(10)).find("healthy"), std::string::npos);
  // The server's end of this connection lives in this process: find it by its ports.
  httplib::Request as_seen;
  as_seen.local_port = server.port();
  as_seen.remote_port = raw.local_port();
  const int fd = http::find_connection_socket(as_seen);
  ASSERT_GE(fd, 0);
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
  EXPECT_NE(nodelay, 0);
}

TEST(HttpFrontEndTest, ListenBacklogIsAtLeast128) {
  HttpTestServer server;
  // `ss -ltn` shows a listening socket's backlog in the Send-Q column.
  const std::string cmd =
      "ss -Hltn 'sport = :" + std::to_string(server.port()) + "' 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[512] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  if (!got) GTEST_SKIP() << "ss is not available";
  // State Recv-Q Send-Q Local Peer
  char state[32] = {};
  int recv_q = 0;
  int send_q = 0;
  ASSERT_EQ(std::sscanf(line, "%31s %d %d", state, &recv_q, &send_q), 3) << line;
  EXPECT_GE(send_q, 128) << line;
}

TEST(HttpFrontEndTest, StopDoesNotWaitForIdleKeepAliveConnections) {
  HttpServerOptions options;
  options.keep_alive_timeout = std::chrono::seconds(200);
  auto server = std::make_unique<HttpTestServer>(options);
  httplib::Client idle("127.0.0.1", server->port());
  idle.set_keep_alive(true);
  ASSERT_TRUE(idle.Get("/health"));
  // `idle` stays open; without ending its connection stop() would wait out the 200 s timeout.
  const auto before = std::chrono::steady_clock::now();
  server.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(100));
}

}  // namespace
}  // namespace durable::emulator::testing
