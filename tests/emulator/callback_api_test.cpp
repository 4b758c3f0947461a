// The callback API: success, failure and heartbeat routed by CallbackId, its validation and
// errors, and Service::callbacks() for the harness.
#include "emulator_test_support.hpp"
#include "tokens.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class CallbackApiTest : public EmulatorTest {
 protected:
  // Starts an execution whose first invocation created callback "c" and suspended.
  std::string suspended_on_callback(std::optional<std::int64_t> timeout = {},
                                    std::optional<std::int64_t> heartbeat = {}) {
    start();
    invoke();
    auto cb = callback_start("c", timeout, heartbeat);
    cb.name = "approval";
    checkpoint({cb});
    complete(output(InvocationStatus::Pending));
    return *op("c").callback_details->callback_id;
  }

  void expect_api_error(const std::function<void()>& call, const std::string& code, int status,
                        const std::string& message_part) {
    try {
      call();
      ADD_FAILURE() << "expected " << code;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_EQ(e.http_status(), status);
      EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
    }
  }
};

TEST_F(CallbackApiTest, SuccessStoresTheBodyCancelsTimersAndReinvokes) {
  auto id = suspended_on_callback(100, 10);
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  service_.send_callback_success({id, "\"approved\""});
  auto o = op("c");
  EXPECT_EQ(o.status, OperationStatus::Succeeded);
  EXPECT_EQ(o.callback_details->result, "\"approved\"");
  EXPECT_EQ(o.end_timestamp, at_ms(kStartMs));
  auto e = history().back();
  EXPECT_EQ(e.event_type, EventType::CallbackSucceeded);
  EXPECT_EQ(e.name, "approval");
  EXPECT_EQ(std::get<ResultDetails>(e.details).result.payload, "\"approved\"");
  auto p = invoke();
  EXPECT_EQ(*p.input.updated_operation_ids, std::vector<std::string>{"c"});
  // Only the execution timeout is left.
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs) + seconds(86400));
}

TEST_F(CallbackApiTest, FailureStoresTheErrorObject) {
  auto id = suspended_on_callback();
  service_.send_callback_failure({id, error("RejectedError", "not approved")});
  auto o = op("c");
  EXPECT_EQ(o.status, OperationStatus::Failed);
  EXPECT_EQ(o.callback_details->error->error_type, "RejectedError");
  auto e = history().back();
  EXPECT_EQ(e.event_type, EventType::CallbackFailed);
  EXPECT_EQ(std::get<ErrorDetails>(e.details).error->payload->error_message, "not approved");
  EXPECT_TRUE(service_.take_ready_invocation().has_value());
}

TEST_F(CallbackApiTest, FailureWithoutABodyStoresAnEmptyError) {
  auto id = suspended_on_callback();
  service_.send_callback_failure({id, std::nullopt});
  EXPECT_EQ(op("c").status, OperationStatus::Failed);
  EXPECT_EQ(op("c").callback_details->error, ErrorObject{});
}

TEST_F(CallbackApiTest, HeartbeatRestartsTheHeartbeatTimerWithoutEventOrInvocation) {
  auto id = suspended_on_callback(0, 10);
  auto events_before = history().size();
  clock_->advance(seconds(8));
  service_.send_callback_heartbeat({id});
  EXPECT_EQ(history().size(), events_before);
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  clock_->advance(seconds(8));
  EXPECT_EQ(service_.fire_due_timers(), 0u);
  EXPECT_EQ(op("c").status, OperationStatus::Started);
  clock_->advance(seconds(2));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  EXPECT_EQ(op("c").status, OperationStatus::TimedOut);
  EXPECT_EQ(op("c").callback_details->error->error_type, "Callback.Heartbeat");
}

TEST_F(CallbackApiTest, HeartbeatWithoutAHeartbeatTimeoutIsAccepted) {
  auto id = suspended_on_callback(30);
  service_.send_callback_heartbeat({id});
  EXPECT_EQ(service_.next_timer_due(), at_ms(kStartMs) + seconds(30));
}

TEST_F(CallbackApiTest, SuccessDuringAnInvocationReachesItsNextCheckpointAndQueuesAnother) {
  start();
  invoke();
  checkpoint({callback_start("c")});
  service_.send_callback_success({*op("c").callback_details->callback_id, "1"});
  auto r = checkpoint({});
  ASSERT_EQ(r.new_execution_state.operations.size(), 1u);
  EXPECT_EQ(r.new_execution_state.operations[0].status, OperationStatus::Succeeded);
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  complete(output(InvocationStatus::Pending));
  EXPECT_TRUE(service_.take_ready_invocation().has_value());
}

TEST_F(CallbackApiTest, EmptyOrOverlongIdIsAnInvalidParameter) {
  suspended_on_callback();
  expect_api_error([&] { service_.send_callback_success({"", "1"}); },
                   "InvalidParameterValueException", 400, "CallbackId: must not be empty");
  expect_api_error([&] { service_.send_callback_heartbeat({std::string(1025, 'A')}); },
                   "InvalidParameterValueException", 400, "at most 1024 characters, got 1025");
}

TEST_F(CallbackApiTest, MalformedIdIsAnInvalidParameter) {
  suspended_on_callback();
  expect_api_error([&] { service_.send_callback_failure({"not-a-callback-id", std::nullopt}); },
                   "InvalidParameterValueException", 400,
                   "not-a-callback-id is not a callback id issued by this service");
}

