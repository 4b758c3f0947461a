// durable-bench-http: the `http` workload of durable-bench (http_workload.hpp) in a program of its
// own, so that the in-process workloads' program loads neither cpp-httplib (with OpenSSL, brotli
// and zlib) nor SQLite: dynamic loading dominates a short run's whole-process time.
// `durable-bench --workload http ...` runs this program with the same options.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "http_workload.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Measures the emulator's checkpoint API over HTTP on 127.0.0.1"};
  int n = 20000;
  int repeat = 1;
  int connections = 16;
  std::string store_path;
  std::string workload = "http";
  app.add_option("--workload", workload, "http (accepted for durable-bench's command line)")
      ->check(CLI::IsMember({"http"}));
  app.add_option("--connections", connections,
                 "executions driven at once, one keep-alive connection each (default 16)")
      ->check(CLI::Range(1, 256));
  app.add_option("--store", store_path,
                 "write through an SQLite store at this path (replaced if it exists)");
  app.add_option("--n", n, "checkpoints to send in all (default 20000)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--repeat", repeat, "runs to make, one JSON line each")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  bool all_ok = true;
  for (int k = 0; k < repeat; ++k) {
    durable::Json line = durable::bench::run_http_workload(n, connections, store_path);
    all_ok = all_ok && line["ok"].get<bool>();
    std::cout << line.dump() << std::endl;
  }
  return all_ok ? 0 : 1;
}
