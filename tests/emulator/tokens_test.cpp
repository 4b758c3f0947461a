#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "durable/model/api_error.hpp"
#include "durable/model/operation_update.hpp"
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

TEST(CheckpointTokenFormatTest, AnEncodedHeadGivesTheSameTokenForEveryPrefixLength) {
  // The service encodes the invocation's fixed prefix once; the token must not change for it,
  // whatever the prefix leaves over after its whole 3-byte groups (0, 1 or 2 bytes).
  for (const std::string arn : {"a", "ab", "abc", "arn:aws:lambda:us-east-1:1:function:f"}) {
    const std::string prefix = checkpoint_token_prefix(arn, "inv-1", "key");
    const std::string head = encode_token_head(prefix);
    for (std::uint64_t seq : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{12345},
                              ~std::uint64_t{0}}) {
      EXPECT_EQ(make_checkpoint_token(prefix, head, seq), make_checkpoint_token(prefix, seq))
          << arn << " " << seq;
    }
  }
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

TEST(SecretTest, SecretsDifferingInAnyByteAreNotEqual) {
  const std::string a = random_hex(16);
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string b = a;
    b[i] = b[i] == 'f' ? 'e' : 'f';
    EXPECT_FALSE(secrets_equal(a, b)) << "byte " << i;
    EXPECT_FALSE(secrets_equal(b, a)) << "byte " << i;
  }
  // Every length around the word size, a difference at every position, including the tail.
  for (std::size_t size = 1; size <= 41; ++size) {
    const std::string base(size, 'x');
    EXPECT_TRUE(secrets_equal(base, std::string(size, 'x')));
    for (std::size_t i = 0; i < size; ++i) {
      std::string other = base;
      other[i] = 'y';
      EXPECT_FALSE(secrets_equal(base, other)) << "size " << size << " byte " << i;
    }
  }
  // Bytes outside ASCII, and a difference only in the high bit.
  EXPECT_FALSE(secrets_equal(std::string("\x80", 1), std::string("\x00", 1)));
  EXPECT_TRUE(secrets_equal(std::string("\xff\x00", 2), std::string("\xff\x00", 2)));
}

// getrandom(2) may return fewer bytes than asked above 256; the buffer is filled whole anyway.
TEST(SecretTest, LargeRandomBuffersAreFilledWhole) {
  std::vector<unsigned char> buffer(1 << 16, 0);
  random_bytes(buffer.data(), buffer.size());
  // A filled 64 KiB buffer has every byte value; one left at zero past a short read would not.
  std::set<unsigned char> values(buffer.begin(), buffer.end());
  EXPECT_EQ(values.size(), 256u);
  std::size_t zeros_at_end = 0;
  for (auto it = buffer.rbegin(); it != buffer.rend() && *it == 0; ++it) ++zeros_at_end;
  EXPECT_LT(zeros_at_end, 8u);
  const std::string hex = random_hex(4096);
  EXPECT_EQ(hex.size(), 8192u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// Keys carry 128 random bits: 10,000 of them are all distinct.
TEST(SecretTest, TokenKeysAreDistinct) {
  std::set<std::string> keys;
  for (int i = 0; i < 10000; ++i) keys.insert(new_token_key());
  EXPECT_EQ(keys.size(), 10000u);
  EXPECT_EQ(keys.begin()->size(), 32u);
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

// The id check reads eight characters at a time: every byte value at every position of ids of
// every length must be judged as the per-character rule [a-zA-Z0-9-_] judges it.
TEST(FieldValidationTest, OperationIdCheckAgreesWithThePerCharacterRuleForEveryByte) {
  const auto rule = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  };
  int mismatches = 0;
  for (std::size_t length = 1; length <= 64; ++length) {
    for (std::size_t pos = 0; pos < length; ++pos) {
      for (int b = 0; b < 256; ++b) {
        std::string id(length, 'a');
        id[pos] = static_cast<char>(b);
        if (is_valid_operation_id(id) != rule(static_cast<unsigned char>(b))) ++mismatches;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Neighbours of every range's bounds, each alone in an otherwise valid id.
  for (const char* bad : {"/", ":", "@", "[", "`", "{", ",", ".", "^", "\x7f", "\x80", "\xff"}) {
    EXPECT_FALSE(is_valid_operation_id(std::string("abcdefg") + bad + "hijklmnop")) << bad;
  }
  EXPECT_TRUE(is_valid_operation_id("09AZaz-_09AZaz-_09AZaz-_"));
}

// Ids repeated from the previous update are not checked again; every other id still is, and the
// error still names the first bad field.
TEST(FieldValidationTest, RepeatedIdsAreAcceptedAndEveryNewBadIdIsStillRejected) {
  const auto update = [](std::string id, std::optional<std::string> parent) {
    OperationUpdate u;
    u.id = std::move(id);
    u.parent_id = std::move(parent);
    return u;
  };
  const auto message_of = [](const std::vector<OperationUpdate>& updates) -> std::string {
    try {
      validate_update_fields(updates);
    } catch (const ApiError& e) {
      return e.what();
    }
    return "accepted";
  };
  // A step's START and SUCCEED, then an item whose parent is the previous id.
  EXPECT_EQ(message_of({update("ctx", "map"), update("step", "ctx"), update("step", "ctx"),
                        update("next", "step")}),
            "accepted");
  EXPECT_NE(message_of({update("a", "p"), update("a", "p.")}).find("Updates[1].ParentId"),
            std::string::npos);
  EXPECT_NE(message_of({update("a", "p"), update("a.", "p")}).find("Updates[1].Id"),
            std::string::npos);
  EXPECT_NE(message_of({update("a", std::nullopt), update("", std::nullopt)}).find("Updates[1].Id"),
            std::string::npos);
  EXPECT_NE(message_of({update("a", "p"), update("b", "")}).find("Updates[1].ParentId"),
            std::string::npos);
  EXPECT_NE(message_of({update("bad!", "p"), update("bad!", "p")}).find("Updates[0].Id"),
            std::string::npos);
}

}  // namespace
}  // namespace durable::emulator::detail
