// White-box tests of the SDK's private pieces: the checkpoint batcher and error conversion.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "checkpoint_batcher.hpp"
#include "durable/errors.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"

namespace app {
struct OrderRejected : std::runtime_error {
  using std::runtime_error::runtime_error;
};
template <class T>
struct Wrapped : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace app

namespace durable::detail {
namespace {

OperationUpdate update(std::size_t i, std::size_t payload_bytes = 0) {
  OperationUpdate u;
  u.id = "op-" + std::to_string(i);
  u.type = OperationType::Step;
  u.action = OperationAction::Succeed;
  if (payload_bytes) u.payload = std::string(payload_bytes, 'p');
  return u;
}

std::vector<std::size_t> drain(CheckpointBatcher& b) {
  std::vector<std::size_t> sizes;
  while (!b.empty()) sizes.push_back(b.take_batch().size());
  return sizes;
}

TEST(CheckpointBatcher, DefaultLimitIs250Updates) {
  CheckpointBatcher b(BatchLimits{});
  for (std::size_t i = 0; i < 600; ++i) b.push(update(i));
  EXPECT_EQ(drain(b), (std::vector<std::size_t>{250, 250, 100}));
}

TEST(CheckpointBatcher, DefaultLimitIs750KiB) {
  CheckpointBatcher b(BatchLimits{});
  for (std::size_t i = 0; i < 5; ++i) b.push(update(i, 300 * 1024));  // two fit, three do not
  EXPECT_EQ(drain(b), (std::vector<std::size_t>{2, 2, 1}));
}

TEST(CheckpointBatcher, OversizedUpdateGoesAlone) {
  CheckpointBatcher b(BatchLimits{10, 1000});
  b.push(update(0));
  b.push(update(1, 5000));
  b.push(update(2));
  EXPECT_EQ(drain(b), (std::vector<std::size_t>{1, 1, 1}));
}

TEST(CheckpointBatcher, KeepsFifoOrder) {
  CheckpointBatcher b(BatchLimits{2, 1 << 20});
  for (std::size_t i = 0; i < 5; ++i) b.push(update(i));
  std::vector<std::string> ids;
  while (!b.empty()) {
    for (auto& u : b.take_batch()) ids.push_back(u.id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"op-0", "op-1", "op-2", "op-3", "op-4"}));
}

TEST(CheckpointBatcher, TakingIntoABufferReplacesItsContentAndKeepsItsCapacity) {
  CheckpointBatcher b(BatchLimits{2, 1 << 20});
  for (std::size_t i = 0; i < 3; ++i) b.push(update(i));
  std::vector<OperationUpdate> out;
  b.take_batch(out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "op-0");
  const OperationUpdate* buffer = out.data();
  b.take_batch(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "op-2");
  EXPECT_EQ(out.data(), buffer);  // the same allocation serves the next request
  b.take_batch(out);
  EXPECT_TRUE(out.empty());
}

std::vector<std::string> ids_of(const std::vector<OperationUpdate>& batch) {
  std::vector<std::string> ids;
  for (const auto& u : batch) ids.push_back(u.id);
  return ids;
}

TEST(CheckpointBatcher, AReusedBatchVectorHoldsExactlyTheNextBatch) {
  // The SDK passes one vector to every flush: what it held before (the last request, or
  // anything else) must never leak into the next request.
  CheckpointBatcher b(BatchLimits{2, 1 << 20});
  std::vector<OperationUpdate> batch{update(90), update(91), update(92)};
  b.push(update(0));
  b.take_batch(batch);
  EXPECT_EQ(ids_of(batch), (std::vector<std::string>{"op-0"}));
  for (std::size_t i = 1; i <= 3; ++i) b.push(update(i));
  b.take_batch(batch);
  EXPECT_EQ(ids_of(batch), (std::vector<std::string>{"op-1", "op-2"}));
  b.take_batch(batch);
  EXPECT_EQ(ids_of(batch), (std::vector<std::string>{"op-3"}));
  EXPECT_TRUE(b.empty());
  b.take_batch(batch);
  EXPECT_TRUE(batch.empty());
  // Taking moves the updates out whole.
  b.push(update(4, 10));
  b.take_batch(batch);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0], update(4, 10));
}

