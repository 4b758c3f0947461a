#include <gtest/gtest.h>

#include "durable/emulator/function_registry.hpp"

namespace durable::emulator {
namespace {

DurableFunction returning(InvocationStatus s) {
  return [s](const DurableExecutionInvocationInput&) {
    return DurableExecutionInvocationOutput{s, std::nullopt, std::nullopt};
  };
}

TEST(FunctionRegistryTest, FindsByNameQualifiedNameAndArn) {
  FunctionRegistry registry;
  registry.register_durable_function("orders", returning(InvocationStatus::Succeeded));
  EXPECT_TRUE(registry.contains("orders"));
  EXPECT_TRUE(registry.contains("orders:$LATEST"));
  EXPECT_TRUE(registry.contains("arn:aws:lambda:us-east-1:123456789012:function:orders:1"));
  EXPECT_TRUE(registry.contains("arn:aws:lambda:us-east-1:123456789012:function:orders"));
  EXPECT_FALSE(registry.contains("payments"));
  EXPECT_FALSE(registry.find("payments").has_value());
  auto fn = registry.find("orders:prod");
  ASSERT_TRUE(fn.has_value());
  EXPECT_EQ((*fn)({}).status, InvocationStatus::Succeeded);
}

TEST(FunctionRegistryTest, ReplacesAnExistingRegistration) {
  FunctionRegistry registry;
  registry.register_durable_function("f", returning(InvocationStatus::Succeeded));
  registry.register_durable_function("f", returning(InvocationStatus::Failed));
  EXPECT_EQ((*registry.find("f"))({}).status, InvocationStatus::Failed);
}

TEST(FunctionRegistryTest, RejectsEmptyNameOrFunction) {
  FunctionRegistry registry;
  EXPECT_THROW(registry.register_durable_function("", returning(InvocationStatus::Pending)),
               std::invalid_argument);
  EXPECT_THROW(registry.register_durable_function("f", DurableFunction{}), std::invalid_argument);
}

}  // namespace
}  // namespace durable::emulator
