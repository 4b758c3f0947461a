// One test per validation rule of PROTOCOL.md §5.2 and per field format, each with the exact
// message; and that a rejected batch leaves everything as it was.
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

class CheckpointValidationTest : public EmulatorTest {
 protected:
  void SetUp() override {
    start();
    invoke();
  }
  OperationUpdate exec_update(OperationAction a) {
    return update("execution-result-1", OperationType::Execution, a);
  }
};

// --- field formats ---

TEST_F(CheckpointValidationTest, IdMustMatchPatternAndLength) {
  expect_rejected({step_start("")},
                  "Invalid value for Updates[0].Id: must be 1 to 64 characters of [a-zA-Z0-9-_].");
  expect_rejected({step_start("ok"), step_start(std::string(65, 'a'))},
                  "Invalid value for Updates[1].Id: must be 1 to 64 characters of [a-zA-Z0-9-_].");
  expect_rejected({step_start("a b")},
                  "Invalid value for Updates[0].Id: must be 1 to 64 characters of [a-zA-Z0-9-_].");
}

TEST_F(CheckpointValidationTest, ParentIdMustMatchPattern) {
  expect_rejected(
      {step_start("s", "bad/parent")},
      "Invalid value for Updates[0].ParentId: must be 1 to 64 characters of [a-zA-Z0-9-_].");
}

TEST_F(CheckpointValidationTest, NameMustBePrintableAsciiUpTo256) {
  const std::string msg = "Invalid value for Updates[0].Name: must be 1 to 256 printable ASCII "
                          "characters.";
  auto u = step_start("s");
  u.name = "";
  expect_rejected({u}, msg);
  u.name = std::string(257, 'n');
  expect_rejected({u}, msg);
  u.name = "tab\there";
  expect_rejected({u}, msg);
  u.name = std::string(256, 'n');
  EXPECT_NO_THROW(checkpoint({u}));
}

TEST_F(CheckpointValidationTest, SubTypeMustBeShortIdentifier) {
  const std::string msg =
      "Invalid value for Updates[0].SubType: must be 1 to 32 characters of [a-zA-Z0-9-_].";
  auto u = step_start("s");
  u.sub_type = std::string(33, 'x');
  expect_rejected({u}, msg);
  u.sub_type = "Sub Type";
  expect_rejected({u}, msg);
}

TEST_F(CheckpointValidationTest, PayloadAtMost6291456Characters) {
  auto u = step_succeed("s", std::string(6291457, 'x'));
  expect_rejected({u}, "Invalid value for Updates[0].Payload: must be at most 6291456 characters.");
  u.payload = std::string(6291456, 'x');
  EXPECT_NO_THROW(checkpoint({u}));
}

TEST_F(CheckpointValidationTest, WaitSecondsInRange) {
  expect_rejected({wait_start("w", 0)},
                  "Invalid value for Updates[0].WaitOptions.WaitSeconds: must be between 1 and "
                  "31622400 seconds, got 0.");
  expect_rejected({wait_start("w", 31622401)},
                  "Invalid value for Updates[0].WaitOptions.WaitSeconds: must be between 1 and "
                  "31622400 seconds, got 31622401.");
}

TEST_F(CheckpointValidationTest, NextAttemptDelayInRange) {
  expect_rejected({step_retry("s", 0)},
                  "Invalid value for Updates[0].StepOptions.NextAttemptDelaySeconds: must be "
                  "between 1 and 31622400 seconds, got 0.");
}

TEST_F(CheckpointValidationTest, CallbackTimeoutsWithinTheModelsIntegerRange) {
  expect_rejected({callback_start("c", -1)},
                  "Invalid value for Updates[0].CallbackOptions.TimeoutSeconds: must be between "
                  "0 and 2147483647 seconds, got -1.");
  expect_rejected({callback_start("c", 0, -5)},
                  "Invalid value for Updates[0].CallbackOptions.HeartbeatTimeoutSeconds: must be "
                  "between 0 and 2147483647 seconds, got -5.");
  // About 9.3e15 s: in milliseconds it overflowed, and the callback timed out at once.
  expect_rejected({callback_start("c", 9300000000000000)},
                  "Invalid value for Updates[0].CallbackOptions.TimeoutSeconds: must be between "
                  "0 and 2147483647 seconds, got 9300000000000000.");
  expect_rejected({callback_start("c", 0, 9300000000000000)},
                  "Invalid value for Updates[0].CallbackOptions.HeartbeatTimeoutSeconds: must be "
                  "between 0 and 2147483647 seconds, got 9300000000000000.");
  expect_rejected({callback_start("c", 2147483648)},
                  "Invalid value for Updates[0].CallbackOptions.TimeoutSeconds: must be between "
                  "0 and 2147483647 seconds, got 2147483648.");
  EXPECT_NO_THROW(checkpoint({callback_start("c", 2147483647, 2147483647)}));
}