TEST(CheckpointBatcher, TakingTheWholeQueueHandsOverItsStorageWithoutMovingTheUpdates) {
  // The usual flush: everything queued fits one request. The queue's vector becomes the batch
  // (the updates stay where they were pushed) and the caller's vector becomes the queue, so
  // after warming up two buffers serve every request, and no content leaks between them.
  CheckpointBatcher b(BatchLimits{250, 1 << 20});
  std::vector<OperationUpdate> batch;
  std::vector<const OperationUpdate*> buffers;
  std::size_t next_id = 0;
  for (int round = 0; round < 20; ++round) {
    const std::size_t first = next_id;
    for (int k = 0; k < 3; ++k) b.push(update(next_id++, round % 2 == 0 ? 30 : 0));
    b.take_batch(batch);
    const OperationUpdate* queued_at = batch.data();
    ASSERT_EQ(batch.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(batch[k], update(first + k, round % 2 == 0 ? 30 : 0));
    }
    EXPECT_TRUE(b.empty());
    if (std::find(buffers.begin(), buffers.end(), queued_at) == buffers.end()) {
      buffers.push_back(queued_at);
    }
    batch.clear();  // as flush() does once the response is in
  }
  EXPECT_LE(buffers.size(), 2u);
  // A batch that takes only part of the queue still moves those out and leaves the rest queued.
  CheckpointBatcher partial(BatchLimits{2, 1 << 20});
  for (std::size_t i = 0; i < 3; ++i) partial.push(update(i));
  partial.take_batch(batch);
  EXPECT_EQ(ids_of(batch), (std::vector<std::string>{"op-0", "op-1"}));
  partial.push(update(3));
  partial.take_batch(batch);
  EXPECT_EQ(ids_of(batch), (std::vector<std::string>{"op-2", "op-3"}));
  EXPECT_TRUE(partial.empty());
}

TEST(CheckpointBatcher, KeepsFifoOrderWhenPushesAndTakesInterleave) {
  // A queue that is never fully drained (more is pushed while batches are cut) drops the taken
  // entries as it goes; order and contents must survive that.
  CheckpointBatcher b(BatchLimits{3, 1 << 20});
  std::vector<OperationUpdate> pushed;
  std::vector<OperationUpdate> sent;
  std::vector<OperationUpdate> batch;
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 2 + round % 4; ++k) {
      pushed.push_back(update(pushed.size(), round % 3 == 0 ? 20 : 0));
      b.push(OperationUpdate(pushed.back()));
    }
    b.take_batch(batch);
    ASSERT_EQ(batch.size(), std::min<std::size_t>(3, pushed.size() - sent.size()));
    sent.insert(sent.end(), batch.begin(), batch.end());
    EXPECT_EQ(b.size(), pushed.size() - sent.size());
  }
  while (!b.empty()) {
    b.take_batch(batch);
    sent.insert(sent.end(), batch.begin(), batch.end());
  }
  EXPECT_EQ(sent, pushed);
}

TEST(CheckpointBatcher, UpperBoundIsNeverBelowTheExactSize) {
  std::vector<OperationUpdate> samples;
  samples.push_back(update(0));
  samples.push_back(update(1, 4096));
  OperationUpdate escapes = update(2);
  escapes.payload = std::string(64, '\x01') + "\"\\\n\t";
  escapes.name = "\x1f\x1f";
  escapes.parent_id = std::string(64, 'a');
  escapes.sub_type = "Step";
  samples.push_back(escapes);
  OperationUpdate failed = update(3);
  failed.action = OperationAction::Retry;
  failed.error = ErrorObject{"\x02type", "message \"quoted\"", "{\"data\":1}",
                             std::vector<std::string>(50, std::string("\x03"))};
  failed.step_options = StepOptions{std::numeric_limits<std::int64_t>::min()};
  samples.push_back(failed);
  OperationUpdate everything = update(4);
  everything.context_options = ContextOptions{true};
  everything.wait_options = WaitOptions{std::numeric_limits<std::int64_t>::max()};
  everything.callback_options = CallbackOptions{std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::min()};
  everything.chained_invoke_options = ChainedInvokeOptions{std::string(256, '\x04'), "tenant\x05"};
  everything.error =
      ErrorObject{std::nullopt, std::nullopt, std::nullopt, std::vector<std::string>{}};
  samples.push_back(everything);
  // Every member present, every string empty and every integer at its longest: the fixed part.
  OperationUpdate fixed;
  fixed.id = "";
  fixed.parent_id = "";
  fixed.name = "";
  fixed.sub_type = "";
  fixed.type = OperationType::ChainedInvoke;
  fixed.action = OperationAction::Succeed;
  fixed.payload = "";
  fixed.error = ErrorObject{"", "", "", std::vector<std::string>{}};
  fixed.context_options = ContextOptions{false};
  fixed.step_options = StepOptions{std::numeric_limits<std::int64_t>::min()};
  fixed.wait_options = WaitOptions{std::numeric_limits<std::int64_t>::min()};
  fixed.callback_options = CallbackOptions{std::numeric_limits<std::int64_t>::min(),
                                           std::numeric_limits<std::int64_t>::min()};
  fixed.chained_invoke_options = ChainedInvokeOptions{"", ""};
  EXPECT_LT(CheckpointBatcher::update_size(fixed), 512u);
  samples.push_back(fixed);
  for (const auto& u : samples) {
    EXPECT_GE(CheckpointBatcher::update_size_bound(u), CheckpointBatcher::update_size(u)) << u.id;
    EXPECT_EQ(CheckpointBatcher::update_size(u), Json(u).dump().size()) << u.id;
  }
}

