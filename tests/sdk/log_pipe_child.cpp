// Helper process of logger_pipe_test: runs one invocation whose handler logs `argv[1]` lines
// through the default sink (stdout, here a pipe), then says "ready" on stderr and blocks in a
// step body until it is killed. Nothing is flushed at exit, because it never exits normally.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

int main(int argc, char** argv) {
  const int lines = argc > 1 ? std::atoi(argv[1]) : 10;
  durable::test::FakeCheckpointClient client;
  durable::run_invocation(
      [lines](const durable::Json&, durable::DurableContext& ctx) {
        for (int i = 0; i < lines; ++i) ctx.logger().info("line " + std::to_string(i));
        ctx.step([](durable::StepContext& sc) {
          sc.logger().info("inside the step");
          std::fputs("ready\n", stderr);  // stderr is unbuffered
          for (int waited = 0; waited < 600; ++waited) ::sleep(1);  // killed long before
          return 0;
        });
        return durable::Json();
      },
      client.next_input(), client);
  return 0;
}
