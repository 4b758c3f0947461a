// RuntimeEndpoint: one loopback listener speaking the Lambda Runtime API
// (/2018-06-01/runtime/...) for one RuntimeQueue, as the AWS_LAMBDA_RUNTIME_API a Lambda sandbox
// sees. A function has one shared endpoint (the port printed as `runtime-api NAME HOST:PORT`,
// for handler processes started by someone else: each poller there is an anonymous sandbox)
// and, when the emulator starts its processes itself, one endpoint per process slot, so that the
// invocation a process holds can be failed when that process dies.
//
// Threads: httplib's own pool (a few threads: a runtime makes one request at a time, and
// long-polls /next in slices so stop() is prompt). It shares no lock with the HttpServer; every
// route goes straight to the queue.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/runtime_queue.hpp"

namespace durable::emulator::http {

// Serves one Runtime API request against `queue` as `sandbox`: `segments` is the decoded path
// (starting "2018-06-01", "runtime"), `stopping` ends a /next long-poll. Unknown routes answer
// 404 and wrong methods 405, both UnknownOperationException. Any request thread.
void serve_runtime_request(RuntimeQueue& queue, SandboxId sandbox,
                           const std::vector<std::string>& segments, const httplib::Request& req,
                           httplib::Response& res, const std::atomic<bool>& stopping);

class RuntimeEndpoint {
 public:
  // Binds `host` on an ephemeral port and starts serving at once, serving at most `threads`
  // connections at a time (a thread each, started on demand; later ones wait). Throws std::runtime_error
  // naming the host when the bind fails.
  RuntimeEndpoint(std::shared_ptr<RuntimeQueue> queue, SandboxId sandbox, const std::string& host,
                  int threads);
  // As stop().
  ~RuntimeEndpoint();
  RuntimeEndpoint(const RuntimeEndpoint&) = delete;
  RuntimeEndpoint& operator=(const RuntimeEndpoint&) = delete;

  int port() const { return port_; }
  // Ends /next long-polls (503), closes the listener, joins its thread. Idempotent; any thread
  // but one of this endpoint's request handlers.
  void stop();

 private:
  std::shared_ptr<RuntimeQueue> queue_;
  SandboxId sandbox_;
  httplib::Server server_;
  std::atomic<int> listen_fd_{-1};  // captured at bind, to widen the listen queue
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  std::thread listener_;
};

}  // namespace durable::emulator::http
