// DurableContext::wait, run_in_child_context, sticky suspension, non-determinism, validation.
#include <gtest/gtest.h>

#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using test::run_to_completion;

const std::string kId1 = operation_id(std::nullopt, 1);

TEST(Wait, CheckpointsStartSynchronouslyAndSuspends) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.wait(Duration::from_minutes(2), "pause");
    return Json("done");
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  ASSERT_EQ(client.updates().size(), 1u);
  const auto u = client.updates()[0];
  EXPECT_EQ(u.type, OperationType::Wait);
  EXPECT_EQ(u.action, OperationAction::Start);
  EXPECT_EQ(u.sub_type, "Wait");
  EXPECT_EQ(u.name, "pause");
  EXPECT_EQ(u.wait_options->wait_seconds, 120);

  // Timer not fired yet: suspends again, no new checkpoint.
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status,
            InvocationStatus::Pending);
  EXPECT_EQ(client.updates().size(), 1u);

  client.advance_time();
  auto done = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(done.status, InvocationStatus::Succeeded);
  EXPECT_EQ(done.result, "\"done\"");
}

TEST(Wait, SubSecondDurationIsValidationErrorBeforeAnyCheckpoint) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) { return 1; });  // queued START must not be sent either
        ctx.wait(Duration::from_milliseconds(999));
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("at least 1 second"), std::string::npos);
  for (const auto& u : client.updates()) EXPECT_NE(u.type, OperationType::Wait);
}

TEST(Wait, ValidationErrorIsCatchableAndNotSticky) {
  FakeCheckpointClient client;
  auto out = run_to_completion(
      [](const Json&, DurableContext& ctx) {
        try {
          ctx.wait(Duration::from_milliseconds(10));
        } catch (const ValidationError&) {
        }
        ctx.wait(Duration::from_seconds(1));
        return Json("ok");
      },
      client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
}

TEST(Names, InvalidNamesAreRejectedBeforeAnyCheckpoint) {
  for (const std::string& bad : {std::string("line\nbreak"), std::string(257, 'a'),
                                 std::string("caf\xc3\xa9")}) {
    FakeCheckpointClient client;
    auto out = run_invocation(
        [&](const Json&, DurableContext& ctx) {
          ctx.step([](StepContext&) { return 1; }, bad);
          return Json();
        },
        client.next_input(), client);
    ASSERT_EQ(out.status, InvocationStatus::Failed) << bad;
    EXPECT_EQ(out.error->error_type, "ValidationError");
    EXPECT_NE(out.error->error_message->find("operation name"), std::string::npos);
    EXPECT_TRUE(client.batches.empty());
  }
}

TEST(Names, ValidationErrorNamesTheOffendingName) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.wait(Duration::from_seconds(1), std::string("tab\there"));
        return Json();
      },
      client.next_input(), client);
  EXPECT_NE(out.error->error_message->find("tab\\x09here"), std::string::npos)
      << *out.error->error_message;
}

TEST(Names, LongestAndPrintableNamesAreAccepted) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) { return 1; }, std::string(256, '~'));
        ctx.step([](StepContext&) { return 1; }, " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}");
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
}

TEST(Child, FirstRunCheckpointsContextAndNestedOperations) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        int v = ctx.run_in_child_context(
            [](DurableContext& child) { return child.step([](StepContext&) { return 20; }, "inner") + 1; },
            "outer");
        return Json(v);
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "21");
  const std::string child_id = kId1;
  const std::string inner_id = operation_id(child_id, 1);
  ASSERT_EQ(client.batches.size(), 2u);
  const auto& b0 = client.batches[0].updates;
  ASSERT_EQ(b0.size(), 3u);
  EXPECT_EQ(b0[0].id, child_id);
  EXPECT_EQ(b0[0].type, OperationType::Context);
  EXPECT_EQ(b0[0].action, OperationAction::Start);
  EXPECT_EQ(b0[0].sub_type, "RunInChildContext");
  EXPECT_EQ(b0[0].name, "outer");
  EXPECT_FALSE(b0[0].context_options.has_value());
  EXPECT_EQ(b0[1].id, inner_id);
  EXPECT_EQ(b0[1].parent_id, child_id);
  EXPECT_EQ(b0[1].name, "inner");
  EXPECT_EQ(b0[2].action, OperationAction::Succeed);
  const auto& b1 = client.batches[1].updates;
  ASSERT_EQ(b1.size(), 1u);
  EXPECT_EQ(b1[0].id, child_id);
  EXPECT_EQ(b1[0].action, OperationAction::Succeed);
  EXPECT_EQ(b1[0].payload, "21");
}

