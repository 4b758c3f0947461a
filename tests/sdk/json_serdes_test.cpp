// JsonSerDes: its direct paths for integers, bool and std::string write and read exactly what
// nlohmann's dump and parse + get<T> do, for every input, valid or not; and a custom SerDes still
// receives the operation's context.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

// What the generic path (a full nlohmann parse, then get<T>) gives: the value, or that it throws.
template <class T>
std::optional<T> via_nlohmann(std::string_view text) {
  try {
    return Json::parse(text).get<T>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

template <class T>
std::optional<T> via_decode(std::string_view text) {
  try {
    return JsonSerDes<T>::decode(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const std::vector<std::string>& number_texts() {
  static const std::vector<std::string> texts = {
      "0", "-0", "7", "-7", "42", "2147483647", "2147483648", "-2147483648", "-2147483649",
      "4294967295", "4294967296", "9223372036854775807", "-9223372036854775808",
      "9223372036854775808", "18446744073709551615", "18446744073709551616",
      "-9223372036854775809", "007", "-01", "+5", " 5", "5 ", "1.5", "-2.0", "1e3", "1E-2", "-",
      "", "true", "false", "null", "\"5\"", "[5]", "5x", "0x10", "--5", "99999999999999999999999"};
  return texts;
}

template <class T>
void expect_integer_decode_matches() {
  for (const auto& text : number_texts()) {
    if (text.empty()) continue;  // an absent payload: decoded as JSON null by both paths
    EXPECT_EQ(via_decode<T>(text), via_nlohmann<T>(text)) << "text: '" << text << "'";
  }
}

TEST(JsonSerDesDirect, IntegerDecodingMatchesNlohmannForEveryText) {
  expect_integer_decode_matches<std::int64_t>();
  expect_integer_decode_matches<int>();
  expect_integer_decode_matches<std::uint64_t>();
  expect_integer_decode_matches<unsigned>();
  expect_integer_decode_matches<short>();
  expect_integer_decode_matches<long long>();
}

TEST(JsonSerDesDirect, IntegerEncodingMatchesNlohmann) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{123456789},
                         std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(JsonSerDes<std::int64_t>::encode(v), Json(v).dump());
  }
  for (int v : {0, -5, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()}) {
    EXPECT_EQ(JsonSerDes<int>::encode(v), Json(v).dump());
  }
  for (std::uint64_t v : {std::uint64_t{0}, std::numeric_limits<std::uint64_t>::max()}) {
    EXPECT_EQ(JsonSerDes<std::uint64_t>::encode(v), Json(v).dump());
  }
  EXPECT_EQ(JsonSerDes<short>::encode(static_cast<short>(-300)), Json(-300).dump());
}

TEST(JsonSerDesDirect, BoolMatchesNlohmann) {
  EXPECT_EQ(JsonSerDes<bool>::encode(true), Json(true).dump());
  EXPECT_EQ(JsonSerDes<bool>::encode(false), Json(false).dump());
  for (const char* text : {"true", "false", " true", "1", "0", "null", "\"true\"", "tru"}) {
    EXPECT_EQ(via_decode<bool>(text), via_nlohmann<bool>(text)) << "text: '" << text << "'";
  }
}

TEST(JsonSerDesDirect, StringsMatchNlohmann) {
  const std::vector<std::string> values = {
      "", "plain", "with space", "quote\"inside", "back\\slash", "tab\there", "new\nline",
      std::string("nul\0byte", 8), "caf\xc3\xa9", "\x7f", "/slash/", "{\"json\":1}"};
  for (const auto& v : values) {
    EXPECT_EQ(JsonSerDes<std::string>::encode(v), Json(v).dump()) << "value: " << v;
    const std::string text = Json(v).dump();
    EXPECT_EQ(via_decode<std::string>(text), via_nlohmann<std::string>(text)) << "text: " << text;
  }
  EXPECT_THROW((void)JsonSerDes<std::string>::encode("bad \xff utf-8"), std::exception);
  for (const char* text : {"\"a\"", "\"\"", "\"a\\\"b\"", "\"a", "a\"", "\"", " \"a\"",
                           "\"a\" ", "\"\\u0041\"", "5", "\"caf\xc3\xa9\"", "\"bad \xff\""}) {
    EXPECT_EQ(via_decode<std::string>(text), via_nlohmann<std::string>(text))
        << "text: '" << text << "'";
  }
}

// A SerDes that is not the default still gets the operation id and the ARN.
class ContextRecordingSerDes : public SerDes<std::int64_t> {
 public:
  std::string serialize(const std::int64_t& v, const SerDesContext& ctx) const override {
    serialized_for = ctx.operation_id;
    return std::to_string(v);
  }
  std::int64_t deserialize(std::string_view d, const SerDesContext& ctx) const override {
    deserialized_for = ctx.operation_id;
    arn = ctx.durable_execution_arn;
    return std::stoll(std::string(d));
  }
  mutable std::string serialized_for, deserialized_for, arn;
};

TEST(JsonSerDesDirect, ACustomSerDesStillGetsTheContextOnBothSides) {
  test::FakeCheckpointClient client;
  auto serdes = std::make_shared<ContextRecordingSerDes>();
  std::string step_id;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        return Json(ctx.step(
            [&](StepContext& sc) {
              step_id = sc.operation_id();
              return std::int64_t{9};
            },
            "s", {.serdes = serdes}));
      },
      client.next_input(), client);
  EXPECT_EQ(out.result, "9");
  EXPECT_EQ(serdes->serialized_for, step_id);
  EXPECT_EQ(serdes->deserialized_for, step_id);
  EXPECT_EQ(serdes->arn, test::kArn);
}

}  // namespace
}  // namespace durable
