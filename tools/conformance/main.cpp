// durable-conformance: runs conformance requirements (YAML files or folders of them) against
// the C++ fixture handlers — in process, or through the Lambda API with --remote (e.g. the same
// fixtures hosted by durable-emulator) — and prints a pass/fail table. `--help` lists the
// options; run_main.hpp documents them and the exit status.
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/testing/conformance/run_main.hpp"

int main(int argc, char** argv) {
  durable::testing::conformance::HandlerRegistry registry;
  durable::fixtures::register_conformance_handlers(registry);
  return durable::testing::conformance::run_main(argc, argv, registry);
}
