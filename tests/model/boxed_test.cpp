// Boxed<T>: std::optional's behaviour with the value on the heap, and the size it buys Operation.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "durable/model/boxed.hpp"
#include "durable/model/operation.hpp"

namespace durable {
namespace {

TEST(Boxed, BehavesLikeAnOptional) {
  Boxed<std::string> empty;
  EXPECT_FALSE(empty.has_value());
  EXPECT_FALSE(static_cast<bool>(empty));
  EXPECT_EQ(empty, std::nullopt);
  EXPECT_THROW(empty.value(), std::bad_optional_access);
  EXPECT_EQ(empty.value_or("fallback"), "fallback");

  Boxed<std::string> text = std::string("abc");
  EXPECT_TRUE(text.has_value());
  EXPECT_EQ(*text, "abc");
  EXPECT_EQ(text->size(), 3u);
  EXPECT_EQ(text.value(), "abc");
  EXPECT_EQ(text, std::string("abc"));
  EXPECT_EQ(text.value_or("fallback"), "abc");

  text = {};  // as with std::optional: empties it
  EXPECT_FALSE(text.has_value());
  text = std::string("abc");
  EXPECT_EQ(*std::move(text), "abc");
  Boxed<std::unique_ptr<int>> move_only = std::make_unique<int>(5);
  EXPECT_EQ(*std::move(move_only).value_or(nullptr), 5);
  text.emplace(2, 'x');
  EXPECT_EQ(*text, "xx");
  text = std::nullopt;
  EXPECT_FALSE(text.has_value());
  text = std::string("back");
  text.reset();
  EXPECT_FALSE(text.has_value());
}

TEST(Boxed, CopiesAreDeepAndMovesEmptyTheSource) {
  Boxed<std::string> a = std::string("value");
  Boxed<std::string> b = a;
  *b += "-changed";
  EXPECT_EQ(*a, "value");
  EXPECT_EQ(*b, "value-changed");
  b = a;
  EXPECT_EQ(a, b);
  Boxed<std::string> c = std::move(a);
  EXPECT_EQ(*c, "value");
  EXPECT_FALSE(a.has_value());  // NOLINT(bugprone-use-after-move): documented
  c = c;                        // self-assignment keeps the value
  EXPECT_EQ(*c, "value");
}

TEST(Boxed, ConvertsToAndFromStdOptional) {
  std::optional<int> some = 7;
  Boxed<int> boxed = some;
  EXPECT_EQ(*boxed, 7);
  EXPECT_EQ(boxed, some);
  std::optional<int> back = boxed;
  EXPECT_EQ(back, 7);
  boxed = std::optional<int>();
  EXPECT_FALSE(boxed.has_value());
  EXPECT_EQ(boxed, std::optional<int>());
  EXPECT_NE(boxed, some);
  const std::optional<int> none = Boxed<int>();
  EXPECT_FALSE(none.has_value());
}

TEST(Boxed, KeepsOperationSmallAndComparable) {
  // Six details structs held inline made every Operation over a kilobyte.
  EXPECT_LT(sizeof(Operation), 320u);
  Operation a;
  a.id = "op";
  a.step_details = StepDetails{1, std::nullopt, "\"r\"", std::nullopt};
  Operation b = a;
  EXPECT_EQ(a, b);
  b.step_details->result = "\"other\"";
  EXPECT_NE(a, b);
  EXPECT_EQ(*a.step_details->result, "\"r\"");
  b.step_details = std::nullopt;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace durable