TEST(CheckpointBatcher, CutsAtTheExactByteLimitWhenTheBoundsDoNotFit) {
  // Control characters take six bytes each once escaped: the cut must use that exact size.
  OperationUpdate u = update(0);
  u.payload = std::string(100, '\x01');
  const std::size_t exact = CheckpointBatcher::update_size(u);
  CheckpointBatcher b(BatchLimits{250, 3 * exact});
  for (std::size_t i = 0; i < 7; ++i) {
    OperationUpdate copy = u;
    copy.id = "op-" + std::to_string(i);  // same length as op-0
    b.push(std::move(copy));
  }
  EXPECT_EQ(drain(b), (std::vector<std::size_t>{3, 3, 1}));
}

TEST(CheckpointBatcher, RejectsZeroLimits) {
  EXPECT_THROW(CheckpointBatcher(BatchLimits{0, 10}), std::invalid_argument);
  EXPECT_THROW(CheckpointBatcher(BatchLimits{10, 0}), std::invalid_argument);
}

TEST(ErrorConversion, TypeNameDropsNamespacesAndTemplateArguments) {
  auto of = [](auto e) { return error_object_from(std::make_exception_ptr(e)); };
  EXPECT_EQ(of(app::OrderRejected("no")).error_type, "OrderRejected");
  EXPECT_EQ(of(app::OrderRejected("no")).error_message, "no");
  EXPECT_EQ(of(app::Wrapped<int>("w")).error_type, "Wrapped");
  EXPECT_EQ(of(std::runtime_error("r")).error_type, "runtime_error");
  EXPECT_EQ(of(std::string("s")).error_message, "Unknown error");
}

TEST(ErrorConversion, RebuiltErrorsKeepTheirCheckpointedFields) {
  ErrorObject stored{"TransientError", "late", "{\"k\":1}", std::vector<std::string>{"f1", "f2"}};
  StepError e(stored);
  EXPECT_EQ(error_object_from(std::make_exception_ptr(e)), stored);
  EXPECT_EQ(e.error_type(), "TransientError");
  EXPECT_EQ(e.error_data(), "{\"k\":1}");
  EXPECT_EQ(e.stack_trace(), (std::vector<std::string>{"f1", "f2"}));
  EXPECT_STREQ(e.what(), "late");
  const CallableRuntimeError& base = e;
  EXPECT_EQ(base.error_object(), stored);
}

TEST(ErrorConversion, RebuiltErrorWithoutFieldsIsEmpty) {
  ChildContextError e(ErrorObject{});
  EXPECT_EQ(e.error_type(), "");
  EXPECT_EQ(e.error_message(), "");
  EXPECT_TRUE(e.stack_trace().empty());
  EXPECT_EQ(error_object_from(std::make_exception_ptr(e)).error_type, "ChildContextError");
}

TEST(ErrorConversion, TextThatIsNotUtf8IsRepairedSoTheCheckpointCanCarryIt) {
  const ErrorObject error =
      error_object_from(std::make_exception_ptr(std::runtime_error("caf\xe9 \xff!")));
  EXPECT_EQ(error.error_message, "caf\xEF\xBF\xBD \xEF\xBF\xBD!");
  EXPECT_NO_THROW((void)Json(*error.error_message).dump());
  EXPECT_EQ(valid_utf8("d\xC3\xA9j\xC3\xA0 vu"), "d\xC3\xA9j\xC3\xA0 vu");  // valid: unchanged
}

TEST(ErrorClassification, FollowsTheProtocol) {
  EXPECT_TRUE(is_non_retryable(ApiError::invalid_parameter("Invalid parent operation id.")));
  EXPECT_TRUE(is_non_retryable(ApiError::not_found("gone")));
  EXPECT_FALSE(is_non_retryable(ApiError::invalid_parameter("Invalid Checkpoint Token")));
  EXPECT_FALSE(is_non_retryable(ApiError::invalid_parameter("Invalid checkpoint token x")));
  EXPECT_FALSE(is_non_retryable(ApiError::too_many_requests("t")));
  EXPECT_FALSE(is_non_retryable(ApiError::service("s")));
  EXPECT_TRUE(is_non_retryable(ApiError("KMSDisabledException", 502, "kms")));
}

}  // namespace
}  // namespace durable::detail
