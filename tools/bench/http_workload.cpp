#include "http_workload.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/emulator/sqlite_store.hpp"

namespace durable::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string encode_path_segment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

struct Connection {
  std::string path;   // /2025-12-01/durable-executions/<arn>/checkpoint
  std::string token;  // the execution's current checkpoint token
  int checkpoints = 0;
  std::vector<double> latencies_ms;
  int errors = 0;
};

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(k, sorted.size() - 1)];
}

}  // namespace

Json run_http_workload(int n, int connections, const std::string& store_path) {
  if (n < 1 || connections < 1) throw std::invalid_argument("http workload: n and C must be >= 1");
  emulator::ServiceOptions service_options;
  std::shared_ptr<emulator::SqliteStore> store;
  if (!store_path.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(store_path + suffix, ec);
    }
    store = std::make_shared<emulator::SqliteStore>(store_path);
    service_options.store = store;
  }
  emulator::Service service(std::make_shared<emulator::SystemClock>(), service_options);
  emulator::FunctionRegistry registry;
  // Never run: the driver is off and the benchmark answers for the handler itself.
  registry.register_durable_function("bench", [](const DurableExecutionInvocationInput&) {
    return DurableExecutionInvocationOutput{};
  });
  emulator::HttpServerOptions options;
  options.run_driver = false;
  emulator::HttpServer server(service, registry, options);
  server.start();
  const int port = server.port();

  std::vector<Connection> conns(static_cast<std::size_t>(connections));
  {
    httplib::Client setup("127.0.0.1", port);
    for (int i = 0; i < connections; ++i) {
      auto res = setup.Post("/2015-03-31/functions/bench/invocations",
                            {{"X-Amz-Invocation-Type", "Event"}}, "{}", "application/json");
      if (!res || res->status != 202) throw std::runtime_error("http workload: Invoke failed");
    }
  }
  for (auto& c : conns) {
    auto pending = service.take_ready_invocation();
    if (!pending) throw std::runtime_error("http workload: no invocation to take");
    c.path = "/2025-12-01/durable-executions/" +
             encode_path_segment(pending->durable_execution_arn) + "/checkpoint";
    c.token = pending->input.checkpoint_token;
  }
  for (int i = 0; i < n; ++i) ++conns[static_cast<std::size_t>(i % connections)].checkpoints;

  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (auto& c : conns) {
    threads.emplace_back([&, conn = &c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      client.set_read_timeout(30, 0);
      conn->latencies_ms.reserve(static_cast<std::size_t>(conn->checkpoints));
      ++ready;
      while (!go) std::this_thread::yield();
      for (int k = 0; k < conn->checkpoints; ++k) {
        Json body = {{"CheckpointToken", conn->token},
                     {"Updates", Json::array({{{"Id", "s" + std::to_string(k)},
                                               {"Type", "STEP"},
                                               {"Action", "SUCCEED"},
                                               {"Payload", std::to_string(k)}}})}};
        const auto sent = Clock::now();
        auto res = client.Post(conn->path, body.dump(), "application/json");
        conn->latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        if (!res || res->status != 200) {
          ++conn->errors;
          break;  // without a new token the execution cannot go on
        }
        conn->token = Json::parse(res->body).at("CheckpointToken").get<std::string>();
      }
    });
  }
  while (ready < connections) std::this_thread::yield();
  const auto started = Clock::now();
  go = true;
  for (auto& t : threads) t.join();
  const double wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  server.stop();

  std::vector<double> all;
  int errors = 0;
  for (auto& c : conns) {
    all.insert(all.end(), c.latencies_ms.begin(), c.latencies_ms.end());
    errors += c.errors;
  }
  std::sort(all.begin(), all.end());
  const auto accepted = static_cast<double>(all.size()) - errors;
  return Json{{"workload", "http"},
              {"n", n},
              {"connections", connections},
              {"wall_ms", wall_ms},
              {"checkpoints", static_cast<std::int64_t>(accepted)},
              {"checkpoints_per_s", wall_ms > 0 ? accepted * 1000.0 / wall_ms : 0.0},
              {"p50_ms", percentile(all, 0.50)},
              {"p99_ms", percentile(all, 0.99)},
              {"errors", errors},
              {"store", store_path.empty() ? std::string("memory") : store_path},
              {"commits", store ? store->commits() : 0},
              {"ok", errors == 0 && static_cast<int>(accepted) == n}};
}

}  // namespace durable::bench
