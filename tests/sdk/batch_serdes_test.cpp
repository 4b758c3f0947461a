// The default encoding of BatchResult: written directly as text, it must be exactly what
// nlohmann's dump of the JSON form gives, and a batch run to its end returns what a replay of it
// returns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

struct Point {
  int x = 0;
  std::string label;
  friend bool operator==(const Point&, const Point&) = default;
};
void to_json(Json& j, const Point& p) { j = Json{{"x", p.x}, {"label", p.label}}; }
void from_json(const Json& j, Point& p) {
  p.x = j.at("x").get<int>();
  p.label = j.at("label").get<std::string>();
}

template <class T>
void expect_same_as_nlohmann(const BatchResult<T>& batch) {
  const detail::BatchResultJsonSerDes<T> serdes;
  const std::string text = serdes.serialize(batch, SerDesContext{"op", "arn"});
  EXPECT_EQ(text, Json(batch).dump());
  const BatchResult<T> back = serdes.deserialize(text, SerDesContext{"op", "arn"});
  EXPECT_EQ(Json(back).dump(), text);
}

ErrorObject full_error() {
  return ErrorObject{"Type \"quoted\"", "line1\nline2\ttab \\ slash \x01", "{\"k\":1}",
                     std::vector<std::string>{"at a()", "at b() \xc3\xa9"}};
}

TEST(BatchResultSerDes, WritesExactlyWhatNlohmannDumps) {
  expect_same_as_nlohmann(BatchResult<long>({}, CompletionReason::AllCompleted));
  expect_same_as_nlohmann(BatchResult<long>(
      {{0, BatchItemStatus::Succeeded, 0L, std::nullopt, "a"},
       {1, BatchItemStatus::Succeeded, -9223372036854775807L - 1, std::nullopt, "b"},
       {2, BatchItemStatus::Failed, std::nullopt, full_error(), "c"},
       {7, BatchItemStatus::Started, std::nullopt, std::nullopt, "d"}},
      CompletionReason::MinSuccessfulReached));
  expect_same_as_nlohmann(BatchResult<unsigned long>(
      {{0, BatchItemStatus::Succeeded, 18446744073709551615UL, std::nullopt, "a"}},
      CompletionReason::AllCompleted));
  expect_same_as_nlohmann(
      BatchResult<bool>({{0, BatchItemStatus::Succeeded, true, std::nullopt, "a"},
                         {1, BatchItemStatus::Succeeded, false, std::nullopt, "b"}},
                        CompletionReason::AllCompleted));
  expect_same_as_nlohmann(
      BatchResult<double>({{0, BatchItemStatus::Succeeded, 0.1, std::nullopt, "a"},
                           {1, BatchItemStatus::Succeeded, 1e300, std::nullopt, "b"}},
                          CompletionReason::AllCompleted));
  expect_same_as_nlohmann(BatchResult<std::string>(
      {{0, BatchItemStatus::Succeeded, std::string("plain"), std::nullopt, "a"},
       {1, BatchItemStatus::Succeeded, std::string("\"q\" \\ \n \x1f \xe2\x82\xac"), std::nullopt,
        "b"},
       {2, BatchItemStatus::Succeeded, std::string(), std::nullopt, "c"}},
      CompletionReason::FailureToleranceExceeded));
  expect_same_as_nlohmann(
      BatchResult<Point>({{0, BatchItemStatus::Succeeded, Point{3, "p"}, std::nullopt, "a"},
                          {1, BatchItemStatus::Failed, std::nullopt, full_error(), "b"}},
                         CompletionReason::AllCompleted));
  expect_same_as_nlohmann(BatchResult<std::vector<Point>>(
      {{0, BatchItemStatus::Succeeded, std::vector<Point>{{1, "x"}, {2, "y"}}, std::nullopt, "a"}},
      CompletionReason::AllCompleted));
}

TEST(BatchResultSerDes, EmptyPayloadDecodesLikeJsonNull) {
  const detail::BatchResultJsonSerDes<long> serdes;
  EXPECT_THROW(serdes.deserialize("", SerDesContext{}), std::exception);
}