TEST_F(CheckpointValidationTest, ChainedInvokeOptionsFormats) {
  expect_rejected({invoke_start("i", "")},
                  "Invalid value for Updates[0].ChainedInvokeOptions.FunctionName: must be 1 to "
                  "256 characters.");
  expect_rejected({invoke_start("i", "f", "bad|tenant")},
                  "Invalid value for Updates[0].ChainedInvokeOptions.TenantId: must be 1 to 256 "
                  "characters of [a-zA-Z0-9._:/=+-@ ].");
}

TEST_F(CheckpointValidationTest, ClientTokenFormat) {
  CheckpointDurableExecutionRequest r{arn_, token_, {}, std::string("has space")};
  try {
    service_.checkpoint(r);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Invalid value for ClientToken: must be 1 to 64 visible ASCII characters.");
  }
}

// --- batch rules ---

TEST_F(CheckpointValidationTest, MultipleExecutionUpdates) {
  expect_rejected({exec_update(OperationAction::Succeed), exec_update(OperationAction::Succeed)},
                  "Cannot checkpoint multiple EXECUTION updates.");
}

TEST_F(CheckpointValidationTest, ExecutionUpdateMustBeLast) {
  expect_rejected({exec_update(OperationAction::Succeed), step_start("s")},
                  "EXECUTION checkpoint must be the last update.");
}

TEST_F(CheckpointValidationTest, SameIdTwice) {
  const std::string msg = "Cannot checkpoint multiple operations with the same ID.";
  expect_rejected({wait_start("w", 5), wait_start("w", 5)}, msg);
  expect_rejected({step_start("s"), step_start("s")}, msg);
  expect_rejected({step_succeed("s", "1"), step_succeed("s", "1")}, msg);
  expect_rejected({step_start("s"), step_succeed("s", "1"), step_succeed("s", "1")}, msg);
  auto cb = callback_start("c");
  auto cb2 = update("c", OperationType::Callback, OperationAction::Start);
  expect_rejected({cb, cb2}, msg);
}

TEST_F(CheckpointValidationTest, StartThenCloseOfStepOrContextInOneBatchIsAllowed) {
  auto resp = checkpoint({step_start("s"), step_succeed("s", "\"v\""), context_start("c"),
                          context_succeed("c", "\"r\"")});
  EXPECT_EQ(op("s").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("c").status, OperationStatus::Succeeded);
  EXPECT_EQ(resp.new_execution_state.operations.size(), 2u);
}

TEST_F(CheckpointValidationTest, ParentMustBeAnExistingOrEarlierStartedContext) {
  const std::string msg = "Invalid parent operation id.";
  expect_rejected({step_start("s", "nope")}, msg);
  checkpoint({step_start("plain")});
  expect_rejected({step_start("s", "plain")}, msg);             // not a CONTEXT
  expect_rejected({step_start("s", "ctx"), context_start("ctx")}, msg);  // started later
  EXPECT_NO_THROW(checkpoint({context_start("ctx"), step_start("s", "ctx")}));
  EXPECT_NO_THROW(checkpoint({step_start("s2", "ctx")}));
}

TEST_F(CheckpointValidationTest, BatchRulesHoldAcrossTheValidatorsInlineEntries) {
  // The validator keeps a request's first few ids in place and the rest aside: duplicates and
  // parents must be found on either side of that line.
  std::vector<OperationUpdate> updates;
  for (int i = 0; i < 6; ++i) updates.push_back(step_start("s" + std::to_string(i)));
  updates.push_back(context_start("ctx"));  // the 7th id, kept aside
  auto duplicate_early = updates;
  duplicate_early.push_back(step_start("s1"));
  expect_rejected(duplicate_early, "Cannot checkpoint multiple operations with the same ID.");
  auto duplicate_late = updates;
  duplicate_late.push_back(step_start("s5"));
  expect_rejected(duplicate_late, "Cannot checkpoint multiple operations with the same ID.");
  updates.push_back(step_start("child", "ctx"));
  updates.push_back(step_succeed("s0", "1"));
  updates.push_back(step_succeed("s5", "1"));
  EXPECT_NO_THROW(checkpoint(updates));
  EXPECT_EQ(op("s0").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("s5").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("child").parent_id, std::optional<std::string>("ctx"));
}

