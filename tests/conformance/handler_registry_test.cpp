#include "durable/testing/conformance/handler_registry.hpp"

#include <gtest/gtest.h>

#include "durable/durable.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {
Json noop(const Json&, durable::DurableContext&) { return nullptr; }
}  // namespace

TEST(HandlerRegistry, RegistersFindsAndOrdersIds) {
  dc::HandlerRegistry r;
  r.register_handler("1-10", noop);
  r.register_handler("1-2", noop);
  dc::RequirementSettings s;
  s.durable_functions["target"] = noop;
  r.register_handler("5-1", noop, s);
  EXPECT_EQ(r.size(), 3U);
  EXPECT_EQ(r.ids(), (std::vector<std::string>{"1-2", "1-10", "5-1"}));
  ASSERT_NE(r.find("5-1"), nullptr);
  EXPECT_EQ(r.find("5-1")->settings.durable_functions.count("target"), 1U);
  EXPECT_EQ(r.find("9-9"), nullptr);
}

TEST(HandlerRegistry, RejectsBadRegistrations) {
  dc::HandlerRegistry r;
  r.register_handler("1-1", noop);
  EXPECT_THROW(r.register_handler("1-1", noop), std::invalid_argument);
  EXPECT_THROW(r.register_handler("", noop), std::invalid_argument);
  EXPECT_THROW(r.register_handler("1-3", durable::Handler{}), std::invalid_argument);
  EXPECT_THROW(r.skip("1-4", ""), std::invalid_argument);
  EXPECT_THROW(r.skip("", "why"), std::invalid_argument);
}

TEST(HandlerRegistry, SkipReasons) {
  dc::HandlerRegistry r;
  r.skip("1-17", "needs crash");
  EXPECT_EQ(r.skip_reason("1-17"), "needs crash");
  EXPECT_FALSE(r.skip_reason("1-1"));
}