TEST(Child, ReplayReturnsStoredResultWithoutRunningTheBody) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto v = ctx.run_in_child_context([&](DurableContext&) { ++runs; return std::string("kid"); });
    ctx.wait(Duration::from_seconds(1));
    return Json(v);
  };
  auto out = run_to_completion(handler, client);
  EXPECT_EQ(out.result, "\"kid\"");
  EXPECT_EQ(runs, 1);
}

TEST(Child, SuspensionInsideResumesTheBodyOnReplay) {
  FakeCheckpointClient client;
  int body_runs = 0, step_runs = 0;
  auto out = run_to_completion(
      [&](const Json&, DurableContext& ctx) {
        return Json(ctx.run_in_child_context([&](DurableContext& child) {
          ++body_runs;
          int a = child.step([&](StepContext&) { ++step_runs; return 1; });
          child.wait(Duration::from_seconds(5));
          return a + 1;
        }));
      },
      client);
  EXPECT_EQ(out.result, "2");
  EXPECT_EQ(body_runs, 2);
  EXPECT_EQ(step_runs, 1);
  int context_starts = 0;
  for (const auto& u : client.updates()) {
    if (u.type == OperationType::Context && u.action == OperationAction::Start) ++context_starts;
  }
  EXPECT_EQ(context_starts, 1);
}

struct InventoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(Child, FailureCheckpointsFailAndThrowsChildContextError) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::string caught;
    try {
      ctx.run_in_child_context([&](DurableContext&) -> int { ++runs; throw InventoryError("out of stock"); },
                               "reserve");
    } catch (const ChildContextError& e) {
      caught = e.error_type() + "/" + e.error_message();
    }
    ctx.wait(Duration::from_seconds(1));
    return Json(caught);
  };
  auto out = run_to_completion(handler, client);
  EXPECT_EQ(out.result, "\"InventoryError/out of stock\"");
  EXPECT_EQ(runs, 1);
  bool saw_fail = false;
  for (const auto& u : client.updates()) {
    if (u.type == OperationType::Context && u.action == OperationAction::Fail) {
      saw_fail = true;
      EXPECT_EQ(u.error->error_type, "InventoryError");
      EXPECT_FALSE(u.payload.has_value());
    }
  }
  EXPECT_TRUE(saw_fail);
}

TEST(Child, StepErrorInsideKeepsTheOriginalErrorType) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.run_in_child_context([](DurableContext& child) {
          child.step([](StepContext&) -> int { throw InventoryError("gone"); }, std::nullopt,
                     {.retry_strategy = retry_presets::none()});
        });
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "InventoryError");
  EXPECT_EQ(out.error->error_message, "gone");
}

TEST(Child, LargeResultIsCheckpointedWithReplayChildrenAndRebuiltOnReplay) {
  FakeCheckpointClient client;
  int body_runs = 0, step_runs = 0;
  const std::string big(300 * 1024, 'x');
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::string v = ctx.run_in_child_context(
        [&](DurableContext& child) {
          ++body_runs;
          return child.step([&](StepContext&) { ++step_runs; return big; });
        },
        "big", {.summary_generator = [](const std::string& s) { return "len=" + std::to_string(s.size()); }});
    ctx.wait(Duration::from_seconds(1));
    return Json(v.size());
  };
  auto out = run_to_completion(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, std::to_string(big.size()));
  EXPECT_EQ(body_runs, 2);
  EXPECT_EQ(step_runs, 1);
  int succeeds = 0;
  for (const auto& u : client.updates()) {
    if (u.type == OperationType::Context && u.action == OperationAction::Succeed) {
      ++succeeds;
      EXPECT_EQ(u.payload, "len=" + std::to_string(big.size()));
      ASSERT_TRUE(u.context_options.has_value());
      EXPECT_EQ(u.context_options->replay_children, true);
    }
  }
  EXPECT_EQ(succeeds, 1);
}

