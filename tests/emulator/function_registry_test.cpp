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

TEST(FunctionRegistryTest, NamesListsEveryRegistrationOnceSorted) {
  FunctionRegistry registry;
  EXPECT_TRUE(registry.names().empty());
  registry.register_durable_function("orders", returning(InvocationStatus::Succeeded));
  registry.register_function("fraud-check", [](const std::string& s) { return s; });
  registry.register_durable_function("orders", returning(InvocationStatus::Failed));
  FunctionRegistry shared = registry;  // a handle: later registrations are seen through it
  registry.register_durable_function("audit", returning(InvocationStatus::Succeeded));
  EXPECT_EQ(shared.names(), (std::vector<std::string>{"audit", "fraud-check", "orders"}));
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

TEST(FunctionRegistryTest, PlainFunctionsAreFoundByLookupButAreNotDurable) {
  FunctionRegistry registry;
  registry.register_function("echo", [](const std::string& p) { return p; },
                             {.delay = std::chrono::seconds(3)});
  EXPECT_TRUE(registry.contains("echo:$LATEST"));
  EXPECT_FALSE(registry.find("echo").has_value());
  auto fn = registry.lookup("arn:aws:lambda:us-east-1:123456789012:function:echo:2");
  ASSERT_TRUE(fn.has_value());
  EXPECT_FALSE(fn->is_durable());
  EXPECT_EQ(fn->name, "echo");
  EXPECT_EQ(fn->plain("[1]"), "[1]");
  EXPECT_EQ(fn->options.delay, std::chrono::seconds(3));
  EXPECT_FALSE(registry.lookup("other").has_value());
}

TEST(FunctionRegistryTest, ReRegisteringChangesTheKind) {
  FunctionRegistry registry;
  registry.register_function("f", [](const std::string&) { return std::string("1"); });
  registry.register_durable_function("f", returning(InvocationStatus::Succeeded));
  EXPECT_TRUE(registry.lookup("f")->is_durable());
  EXPECT_TRUE(registry.find("f").has_value());
}

TEST(FunctionRegistryTest, CopiesShareRegistrations) {
  FunctionRegistry registry;
  FunctionRegistry copy = registry;
  registry.register_function("late", [](const std::string&) { return std::string("1"); });
  EXPECT_TRUE(copy.contains("late"));
}

TEST(FunctionRegistryTest, RejectsBadPlainRegistrationsAndOptions) {
  FunctionRegistry registry;
  auto plain = [](const std::string&) { return std::string("1"); };
  EXPECT_THROW(registry.register_function("", plain), std::invalid_argument);
  EXPECT_THROW(registry.register_function("f", PlainFunction{}), std::invalid_argument);
  EXPECT_THROW(registry.register_function("f", plain, {.delay = std::chrono::milliseconds(-1)}),
               std::invalid_argument);
  EXPECT_THROW(registry.register_function("f", plain, {.timeout = std::chrono::seconds(0)}),
               std::invalid_argument);
  try {
    registry.register_durable_function("d", returning(InvocationStatus::Succeeded),
                                       {.delay = std::chrono::seconds(1)});
    ADD_FAILURE() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("plain functions only"), std::string::npos);
  }
  EXPECT_FALSE(registry.contains("f"));
  EXPECT_FALSE(registry.contains("d"));
}

}  // namespace
}  // namespace durable::emulator
