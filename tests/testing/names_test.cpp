// A test file written the way users write them: both using-directives at file scope, one
// include, the handler inline. Everything here must compile without a qualification.
#include <gtest/gtest.h>

#include <durable/testing.hpp>

#include <type_traits>

using namespace durable;
using namespace durable::testing;

namespace {

// The execution status the harness reports is one type under both names.
static_assert(std::is_same_v<durable::testing::ExecutionStatus, durable::ExecutionStatus>);
static_assert(std::is_same_v<decltype(std::declval<TestResult>().status()), ExecutionStatus>);
static_assert(std::is_same_v<decltype(std::declval<DurableRunner&>().status()), ExecutionStatus>);

Json inline_handler(const Json& event, DurableContext& context) {
  const int doubled = context.step([&](StepContext&) { return event.at("n").get<int>() * 2; },
                                   "double");
  return {{"doubled", doubled}};
}

TEST(NamesTest, BothUsingDirectivesAndOneInclude) {
  DurableRunner runner(inline_handler);
  const TestResult result = runner.run({{"n", 21}});
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.get_step("double").status(), OperationStatus::Succeeded);
  EXPECT_THAT(result, HasResult(JsonEq({{"doubled", 42}})));
  // The handler's per-invocation status keeps its own, distinct name.
  EXPECT_EQ(to_string(InvocationStatus::Pending), "PENDING");
}

}  // namespace