// The type-erased codec behind the default SerDes reads what from_json reads and fails the way
// it fails, naming what is wrong.
TEST(BatchResultSerDes, DecodeErrorsNameWhatIsWrong) {
  const auto message_of = [](std::string_view text) -> std::string {
    try {
      detail::decode_batch_json(text);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message_of(""), "BatchResult JSON needs an \"all\" array");
  EXPECT_EQ(message_of("[]"), "BatchResult JSON needs an \"all\" array");
  EXPECT_EQ(message_of(R"({"all":{}})"), "BatchResult JSON needs an \"all\" array");
  EXPECT_THAT(message_of(R"({"all":[{"index":0,"status":"DONE"}],"completionReason":"ALL_COMPLETED"})"),
              ::testing::HasSubstr("DONE"));
  EXPECT_THAT(message_of(R"({"all":[],"completionReason":"SOMETIMES"})"),
              ::testing::HasSubstr("SOMETIMES"));
  EXPECT_THAT(message_of(R"({"all":[{"status":"SUCCEEDED"}],"completionReason":"ALL_COMPLETED"})"),
              ::testing::HasSubstr("index"));
  EXPECT_THAT(message_of(R"({"all":[]})"), ::testing::HasSubstr("completionReason"));
  EXPECT_NE(message_of("{\"all\":["), "no error");
}

TEST(BatchResultSerDes, DecodesNullResultsAndErrorsAsAbsent) {
  const detail::DecodedBatch decoded = detail::decode_batch_json(
      R"({"all":[{"index":3,"status":"STARTED","result":null,"error":null},)"
      R"({"index":4,"status":"SUCCEEDED","result":{"a":[1]}}],"completionReason":"MIN_SUCCESSFUL_REACHED"})");
  ASSERT_EQ(decoded.entries.size(), 2u);
  EXPECT_EQ(decoded.entries[0].index, 3u);
  EXPECT_EQ(decoded.entries[0].status, BatchItemStatus::Started);
  EXPECT_FALSE(decoded.entries[0].result.has_value());
  EXPECT_FALSE(decoded.entries[0].error.has_value());
  EXPECT_EQ(decoded.entries[1].result, (Json{{"a", {1}}}));
  EXPECT_EQ(decoded.reason, CompletionReason::MinSuccessfulReached);
}

// The default SerDes are one process-wide instance per type, handed out without ownership (no
// control block is compiled into callers), and usable from any operation.
TEST(DefaultSerDes, OneSharedInstancePerTypeOwnedByNobody) {
  const auto a = detail::serdes_or_default<int>(nullptr);
  const auto b = detail::serdes_or_default<int>(nullptr);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a.use_count(), 0);
  EXPECT_EQ(a->serialize(42, SerDesContext{}), "42");
  const auto callback = detail::default_callback_serdes<std::string>();
  ASSERT_NE(callback, nullptr);
  EXPECT_EQ(callback.get(), detail::default_callback_serdes<std::string>().get());
  EXPECT_EQ(callback->deserialize("\"abc\"", SerDesContext{}), "abc");
  const auto custom = std::make_shared<JsonSerDes<int>>();
  EXPECT_EQ(detail::serdes_or_default<int>(custom).get(), custom.get());
}

// A batch run to its end returns the result it built; a replay decodes the checkpoint. Both must
// give the same values, names and statuses.
template <class T>
void expect_first_run_equals_replay(std::vector<T> items) {
  FakeCheckpointClient client;
  Handler handler = [items](const Json&, DurableContext& ctx) {
    auto r =
        ctx.map(items,
                [](DurableContext& c, const T& item, std::size_t index, const std::vector<T>&) {
                  if (index == 1) throw std::runtime_error("item 1 fails");
                  return c.step([item](StepContext&) { return item; });
                },
                "map",
                {.completion_config = CompletionConfig::all_completed(),
                 .item_namer = [](const T&, std::size_t index) {
                   return "item-" + std::to_string(index);
                 }});
    Json out = Json::array();
    for (const auto& item : r.all()) {
      out.push_back(Json{{"index", item.index},
                         {"name", item.name},
                         {"status", std::string(to_string(item.status))},
                         {"result", item.result ? Json(*item.result) : Json()},
                         {"error", item.error ? Json(*item.error) : Json()}});
    }
    return Json{{"items", out}, {"reason", std::string(to_string(r.completion_reason()))}};
  };
  auto first = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(first.status, InvocationStatus::Succeeded);
  auto replay = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(replay.status, InvocationStatus::Succeeded);
  EXPECT_EQ(*first.result, *replay.result);
  EXPECT_EQ(Json::parse(*first.result)["items"][1]["status"], "FAILED");
  EXPECT_EQ(Json::parse(*first.result)["items"][2]["name"], "item-2");
}

TEST(BatchResultSerDes, FirstRunAndReplayAgree) {
  expect_first_run_equals_replay<long>({5, -6, 7});
  expect_first_run_equals_replay<std::string>({"a", "\"b\"\n", "\xe2\x82\xac"});
  expect_first_run_equals_replay<double>({0.1, 2.5, -0.0});
  expect_first_run_equals_replay<Point>({{1, "x"}, {2, "y"}, {3, "z"}});
}

}  // namespace
}  // namespace durable