TEST_F(CallbackApiTest, UnknownExecutionOrOperationIsNotFound) {
  suspended_on_callback();
  auto foreign = detail::make_callback_id("arn:aws:lambda:us-east-1:1:function:x:$LATEST/"
                                          "durable-execution/n/i",
                                          "c");
  expect_api_error([&] { service_.send_callback_success({foreign, "1"}); },
                   "ResourceNotFoundException", 404, "does not exist");
  auto missing_op = detail::make_callback_id(arn_, "nope");
  expect_api_error([&] { service_.send_callback_success({missing_op, "1"}); },
                   "ResourceNotFoundException", 404, "Callback nope not found");
}

TEST_F(CallbackApiTest, AnIdBuiltFromTheArnAndOperationIsRefused) {
  auto real = suspended_on_callback();
  // What the id used to be, and what anyone who knows the ARN could compute.
  const std::string forged = detail::base64_encode(Json{{"arn", arn_}, {"op", "c"}}.dump());
  expect_api_error([&] { service_.send_callback_success({forged, "1"}); },
                   "InvalidParameterValueException", 400, "not a callback id issued");
  // The current shape with a guessed key, and a fresh id minted for the same operation.
  const std::string guessed =
      detail::base64_encode(Json{{"arn", arn_}, {"key", std::string(32, '0')}, {"op", "c"}}.dump());
  expect_api_error([&] { service_.send_callback_heartbeat({guessed}); },
                   "InvalidParameterValueException", 400, "not a callback id issued");
  expect_api_error([&] { service_.send_callback_failure({detail::make_callback_id(arn_, "c"), {}}); },
                   "InvalidParameterValueException", 400, "not a callback id issued");
  EXPECT_EQ(op("c").status, OperationStatus::Started);
  service_.send_callback_success({real, "1"});
  EXPECT_EQ(op("c").status, OperationStatus::Succeeded);
}

TEST_F(CallbackApiTest, IdOfAnOperationThatIsNotACallbackIsNotFound) {
  start();
  invoke();
  checkpoint({step_start("s")});
  auto id = detail::make_callback_id(arn_, "s");
  expect_api_error([&] { service_.send_callback_heartbeat({id}); }, "ResourceNotFoundException",
                   404, "Callback s not found");
}

TEST_F(CallbackApiTest, TimedOutCallbackAnswersCallbackTimeoutException) {
  auto id = suspended_on_callback(5);
  clock_->advance(seconds(5));
  service_.fire_due_timers();
  auto events = history().size();
  expect_api_error([&] { service_.send_callback_success({id, "1"}); }, "CallbackTimeoutException",
                   400, "it is TIMED_OUT");
  expect_api_error([&] { service_.send_callback_heartbeat({id}); }, "CallbackTimeoutException",
                   400, "has already been closed");
  EXPECT_EQ(history().size(), events);
  EXPECT_EQ(op("c").status, OperationStatus::TimedOut);
}

TEST_F(CallbackApiTest, SecondCompletionAnswersCallbackTimeoutException) {
  auto id = suspended_on_callback();
  service_.send_callback_success({id, "1"});
  expect_api_error([&] { service_.send_callback_failure({id, std::nullopt}); },
                   "CallbackTimeoutException", 400, "it is SUCCEEDED");
  EXPECT_EQ(op("c").callback_details->result, "1");
}

TEST_F(CallbackApiTest, CallbackOfAStoppedExecutionIsClosed) {
  auto id = suspended_on_callback();
  service_.stop({arn_, std::nullopt});
  expect_api_error([&] { service_.send_callback_success({id, "1"}); }, "CallbackTimeoutException",
                   400, "its execution is STOPPED");
}

TEST_F(CallbackApiTest, ResultOverTheLimitIsRejectedAndTheLimitItselfAccepted) {
  auto id = suspended_on_callback();
  expect_api_error([&] { service_.send_callback_success({id, std::string(262145, 'x')}); },
                   "InvalidParameterValueException", 400,
                   "Result: must be at most 262144 bytes, got 262145");
  EXPECT_EQ(op("c").status, OperationStatus::Started);
  service_.send_callback_success({id, std::string(262144, 'x')});
  EXPECT_EQ(op("c").callback_details->result->size(), 262144u);
}

TEST_F(CallbackApiTest, CallbacksListsIdsNamesAndTheWaitForCallbackParent) {
  start();
  invoke();
  auto ctx = context_start("ctx");
  ctx.sub_type = "WaitForCallback";
  ctx.name = "approve-order";
  auto inner = callback_start("inner");
  inner.parent_id = "ctx";
  auto named = callback_start("named");
  named.name = "payment";
  checkpoint({ctx, inner, named});
  auto list = service_.callbacks(arn_);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].operation_id, "inner");
  EXPECT_FALSE(list[0].name.has_value());
  EXPECT_EQ(list[0].parent_id, "ctx");
  EXPECT_EQ(list[0].parent_name, "approve-order");
  EXPECT_EQ(list[0].parent_sub_type, "WaitForCallback");
  EXPECT_EQ(list[0].callback_id, *op("inner").callback_details->callback_id);
  EXPECT_EQ(list[0].status, OperationStatus::Started);
  EXPECT_EQ(list[1].name, "payment");
  EXPECT_FALSE(list[1].parent_id.has_value());
  service_.send_callback_success({list[1].callback_id, "1"});
  EXPECT_EQ(service_.callbacks(arn_)[1].status, OperationStatus::Succeeded);
  EXPECT_THROW(service_.callbacks("arn:nope"), ApiError);
}

}  // namespace
}  // namespace durable::emulator::testing
