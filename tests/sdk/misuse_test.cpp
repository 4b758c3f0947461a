// Durable operations called while a step body runs: OperationMisuseError (a std::logic_error)
// naming the operation and the step, and the execution fails with it even when caught.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using ::testing::HasSubstr;

DurableExecutionInvocationOutput run_once(const Handler& handler, FakeCheckpointClient& client) {
  return run_invocation(handler, client.next_input(), client);
}

struct Misuse {
  const char* operation;
  std::function<void(DurableContext&)> call;
};

const std::vector<Misuse>& every_operation() {
  static const std::vector<Misuse> calls = {
      {"step", [](DurableContext& c) { c.step([](StepContext&) { return 1; }); }},
      {"wait", [](DurableContext& c) { c.wait(Duration::from_seconds(5)); }},
      {"run_in_child_context",
       [](DurableContext& c) { c.run_in_child_context([](DurableContext&) { return 1; }); }},
      {"invoke", [](DurableContext& c) { c.invoke("target", Json::object()); }},
      {"create_callback", [](DurableContext& c) { c.create_callback(); }},
      {"wait_for_callback",
       [](DurableContext& c) {
         c.wait_for_callback([](const std::string&, WaitForCallbackContext&) {});
       }},
      {"wait_for_condition",
       [](DurableContext& c) {
         WaitForConditionConfig<int> config;
         config.initial_state = 0;
         config.wait_strategy = [](const int&, int) {
           return WaitForConditionDecision::stop_polling();
         };
         c.wait_for_condition([](const int& s, WaitForConditionCheckContext&) { return s; },
                              config);
       }},
      {"parallel",
       [](DurableContext& c) {
         c.parallel<int>(std::vector<std::function<int(DurableContext&)>>{
             [](DurableContext&) { return 1; }});
       }},
      {"map",
       [](DurableContext& c) {
         c.map(std::vector<int>{1},
               [](DurableContext&, const int& v, std::size_t, const auto&) { return v; });
       }},
  };
  return calls;
}

TEST(Misuse, EveryOperationInsideAStepBodyThrowsLogicErrorAndFailsTheExecution) {
  for (const Misuse& misuse : every_operation()) {
    FakeCheckpointClient client;
    std::string caught;
    Handler handler = [&](const Json&, DurableContext& ctx) {
      return Json(ctx.step(
          [&](StepContext&) {
            try {
              misuse.call(ctx);
            } catch (const std::logic_error& e) {
              caught = e.what();
              throw;
            }
            return 0;
          },
          "charge"));
    };
    const auto out = run_once(handler, client);
    EXPECT_THAT(caught, HasSubstr(std::string("durable operation ") + misuse.operation + " "))
        << misuse.operation;
    EXPECT_THAT(caught, HasSubstr("step 'charge'")) << misuse.operation;
    ASSERT_EQ(out.status, InvocationStatus::Failed) << misuse.operation;
    EXPECT_EQ(out.error->error_type, "OperationMisuseError") << misuse.operation;
    EXPECT_EQ(out.error->error_message, caught) << misuse.operation;
    // The step is neither retried nor failed as a step: the execution ends with the misuse.
    for (const auto& u : client.updates()) {
      EXPECT_NE(u.action, OperationAction::Retry) << misuse.operation;
    }
  }
}

TEST(Misuse, CatchingTheErrorInsideTheBodyStillFailsTheExecution) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.step([&](StepContext&) {
      try {
        ctx.wait(Duration::from_seconds(1));
      } catch (const std::exception&) {
      }
      return 7;
    }));
  };
  const auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "OperationMisuseError");
  EXPECT_THAT(*out.error->error_message, HasSubstr("durable operation wait"));
  EXPECT_THAT(*out.error->error_message, HasSubstr("unnamed step"));
}

TEST(Misuse, TheRootContextInsideAStepOfAChildContextIsCaughtToo) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& root) {
    return Json(root.run_in_child_context([&](DurableContext& child) {
      return child.step([&](StepContext&) { return root.step([](StepContext&) { return 1; }); },
                        "inner");
    }));
  };
  const auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "OperationMisuseError");
  EXPECT_THAT(*out.error->error_message, HasSubstr("durable operation step"));
  EXPECT_THAT(*out.error->error_message, HasSubstr("step 'inner'"));
}

TEST(Misuse, AWaitForConditionCheckIsABodyToo) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    WaitForConditionConfig<int> config;
    config.initial_state = 0;
    config.wait_strategy = [](const int&, int) { return WaitForConditionDecision::stop_polling(); };
    return Json(ctx.wait_for_condition(
        [&](const int&, WaitForConditionCheckContext&) {
          return ctx.step([](StepContext&) { return 1; });
        },
        config, "poll"));
  };
  const auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "OperationMisuseError");
  EXPECT_THAT(*out.error->error_message, HasSubstr("step 'poll'"));
}

TEST(Misuse, AnotherThreadCallingTheContextWhileItsStepBodyRunsIsCaught) {
  FakeCheckpointClient client;
  std::string caught;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return Json(ctx.step(
        [&](StepContext&) {
          std::thread other([&] {
            try {
              ctx.step([](StepContext&) { return 1; }, "sneaky");
            } catch (const std::logic_error& e) {
              caught = e.what();
            }
          });
          other.join();
          return 1;  // the body itself finishes normally
        },
        "long"));
  };
  const auto out = run_once(handler, client);
  EXPECT_THAT(caught, HasSubstr("durable operation step"));
  EXPECT_THAT(caught, HasSubstr("step 'long'"));
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "OperationMisuseError");
}

TEST(Misuse, LoggingInsideAStepBodyIsFineAndCorrectUseIsUntouched) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    const int a = ctx.step([&](StepContext& sc) {
      sc.logger().info("inside");
      return 1;
    });
    const int b = ctx.step([](StepContext&) { return 2; });
    return Json(a + b);
  };
  const auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(*out.result, "3");
}

// A step body may run a whole other invocation (e.g. a test harness): its contexts are not the
// ones whose body runs.
TEST(Misuse, AnotherInvocationInsideAStepBodyIsNotMisuse) {
  FakeCheckpointClient outer_client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.step([](StepContext&) {
      FakeCheckpointClient inner_client;
      const auto inner = run_invocation(
          [](const Json&, DurableContext& c) { return Json(c.step([](StepContext&) { return 5; })); },
          inner_client.next_input(), inner_client);
      return inner.result ? Json::parse(*inner.result).get<int>() : -1;
    }));
  };
  const auto out = run_once(handler, outer_client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(*out.result, "5");
}

}  // namespace
}  // namespace durable
