// durable-emulator hosts every fixture with its requirement's settings, as the in-process
// runner applies them: the checkpoint faults of 1-17/1-18 (the "process" dies after the step's
// START is applied) and the plugins of the 10-* requirements, whose records go to the
// emulator's output. Checked over HTTP with the RemoteBackend and the unchanged driver.
//
// DURABLE_EMULATOR (environment) overrides the emulator binary, e.g. to run an older build.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/model/enums.hpp"
#include "durable/testing/conformance/driver.hpp"
#include "durable/testing/conformance/remote_backend.hpp"
#include "durable/testing/conformance/requirement.hpp"
#include "durable/testing/lambda_api_client.hpp"
#include "emulator_process.hpp"

namespace dc = durable::testing::conformance;
using durable::testing::support::EmulatorProcess;

namespace {

std::string emulator_binary() {
  const char* env = std::getenv("DURABLE_EMULATOR");
  return env != nullptr && *env != '\0' ? env : DURABLE_EMULATOR_BINARY;
}

class HostedFixtureSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::filesystem::path(::testing::TempDir()) /
           ("hosted-fixtures-" + std::to_string(::getpid()) + ".log");
    emulator_ = std::make_unique<EmulatorProcess>(
        emulator_binary(), std::vector<std::string>{"--skip-time"}, log_);
    durable::fixtures::register_conformance_handlers(registry_);
  }
  void TearDown() override {
    emulator_.reset();
    std::filesystem::remove(log_);
  }

  // Runs the requirements of `suite` whose id matches `ids` over HTTP; returns the table.
  dc::Summary run(const std::string& suite, const std::string& ids, std::string& table) {
    dc::RemoteBackendOptions options;
    options.client = durable::testing::LambdaApiClientOptions::for_endpoint(emulator_->url());
    options.log_file = log_;
    dc::RemoteBackend backend(options);
    dc::DriverOptions driver_options;
    driver_options.seed = 1;
    driver_options.filter = std::regex(ids);
    dc::ConformanceDriver driver(registry_, backend, driver_options);
    std::vector<dc::Requirement> requirements;
    for (const auto& file : dc::collect_requirement_files(
             {std::filesystem::path(DURABLE_CONFORMANCE_DIR) / suite})) {
      requirements.push_back(dc::load_requirement(file));
    }
    std::ostringstream out;
    dc::Summary summary = driver.run_all(requirements, out);
    table = out.str();
    return summary;
  }

  std::filesystem::path log_;
  std::unique_ptr<EmulatorProcess> emulator_;
  dc::HandlerRegistry registry_;
};

TEST_F(HostedFixtureSettingsTest, CrashFaultsOf1_17And1_18HappenOverHttp) {
  std::string table;
  const dc::Summary summary = run("step", "^1-1[78]$", table);
  EXPECT_EQ(summary.passed, 2) << table;
  EXPECT_EQ(summary.failed, 0) << table;
}

TEST_F(HostedFixtureSettingsTest, PluginRequirementsRunWithTheirPluginsOverHttp) {
  std::string table;
  const dc::Summary summary = run("plugin", "^10-", table);
  EXPECT_EQ(summary.passed, 18) << table;
  EXPECT_EQ(summary.failed, 0) << table;
  EXPECT_EQ(summary.skipped, 0) << table;
}

TEST_F(HostedFixtureSettingsTest, PluginRecordsGoToTheEmulatorOutputAsWholeLines) {
  durable::testing::LambdaApiClient client(
      durable::testing::LambdaApiClientOptions::for_endpoint(emulator_->url()));
  const auto invoked = client.invoke("10-1", "\"Ada\"");
  ASSERT_TRUE(invoked.durable_execution_arn);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!durable::is_terminal(client.get_execution(*invoked.durable_execution_arn).status)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "10-1 did not finish";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string output = emulator_->output();
  std::istringstream lines(output);
  std::string line;
  int records = 0;
  while (std::getline(lines, line)) {
    if (line.find("\"CONFPLUGIN\"") == std::string::npos) continue;
    ++records;
    const auto record = durable::Json::parse(line);  // a whole JSON object per line
    EXPECT_EQ(record.at("durableExecutionArn"), *invoked.durable_execution_arn) << line;
  }
  EXPECT_GE(records, 2) << output;  // invocation-start and invocation-end at least
}

TEST_F(HostedFixtureSettingsTest, AnExecutionThatNeverEndsIsStoppedAtTheWallLimitWithAReason) {
  dc::RemoteBackendOptions options;
  options.client = durable::testing::LambdaApiClientOptions::for_endpoint(emulator_->url());
  options.wall_limit = std::chrono::milliseconds(300);
  dc::RemoteBackend backend(options);
  // 4-1 waits for a callback; without CallbackActions nobody answers it.
  const auto requirement = dc::parse_requirement(
      "description: d\nhandler: h\ninvocations: i\nInput: nobody\nExpectedExecutionHistory: []\n",
      "4-1", "4-1.yaml");
  dc::Bindings bindings(1);
  try {
    (void)backend.execute(requirement, *registry_.find("4-1"), durable::Json("nobody"), bindings);
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("requirement 4-1 (function 4-1 at http://127.0.0.1:"), std::string::npos)
        << message;
    EXPECT_NE(message.find("did not finish within 300 ms of wall time (stopped)"),
              std::string::npos)
        << message;
  }
}

TEST_F(HostedFixtureSettingsTest, AFunctionTheEndpointLacksIsAnInvokeError) {
  dc::RemoteBackendOptions options;
  options.client = durable::testing::LambdaApiClientOptions::for_endpoint(emulator_->url());
  options.function_prefix = "missing-";
  dc::RemoteBackend backend(options);
  const auto requirement = dc::parse_requirement(
      "description: d\nhandler: h\ninvocations: i\nInput: x\nExpectedExecutionHistory: []\n",
      "1-1", "1-1.yaml");
  dc::Bindings bindings(1);
  try {
    (void)backend.execute(requirement, *registry_.find("1-1"), durable::Json("x"), bindings);
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("function missing-1-1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Invoke failed"), std::string::npos) << e.what();
  }
}

}  // namespace
