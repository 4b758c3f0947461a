// A test program run by timeline_dir_test as a sub-process, with DURABLE_TIMELINE_DIR set: one
// test passes, one fails on purpose after two runs. Not registered with ctest by itself.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

Handler two_steps() {
  return [](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "first");
    ctx.wait(Duration::from_seconds(60), "pause");
    return ctx.step([](StepContext&) { return 2; }, "second");
  };
}

TEST(TimelineProbe, Passes) {
  DurableRunner runner(two_steps());
  EXPECT_EQ(runner.run().status(), ExecutionStatus::Succeeded);
}

TEST(TimelineProbe, Fails) {
  DurableRunner runner(two_steps());
  const auto first = runner.run();
  const auto second = runner.run();
  EXPECT_EQ(second.result<int>(), 3) << "deliberate failure: the probe's failing test";
}

}  // namespace
}  // namespace durable::testing