TEST_F(CheckpointValidationTest, BatchRulesHoldForLargeRequests) {
  // Past a few dozen updates the validator indexes the request's ids; the rules stay the same.
  std::vector<OperationUpdate> updates;
  for (int i = 0; i < 100; ++i) updates.push_back(step_start("s" + std::to_string(i)));
  updates.push_back(context_start("late-ctx"));
  for (int i = 0; i < 50; ++i) updates.push_back(step_start("c" + std::to_string(i), "late-ctx"));
  auto duplicate = updates;
  duplicate.push_back(step_start("s7"));
  expect_rejected(duplicate, "Cannot checkpoint multiple operations with the same ID.");
  auto early_child = updates;
  early_child.insert(early_child.begin() + 40, step_start("early", "later-ctx"));
  early_child.push_back(context_start("later-ctx"));
  expect_rejected(early_child, "Invalid parent operation id.");
  auto closed = updates;
  closed.push_back(step_succeed("s99", "1"));  // START then one close of the same step: allowed
  EXPECT_NO_THROW(checkpoint(closed));
  EXPECT_EQ(op("s99").status, OperationStatus::Succeeded);
  EXPECT_EQ(op("c49").parent_id, std::optional<std::string>("late-ctx"));
}

// --- per-update rules ---

TEST_F(CheckpointValidationTest, InconsistentMetadata) {
  auto s = step_start("s", "ctx");
  s.name = "first";
  checkpoint({context_start("ctx"), s});
  auto u = update("s", OperationType::Wait, OperationAction::Start);
  expect_rejected({u}, "Inconsistent operation type.");
  u = step_succeed("s", "1");
  u.sub_type = "WaitForCondition";
  expect_rejected({u}, "Inconsistent operation subtype.");
  u = step_succeed("s", "1");
  u.name = "second";
  expect_rejected({u}, "Inconsistent operation name.");
  checkpoint({context_start("ctx2")});
  u = step_succeed("s", "1");
  u.parent_id = "ctx2";
  expect_rejected({u}, "Inconsistent parent operation id.");
  // Fields absent from the update are not compared.
  EXPECT_NO_THROW(checkpoint({step_succeed("s", "1")}));
}

TEST_F(CheckpointValidationTest, ErrorObjectSize) {
  auto u = step_fail("s", error("E", std::string(33000, 'm')));
  expect_rejected({u}, "Error object size must be less than 32768 bytes.");
}

TEST_F(CheckpointValidationTest, ActionNotAllowedForType) {
  const std::string msg = "Invalid action for the given operation type.";
  expect_rejected({exec_update(OperationAction::Start)}, msg);
  expect_rejected({exec_update(OperationAction::Retry)}, msg);
  expect_rejected({update("c", OperationType::Context, OperationAction::Retry)}, msg);
  expect_rejected({update("c", OperationType::Context, OperationAction::Cancel)}, msg);
  expect_rejected({update("s", OperationType::Step, OperationAction::Cancel)}, msg);
  expect_rejected({update("w", OperationType::Wait, OperationAction::Succeed)}, msg);
  expect_rejected({update("w", OperationType::Wait, OperationAction::Retry)}, msg);
  expect_rejected({update("cb", OperationType::Callback, OperationAction::Succeed)}, msg);
  expect_rejected({update("cb", OperationType::Callback, OperationAction::Cancel)}, msg);
  expect_rejected({update("i", OperationType::ChainedInvoke, OperationAction::Succeed)}, msg);
}

TEST_F(CheckpointValidationTest, StepStartOnlyFromReadyOrAbsent) {
  checkpoint({step_start("s")});
  expect_rejected({step_start("s")}, "Invalid current STEP state to start.");
  checkpoint({step_retry("s", 10)});  // PENDING
  expect_rejected({step_start("s")}, "Invalid current STEP state to start.");
}

TEST_F(CheckpointValidationTest, StepCloseOnlyFromStartedReadyOrAbsent) {
  checkpoint({step_succeed("s", "1")});  // absent → legal
  expect_rejected({step_succeed("s", "1")}, "Invalid current STEP state to close.");
  expect_rejected({step_fail("s", error("E", "m"))}, "Invalid current STEP state to close.");
  checkpoint({step_start("p"), step_retry("p", 10)});
  expect_rejected({step_succeed("p", "1")}, "Invalid current STEP state to close.");
}

TEST_F(CheckpointValidationTest, StepFailWithPayload) {
  auto u = step_fail("s", error("E", "m"));
  u.payload = "x";
  expect_rejected({u}, "Cannot provide a Payload for FAIL action.");
}

TEST_F(CheckpointValidationTest, StepSucceedWithError) {
  auto u = step_succeed("s", "1");
  u.error = error("E", "m");
  expect_rejected({u}, "Cannot provide an Error for SUCCEED action.");
}

TEST_F(CheckpointValidationTest, StepRetryRules) {
  checkpoint({step_succeed("done", "1")});
  expect_rejected({step_retry("done", 5)}, "Invalid current STEP state to re-attempt.");
  auto u = step_retry("s", 5);
  u.step_options.reset();
  expect_rejected({u}, "Invalid StepOptions for the given action.");
  u = step_retry("s", 5);
  u.payload = "state";
  expect_rejected({u}, "Cannot provide both error and payload to RETRY a STEP.");
}

