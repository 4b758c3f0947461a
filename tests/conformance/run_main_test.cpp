// run_main, the conformance tool's command line over any handler set: usage errors, the exit
// status when nothing ran or handlers are missing (and the flags that allow it), --dump.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "durable/testing/conformance/run_main.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

constexpr const char* kGreeting = R"(
description: a greeting step
handler: h
invocations: i
Input: World
ExpectedResult:
  ExecutionStatus: SUCCEEDED
  Result: Hello, World!
ExpectedExecutionHistory:
  - EventType: StepStarted
    EventId: 2
    EventTimestamp: '*'
  - EventType: StepSucceeded
    EventId: 3
    EventTimestamp: '*'
  - EventType: InvocationCompleted
    EventId: 4
    EventTimestamp: '*'
)";

Json greet(const Json& event, durable::DurableContext& ctx) {
  return ctx.step([&](durable::StepContext&) { return "Hello, " + event.get<std::string>() + "!"; },
                  "greet");
}

class RunMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("run-main-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "reqs");
    for (const char* id : {"7-1", "7-2"}) {
      std::ofstream(dir_ / "reqs" / (std::string(id) + ".yaml")) << kGreeting;
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int run(std::vector<std::string> args) {
    args.insert(args.begin(), "my-conformance");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    out_.str("");
    err_.str("");
    return dc::run_main(static_cast<int>(args.size()), argv.data(), registry_, out_, err_);
  }
  std::string reqs() const { return (dir_ / "reqs").string(); }

  std::filesystem::path dir_;
  dc::HandlerRegistry registry_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RunMainTest, AllRegisteredAndPassingExitsZero) {
  registry_.register_handler("7-1", greet);
  registry_.register_handler("7-2", greet);
  EXPECT_EQ(run({"--seed", "1", reqs()}), 0) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("2 passed, 0 failed"), std::string::npos) << out_.str();
}

TEST_F(RunMainTest, NothingRanExitsOneUnlessAllowed) {
  registry_.register_handler("7-1", greet);
  EXPECT_EQ(run({"--filter", "^9-", reqs()}), 1);
  EXPECT_NE(err_.str().find("no requirement ran"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--filter", "^9-", "--allow-empty", reqs()}), 0) << err_.str();
}

TEST_F(RunMainTest, MissingHandlersExitOneUnlessAllowedOrSkipped) {
  registry_.register_handler("7-1", greet);
  EXPECT_EQ(run({reqs()}), 1);
  EXPECT_NE(err_.str().find("1 requirement(s) have no handler"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--allow-missing-handlers", reqs()}), 0) << err_.str();
  EXPECT_EQ(run({"--skip", "7-2=not written yet", reqs()}), 0) << err_.str();
  EXPECT_NE(out_.str().find("not written yet"), std::string::npos) << out_.str();
}

TEST_F(RunMainTest, AFailureExitsOne) {
  registry_.register_handler("7-1", [](const Json&, durable::DurableContext&) -> Json {
    return "Goodbye";
  });
  EXPECT_EQ(run({"--filter", "7-1", reqs()}), 1);
  EXPECT_NE(out_.str().find("0 passed, 1 failed"), std::string::npos) << out_.str();
}

TEST_F(RunMainTest, DumpWritesStatusResultAndHistoryPerRun) {
  registry_.register_handler("7-1", greet);
  const auto dump = dir_ / "dump";
  ASSERT_EQ(run({"--filter", "7-1", "--dump", dump.string(), reqs()}), 0) << err_.str();
  std::ifstream file(dump / "7-1.json");
  ASSERT_TRUE(file) << "no " << (dump / "7-1.json");
  const Json written = Json::parse(file);
  EXPECT_EQ(written.at("Id"), "7-1");
  EXPECT_EQ(written.at("Status"), "SUCCEEDED");
  EXPECT_EQ(written.at("Result"), "\"Hello, World!\"");
  ASSERT_TRUE(written.at("History").at("Events").is_array());
  EXPECT_EQ(written.at("History").at("Events").size(), 5u);  // ExecutionStarted..Succeeded
  EXPECT_TRUE(written.at("Logs").is_array());
  EXPECT_FALSE(std::filesystem::exists(dump / "7-2.json"));
}

TEST_F(RunMainTest, UsageErrorsExitTwoNamingTheProblem) {
  EXPECT_EQ(run({}), 2);
  EXPECT_NE(err_.str().find("no requirement PATH given"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--bogus", reqs()}), 2);
  EXPECT_NE(err_.str().find("unknown option '--bogus'"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--seed", "x1", reqs()}), 2);
  EXPECT_NE(err_.str().find("--seed 'x1'"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--skip", "7-1", reqs()}), 2);
  EXPECT_NE(err_.str().find("must be ID=REASON"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--remote-logs", "f", reqs()}), 2);
  EXPECT_NE(err_.str().find("need --remote"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--filter", "(", reqs()}), 2);
  EXPECT_NE(err_.str().find("not a valid regex"), std::string::npos) << err_.str();
  EXPECT_EQ(run({"--filter"}), 2);
  EXPECT_NE(err_.str().find("--filter needs a value"), std::string::npos) << err_.str();
  EXPECT_EQ(run({(dir_ / "missing").string()}), 2) << err_.str();
}

TEST_F(RunMainTest, HelpPrintsUsageAndExitsZero) {
  EXPECT_EQ(run({"--help"}), 0);
  EXPECT_NE(out_.str().find("usage: my-conformance [options] PATH..."), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("--remote URL"), std::string::npos);
}

}  // namespace
