// run_main: the durable-conformance command line over any handler set, so a project's own
// handlers get the tool with a one-line main:
//
//   int main(int argc, char** argv) {
//     return durable::testing::conformance::run_main(argc, argv, my_handlers());
//   }
//
// where my_handlers() returns a HandlerRegistry with one register_handler(id, handler, settings)
// per requirement id. Usage (--help prints it):
//
//   PROGRAM [--filter REGEX] [--verbose] [--seed N] [--skip ID=REASON]... [--dump DIR]
//           [--remote URL [--remote-logs FILE] [--function-prefix P]]
//           [--allow-empty] [--allow-missing-handlers] PATH...
//
// PATHs are requirement YAML files or folders of them. In process (the default) every
// requirement runs on a fresh DurableRunner (DurableRunnerBackend). --remote runs them through
// the Lambda API at URL instead (RemoteBackend: the function named function prefix + id, e.g.
// durable-emulator's hosted fixtures); --remote-logs names the file that function's log lines
// go to (durable-emulator's stderr), without which requirements with ExpectedLogs are skipped.
// --dump DIR writes DIR/<id>.json per executed requirement: {"Id", "Status", "Result",
// "History" ({"Events":[...]}), "Logs"}.
//
// Exit status: 0 when every requirement that ran passed; 1 when one failed, when none ran
// (unless --allow-empty), or when some had no handler (unless --allow-missing-handlers);
// 2 for bad usage or an unreadable requirement file. The table goes to `out`, errors to `err`.
//
// Call from one thread; it runs the requirements one after another.
#pragma once

#include <iosfwd>

#include "durable/testing/conformance/handler_registry.hpp"

namespace durable::testing::conformance {

int run_main(int argc, char** argv, const HandlerRegistry& registry);
int run_main(int argc, char** argv, const HandlerRegistry& registry, std::ostream& out,
             std::ostream& err);

}  // namespace durable::testing::conformance