TEST_F(CheckpointValidationTest, ContextRules) {
  checkpoint({context_start("c")});
  expect_rejected({context_start("c")}, "Cannot start a CONTEXT that already exist.");
  auto fail = update("c", OperationType::Context, OperationAction::Fail);
  fail.payload = "x";
  expect_rejected({fail}, "Cannot provide a Payload for FAIL action.");
  auto succeed = context_succeed("c", "1");
  succeed.error = error("E", "m");
  expect_rejected({succeed}, "Cannot provide an Error for SUCCEED action.");
  checkpoint({context_succeed("c", "1")});
  expect_rejected({context_succeed("c", "1")}, "Invalid current CONTEXT state to close.");
}

TEST_F(CheckpointValidationTest, WaitRules) {
  checkpoint({wait_start("w", 100)});
  expect_rejected({wait_start("w", 100)}, "Cannot start a WAIT that already exist.");
  const std::string cancel_msg =
      "Cannot cancel a WAIT that does not exist or has already completed.";
  expect_rejected({update("nope", OperationType::Wait, OperationAction::Cancel)}, cancel_msg);
  checkpoint({update("w", OperationType::Wait, OperationAction::Cancel)});
  expect_rejected({update("w", OperationType::Wait, OperationAction::Cancel)}, cancel_msg);
}

TEST_F(CheckpointValidationTest, CallbackRules) {
  checkpoint({callback_start("c")});
  expect_rejected({callback_start("c")}, "Cannot start a CALLBACK that already exist.");
}

TEST_F(CheckpointValidationTest, ChainedInvokeRules) {
  auto no_options = update("i", OperationType::ChainedInvoke, OperationAction::Start);
  expect_rejected({no_options}, "ChainedInvokeOptions is required to START a CHAINED_INVOKE.");
  checkpoint({invoke_start("i", "target")});
  expect_rejected({invoke_start("i", "target")}, "Cannot start an INVOKE that already exist.");
  const std::string cancel_msg =
      "Cannot cancel an INVOKE that does not exist or has already completed.";
  expect_rejected({update("x", OperationType::ChainedInvoke, OperationAction::Cancel)},
                  cancel_msg);
  checkpoint({update("i", OperationType::ChainedInvoke, OperationAction::Cancel)});
  expect_rejected({update("i", OperationType::ChainedInvoke, OperationAction::Cancel)},
                  cancel_msg);
}

TEST_F(CheckpointValidationTest, ExecutionPayloadAndErrorRules) {
  auto s = exec_update(OperationAction::Succeed);
  s.error = error("E", "m");
  expect_rejected({s}, "Cannot provide an Error for SUCCEED action.");
  auto f = exec_update(OperationAction::Fail);
  f.payload = "x";
  expect_rejected({f}, "Cannot provide a Payload for FAIL action.");
}

TEST_F(CheckpointValidationTest, RulesAreCheckedInDocumentedOrder) {
  // Batch rules before per-update rules: the duplicate id wins over the bad action of update 0.
  expect_rejected({update("w", OperationType::Wait, OperationAction::Succeed), wait_start("w", 1),
                   wait_start("w", 1)},
                  "Cannot checkpoint multiple operations with the same ID.");
  // Consistency before the action check.
  checkpoint({wait_start("w", 100)});
  expect_rejected({update("w", OperationType::Step, OperationAction::Cancel)},
                  "Inconsistent operation type.");
  // Error size before state rules.
  auto big = step_fail("w2", error("E", std::string(40000, 'm')));
  big.payload = "also bad";
  expect_rejected({big}, "Error object size must be less than 32768 bytes.");
}

TEST_F(CheckpointValidationTest, RejectedBatchChangesNothing) {
  checkpoint({step_start("s")});
  auto ops_before = service_.operations(arn_);
  auto history_before = history();
  auto token_before = token_;
  // The first two updates are valid; the third is not, so none may be applied.
  expect_rejected({step_succeed("s", "1"), wait_start("w", 10), wait_start("w", 10)},
                  "Cannot checkpoint multiple operations with the same ID.");
  expect_rejected({step_succeed("s", "1"), wait_start("w", 10),
                   update("cb", OperationType::Callback, OperationAction::Cancel)},
                  "Invalid action for the given operation type.");
  EXPECT_EQ(service_.operations(arn_), ops_before);
  EXPECT_EQ(history(), history_before);
  EXPECT_FALSE(service_.next_timer_due() < clock_->now() + std::chrono::seconds(3600));
  // The token was not consumed.
  auto resp = checkpoint({step_succeed("s", "1")});
  EXPECT_NE(resp.checkpoint_token, token_before);
  EXPECT_EQ(op("s").status, OperationStatus::Succeeded);
}

}  // namespace
}  // namespace durable::emulator::testing
