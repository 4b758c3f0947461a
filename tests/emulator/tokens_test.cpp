#include <gtest/gtest.h>

#include "field_validation.hpp"
#include "tokens.hpp"

namespace durable::emulator::detail {
namespace {

TEST(Base64Test, RoundTripsAllPaddings) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd",
                                                      std::string("\0\xff\x10", 3)}) {
    auto enc = base64_encode(s);
    EXPECT_EQ(enc.size() % 4, 0u);
    auto dec = base64_decode(enc);
    ASSERT_TRUE(dec.has_value()) << enc;
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
}

TEST(Base64Test, RejectsMalformedText) {
  EXPECT_FALSE(base64_decode("abc").has_value());
  EXPECT_FALSE(base64_decode("ab!d").has_value());
  EXPECT_FALSE(base64_decode("a=bc").has_value());
  EXPECT_FALSE(base64_decode("ab==abcd").has_value());
}

TEST(CallbackIdTest, RoutesBackToExecutionAndOperation) {
  auto id = make_callback_id("arn:x/y", "op-1");
  auto ref = parse_callback_id(id);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->durable_execution_arn, "arn:x/y");
  EXPECT_EQ(ref->operation_id, "op-1");
  EXPECT_FALSE(parse_callback_id("not base64!").has_value());
  EXPECT_FALSE(parse_callback_id(base64_encode("[1,2]")).has_value());
  EXPECT_FALSE(parse_callback_id(base64_encode(R"({"arn":"a"})")).has_value());
}

TEST(CheckpointTokenFormatTest, DependsOnArnSequenceAndInvocation) {
  auto t = make_checkpoint_token("arn", 1, "inv");
  EXPECT_EQ(t, make_checkpoint_token("arn", 1, "inv"));
  EXPECT_NE(t, make_checkpoint_token("arn", 2, "inv"));
  EXPECT_NE(t, make_checkpoint_token("arn", 1, "inv2"));
  auto json = Json::parse(*base64_decode(t));
  EXPECT_EQ(json["seq"], 1);
  EXPECT_EQ(json["inv"], "inv");
}

TEST(CheckpointTokenFormatTest, IsTheCompactJsonOfItsMembersEvenWithCharactersToEscape) {
  const std::string arn = "arn:\"odd\\name\"\n/durable-execution/n/id";
  auto t = make_checkpoint_token(arn, 12, "inv-1");
  Json expected{{"arn", arn}, {"seq", 12}, {"inv", "inv-1"}};
  EXPECT_EQ(*base64_decode(t), expected.dump());
  EXPECT_EQ(Json::parse(*base64_decode(t))["arn"], arn);
}

TEST(MarkerTest, StateMarkerBelongsToOneSequence) {
  auto m = make_state_marker(7, 42);
  EXPECT_EQ(m, "7:42");
  EXPECT_EQ(parse_state_marker(m, 7), 42u);
  EXPECT_FALSE(parse_state_marker(m, 8).has_value());
  EXPECT_FALSE(parse_state_marker("7", 7).has_value());
  EXPECT_FALSE(parse_state_marker("x:1", 7).has_value());
  EXPECT_FALSE(parse_state_marker("7:1x", 7).has_value());
  EXPECT_EQ(parse_index_marker("12"), 12u);
  EXPECT_FALSE(parse_index_marker("-1").has_value());
  EXPECT_FALSE(parse_index_marker("").has_value());
}

TEST(FieldValidationTest, OperationIdsAndCharacterCounts) {
  EXPECT_TRUE(is_valid_operation_id("abc-DEF_123"));
  EXPECT_FALSE(is_valid_operation_id(""));
  EXPECT_FALSE(is_valid_operation_id(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_operation_id(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_operation_id("a.b"));
  EXPECT_EQ(char_count("h\xc3\xa9llo"), 5u);  // é is one character
}

}  // namespace
}  // namespace durable::emulator::detail
