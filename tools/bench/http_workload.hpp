// The `http` workload of durable-bench: the emulator's checkpoint API over real HTTP on
// 127.0.0.1, the way an SDK in another process talks to durable-emulator.
#pragma once

#include <string>

#include "durable/model/json.hpp"

namespace durable::bench {

// Starts an in-process HttpServer on 127.0.0.1 (ephemeral port), starts `connections`
// executions with Event Invokes, takes their invocations itself (the server's driver is off, so
// no handler runs) and then, over one keep-alive connection per execution, sends `n`
// checkpoints in all, each one STEP SUCCEED, following each response's CheckpointToken.
// Returns the durable-bench JSON line: workload, n, connections, wall_ms, checkpoints,
// checkpoints_per_s, p50_ms, p99_ms (per-request latency), errors and ok (every checkpoint
// answered 200), and store ("memory", or the SQLite file) with commits (SQLite transactions).
// With a non-empty `store_path` the Service writes through a fresh SqliteStore there (an
// existing file is replaced), so every 200 means the checkpoint was committed. Any thread;
// starts `connections` threads of its own.
Json run_http_workload(int n, int connections, const std::string& store_path = "");

}  // namespace durable::bench