TEST(Child, LargeResultWithoutSummaryGeneratorStoresEmptyPayload) {
  FakeCheckpointClient client;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.run_in_child_context([](DurableContext&) { return std::string(257 * 1024, 'y'); });
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(client.updates().back().payload, "");
  EXPECT_EQ(client.updates().back().context_options->replay_children, true);
}

TEST(Suspension, IsNotAStdExceptionAndIsSticky) {
  FakeCheckpointClient client;
  bool std_catch_saw_it = false;
  int later_calls_thrown = 0;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        try {
          ctx.wait(Duration::from_seconds(5));
        } catch (const std::exception&) {
          std_catch_saw_it = true;
        } catch (...) {
        }
        try {
          ctx.step([](StepContext&) { return 1; });
        } catch (const SuspendExecution&) {
          ++later_calls_thrown;
        }
        try {
          ctx.logger().info("after suspension");
        } catch (const SuspendExecution&) {
          ++later_calls_thrown;
        }
        return Json("pretend success");
      },
      client.next_input(), client);
  EXPECT_FALSE(std_catch_saw_it);
  EXPECT_EQ(later_calls_thrown, 2);
  EXPECT_EQ(out.status, InvocationStatus::Pending);
  EXPECT_EQ(client.updates().size(), 1u);  // only the WAIT START
}

Operation stored_step(const std::string& id, const std::string& name) {
  Operation op;
  op.id = id;
  op.type = OperationType::Step;
  op.sub_type = "Step";
  op.name = name;
  op.status = OperationStatus::Succeeded;
  op.step_details = StepDetails{1, std::nullopt, "1", std::nullopt};
  return op;
}

TEST(NonDeterminism, DifferentTypeFailsTheInvocation) {
  FakeCheckpointClient client;
  client.put(stored_step(kId1, "a"));
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.wait(Duration::from_seconds(1), "a");
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
  EXPECT_NE(out.error->error_message->find("STEP"), std::string::npos);
  EXPECT_TRUE(client.batches.empty());
}

TEST(NonDeterminism, DifferentNameFailsEvenWhenCaught) {
  FakeCheckpointClient client;
  client.put(stored_step(kId1, "a"));
  int caught = 0;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        try {
          ctx.step([](StepContext&) { return 1; }, "b");
        } catch (const NonDeterministicExecutionError&) {
          ++caught;
        }
        try {
          ctx.step([](StepContext&) { return 1; }, "c");
        } catch (const NonDeterministicExecutionError&) {
          ++caught;
        }
        return Json("ignored");
      },
      client.next_input(), client);
  EXPECT_EQ(caught, 2);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
  EXPECT_NE(out.error->error_message->find("\"a\""), std::string::npos);
}

TEST(NonDeterminism, DifferentSubTypeFails) {
  FakeCheckpointClient client;
  Operation op = stored_step(kId1, "a");
  op.sub_type = "WaitForCondition";
  client.put(op);
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) { return 1; }, "a");
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
}

TEST(Threads, CallsFromForeignThreadsAreRejected) {
  FakeCheckpointClient client;
  std::string message;
  run_invocation(
      [&](const Json&, DurableContext& ctx) {
        std::thread t([&] {
          try {
            ctx.step([](StepContext&) { return 1; });
          } catch (const std::logic_error& e) {
            message = e.what();
          }
        });
        t.join();
        return Json();
      },
      client.next_input(), client);
  EXPECT_NE(message.find("thread"), std::string::npos);
  EXPECT_TRUE(client.batches.empty());
}

TEST(Context, ExposesExecutionArnAndReplayState) {
  FakeCheckpointClient client;
  std::vector<bool> replaying;
  std::string arn;
  run_to_completion(
      [&](const Json&, DurableContext& ctx) {
        arn = ctx.execution_arn();
        replaying.push_back(ctx.is_replaying());
        ctx.wait(Duration::from_seconds(1));
        replaying.push_back(ctx.is_replaying());
        return Json();
      },
      client);
  EXPECT_EQ(arn, test::kArn);
  EXPECT_EQ(replaying, (std::vector<bool>{false, true, false}));
}

}  // namespace
}  // namespace durable
