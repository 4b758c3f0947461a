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
  // The old, forgeable shape {arn, op} is not an id.
  EXPECT_FALSE(parse_callback_id(base64_encode(R"({"arn":"a","op":"o"})")).has_value());
}

TEST(CallbackIdTest, CarriesA128BitRandomKeySoNoTwoAreAlike) {
  auto a = make_callback_id("arn:x/y", "op-1");
  auto b = make_callback_id("arn:x/y", "op-1");
  EXPECT_NE(a, b);
  auto key = Json::parse(*base64_decode(a))["key"].get<std::string>();
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(CheckpointTokenFormatTest, DependsOnArnSequenceInvocationAndKey) {
  const std::string key = new_token_key();
  auto t = make_checkpoint_token("arn", 1, "inv", key);
  EXPECT_EQ(t, make_checkpoint_token("arn", 1, "inv", key));
  EXPECT_NE(t, make_checkpoint_token("arn", 2, "inv", key));
  EXPECT_NE(t, make_checkpoint_token("arn", 1, "inv2", key));
  EXPECT_NE(t, make_checkpoint_token("arn", 1, "inv", new_token_key()));
  auto json = Json::parse(*base64_decode(t));
  EXPECT_EQ(json["seq"], 1);
  EXPECT_EQ(json["inv"], "inv");
  EXPECT_EQ(json["key"], key);
}

TEST(CheckpointTokenFormatTest, IsTheCompactJsonOfItsMembersEvenWithCharactersToEscape) {
  const std::string arn = "arn:\"odd\\name\"\n/durable-execution/n/id";
  auto t = make_checkpoint_token(arn, 12, "inv-1", "k");
  Json expected{{"arn", arn}, {"seq", 12}, {"inv", "inv-1"}, {"key", "k"}};
  EXPECT_EQ(*base64_decode(t), expected.dump());
  EXPECT_EQ(Json::parse(*base64_decode(t))["arn"], arn);
}

TEST(SecretTest, RandomHexIsFreshEachTimeAndComparedExactly) {
  auto a = random_hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, random_hex(16));
  EXPECT_EQ(random_hex(0), "");
  EXPECT_TRUE(secrets_equal(a, a));
  EXPECT_FALSE(secrets_equal(a, a.substr(1)));
  EXPECT_FALSE(secrets_equal(a, a.substr(0, 31) + (a[31] == '0' ? "1" : "0")));
  EXPECT_TRUE(secrets_equal("", ""));
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
