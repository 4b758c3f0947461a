#include "durable/testing/conformance/yaml_json.hpp"

#include <gtest/gtest.h>

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

Json one(const std::string& scalar) { return dc::yaml_to_json("v: " + scalar, "t.yaml")["v"]; }

}  // namespace

TEST(YamlToJson, PlainScalarsResolveLikePyYaml) {
  EXPECT_TRUE(one("").is_null());
  EXPECT_TRUE(one("~").is_null());
  EXPECT_TRUE(one("null").is_null());
  EXPECT_EQ(one("true"), Json(true));
  EXPECT_EQ(one("no"), Json(false));
  EXPECT_EQ(one("On"), Json(true));
  EXPECT_TRUE(one("42").is_number_integer());
  EXPECT_EQ(one("42").get<int>(), 42);
  EXPECT_EQ(one("-7").get<int>(), -7);
  EXPECT_EQ(one("0x1f").get<int>(), 31);
  EXPECT_EQ(one("1_000").get<int>(), 1000);
  EXPECT_TRUE(one("123456789012345678901234").is_number_float());
  EXPECT_TRUE(one("2.5").is_number_float());
  EXPECT_DOUBLE_EQ(one("2.5").get<double>(), 2.5);
  // PyYAML needs a dot for a float: 1e5 stays a string.
  EXPECT_EQ(one("1e5"), Json("1e5"));
  EXPECT_DOUBLE_EQ(one(".5").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(one("1.5e+3").get<double>(), 1500.0);
  EXPECT_EQ(one("+."), Json("+."));
  EXPECT_EQ(one("1.0e+999"), Json("1.0e+999"));
  EXPECT_EQ(one("Hello, World!"), Json("Hello, World!"));
  EXPECT_EQ(one("Operation succeeded"), Json("Operation succeeded"));
}

TEST(YamlToJson, QuotedScalarsStayStrings) {
  EXPECT_EQ(one("'1'"), Json("1"));
  EXPECT_EQ(one("\"true\""), Json("true"));
  EXPECT_EQ(one("'*'"), Json("*"));
  EXPECT_EQ(one("'\"task-1\"'"), Json("\"task-1\""));
  EXPECT_EQ(one("''"), Json(""));
  EXPECT_EQ(one("!!str 12"), Json("12"));
}

TEST(YamlToJson, CollectionsAndFlowStyle) {
  const Json doc = dc::yaml_to_json("a: [x, 'y', 3]\nb: {}\nc:\n  - k: v\n", "t.yaml");
  EXPECT_EQ(doc["a"], (Json{"x", "y", 3}));
  EXPECT_TRUE(doc["b"].is_object());
  EXPECT_TRUE(doc["b"].empty());
  EXPECT_EQ(doc["c"][0]["k"], Json("v"));
}

TEST(YamlToJson, SyntaxErrorNamesTheSource) {
  try {
    dc::yaml_to_json("a: [unclosed", "broken.yaml");
    FAIL() << "expected RequirementError";
  } catch (const dc::RequirementError& e) {
    EXPECT_EQ(e.source(), "broken.yaml");
    EXPECT_NE(std::string(e.what()).find("broken.yaml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("invalid YAML"), std::string::npos);
  }
}
