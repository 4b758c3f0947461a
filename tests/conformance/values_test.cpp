#include "durable/testing/conformance/values.hpp"

#include <gtest/gtest.h>

#include "durable/testing/conformance/bindings.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

TEST(PythonEqual, NumbersCompareByValue) {
  EXPECT_TRUE(dc::python_equal(Json(42), Json(42.0)));
  EXPECT_TRUE(dc::python_equal(Json(42U), Json(42)));
  EXPECT_FALSE(dc::python_equal(Json(42), Json(42.5)));
  EXPECT_TRUE(dc::python_equal(Json(true), Json(1)));
}

TEST(PythonEqual, StringsNeverEqualNumbers) {
  EXPECT_FALSE(dc::python_equal(Json("1"), Json(1)));
  EXPECT_FALSE(dc::python_equal(Json(nullptr), Json("null")));
  EXPECT_TRUE(dc::python_equal(Json("a"), Json("a")));
}

TEST(PythonEqual, ContainersIgnoreKeyOrderButNotListOrder) {
  EXPECT_TRUE(dc::python_equal(Json::parse(R"({"a":1,"b":[1,2.0]})"), Json::parse(R"({"b":[1.0,2],"a":1.0})")));
  EXPECT_FALSE(dc::python_equal(Json::parse("[1,2]"), Json::parse("[2,1]")));
  EXPECT_FALSE(dc::python_equal(Json::parse(R"({"a":1})"), Json::parse(R"({"a":1,"b":2})")));
}

TEST(PythonStr, MatchesPythonForms) {
  EXPECT_EQ(dc::python_str(Json("abc")), "abc");
  EXPECT_EQ(dc::python_str(Json(7)), "7");
  EXPECT_EQ(dc::python_str(Json(1.0)), "1.0");
  EXPECT_EQ(dc::python_str(Json(0.1)), "0.1");
  EXPECT_EQ(dc::python_str(Json(1e16)), "1e+16");
  EXPECT_EQ(dc::python_str(Json(1e-5)), "1e-05");
  EXPECT_EQ(dc::python_str(Json(true)), "True");
  EXPECT_EQ(dc::python_str(Json(nullptr)), "None");
  EXPECT_EQ(dc::python_str(Json::parse(R"({"a":[1,"x"]})")), "{'a': [1, 'x']}");
}

TEST(PythonJsonDumps, UsesPythonSeparators) {
  EXPECT_EQ(dc::python_json_dumps(Json("abc")), "\"abc\"");
  EXPECT_EQ(dc::python_json_dumps(Json::parse(R"({"a":[1,2.5]})")), "{\"a\": [1, 2.5]}");
  EXPECT_EQ(dc::python_json_dumps(Json(nullptr)), "null");
  EXPECT_EQ(dc::python_json_dumps(Json("é")), "\"\\u00e9\"");
}

TEST(Placeholders, RecogniseExactForms) {
  EXPECT_EQ(dc::placeholder_name("${ID1}"), "ID1");
  EXPECT_FALSE(dc::placeholder_name("x${ID1}"));
  EXPECT_FALSE(dc::placeholder_name("${/re/}"));
  EXPECT_EQ(dc::placeholder_regex("${/^a.c$/}"), "^a.c$");
  EXPECT_FALSE(dc::placeholder_regex("${ID}"));
}

TEST(RegexSearch, SearchesAndRejectsBadPatterns) {
  EXPECT_TRUE(dc::regex_search("b+", "abbc"));
  EXPECT_FALSE(dc::regex_search("^b", "abbc"));
  EXPECT_THROW(dc::regex_search("(", "x"), std::invalid_argument);
}

TEST(RegexSearch, PythonInlineFlags) {
  EXPECT_TRUE(dc::regex_search("(?i)^parallel$", "Parallel"));
  EXPECT_FALSE(dc::regex_search("^parallel$", "Parallel"));
  EXPECT_TRUE(dc::regex_search("(?i)context", "CONTEXT"));
  EXPECT_TRUE(dc::regex_search("(?m)^b", "a\nb"));
  EXPECT_THROW(dc::regex_search("(?s)a.b", "a\nb"), std::invalid_argument);
}

TEST(Bindings, GenStrIsLowercaseAlnumOfRequestedLengthAndSeeded) {
  dc::Bindings a(1), b(1), c(2);
  const Json vars = Json::parse(R"({"INPUT_1":"${GEN_STR:8}","FIXED":"pre-${INPUT_1}","N":3})");
  a.define_variables(vars);
  b.define_variables(vars);
  c.define_variables(vars);
  const auto v = a.lookup("INPUT_1")->get<std::string>();
  EXPECT_EQ(v.size(), 8U);
  for (char ch : v) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) << v;
  EXPECT_EQ(*a.lookup("INPUT_1"), *b.lookup("INPUT_1"));
  EXPECT_NE(*a.lookup("INPUT_1"), *c.lookup("INPUT_1"));
  EXPECT_EQ(a.lookup("FIXED")->get<std::string>(), "pre-" + v);
  EXPECT_EQ(*a.lookup("N"), Json(3));
}

TEST(Bindings, BadVariablesAreNamed) {
  dc::Bindings b;
  try {
    b.define_variables(Json::parse(R"({"X":"${GEN_STR:zero}"})"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Variables.X"), std::string::npos);
  }
  EXPECT_THROW(b.define_variables(Json::array()), std::invalid_argument);
}

TEST(Bindings, SubstituteReplacesOnlyBoundNames) {
  dc::Bindings b;
  b.bind_or_check("A", "x");
  b.bind_or_check("N", 5);
  EXPECT_EQ(b.substitute("${A}-${N}-${B}"), "x-5-${B}");
  EXPECT_EQ(b.substitute_all(Json::parse(R"(["${A}",{"k":"${A}!"}])")), Json::parse(R"(["x",{"k":"x!"}])"));
}

TEST(Bindings, BindOrCheckBindsOnceThenCompares) {
  dc::Bindings b;
  EXPECT_TRUE(b.bind_or_check("ID", "abc"));
  EXPECT_TRUE(b.bind_or_check("ID", "abc"));
  EXPECT_FALSE(b.bind_or_check("ID", "abd"));
}
