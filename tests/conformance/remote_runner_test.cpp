// The remote runner: operations rebuilt from history events agree with the service's own, and
// one test body runs in process or against durable-emulator's hosted fixtures over the Lambda
// API, chosen by DURABLE_TEST_FUNCTIONS. Loopback only; every wait bounded.
#include <gtest/gtest.h>

#include <unistd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "durable/durable.hpp"
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/lambda/http_checkpoint_client.hpp"
#include "durable/testing.hpp"
#include "durable/testing/conformance/handler_registry.hpp"
#include "durable/testing/operations_from_history.hpp"
#include "durable/testing/remote_runner.hpp"
#include "emulator_process.hpp"
#ifdef DURABLE_ORDER_HANDLER
#include "order_workflow.hpp"
#endif

namespace dt = durable::testing;
using durable::Json;
using durable::OperationStatus;
using durable::OperationType;

namespace {

durable::Handler fixture(const std::string& id) {
  static const auto* registry = [] {
    auto* r = new durable::testing::conformance::HandlerRegistry();
    durable::fixtures::register_conformance_handlers(*r);
    return r;
  }();
  return registry->find(id)->handler;
}

// --- operations_from_history against the emulator's own operation list ---

void expect_same_operations(const dt::TestResult& result) {
  const auto rebuilt = dt::operations_from_history(
      result.history(), dt::execution_operation_id(result.execution_arn()));
  const auto ops = result.operations();
  std::string listing;
  for (const auto& op : ops) listing += " want " + op.raw().id + " " + std::string(durable::to_string(op.type()));
  for (const auto& op : rebuilt) listing += " got " + op.id + " " + std::string(durable::to_string(op.type));
  ASSERT_EQ(rebuilt.size(), ops.size()) << listing << "\n" << result.timeline();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const durable::Operation& want = ops[i].raw();
    const durable::Operation& got = rebuilt[i];
    SCOPED_TRACE("operation " + want.id);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.status, want.status);
    if (want.type != OperationType::Execution) {
      EXPECT_EQ(got.name, want.name);
    }
    EXPECT_EQ(got.parent_id, want.parent_id);
    EXPECT_EQ(got.sub_type, want.sub_type);
    EXPECT_EQ(got.start_timestamp, want.start_timestamp);
    EXPECT_EQ(got.end_timestamp, want.end_timestamp);
    if (want.step_details) {
      ASSERT_TRUE(got.step_details);
      EXPECT_EQ(got.step_details->result, want.step_details->result);
      EXPECT_EQ(got.step_details->error, want.step_details->error);
      EXPECT_EQ(got.step_details->attempt, want.step_details->attempt);
    }
    if (want.callback_details) {
      ASSERT_TRUE(got.callback_details);
      EXPECT_EQ(got.callback_details->callback_id, want.callback_details->callback_id);
      EXPECT_EQ(got.callback_details->result, want.callback_details->result);
      EXPECT_EQ(got.callback_details->error, want.callback_details->error);
    }
    if (want.context_details) {
      ASSERT_TRUE(got.context_details);
      EXPECT_EQ(got.context_details->result, want.context_details->result);
      EXPECT_EQ(got.context_details->error, want.context_details->error);
    }
    if (want.chained_invoke_details) {
      ASSERT_TRUE(got.chained_invoke_details);
      EXPECT_EQ(got.chained_invoke_details->result, want.chained_invoke_details->result);
      EXPECT_EQ(got.chained_invoke_details->error, want.chained_invoke_details->error);
    }
    if (want.wait_details) {
      ASSERT_TRUE(got.wait_details);
      EXPECT_EQ(got.wait_details->scheduled_end_timestamp,
                want.wait_details->scheduled_end_timestamp);
    }
  }
}

TEST(OperationsFromHistory, AgreeWithTheServiceForStepsRetriesWaitsAndContexts) {
  auto attempts_made = std::make_shared<int>(0);
  dt::DurableRunner runner([attempts_made](const Json&, durable::DurableContext& ctx) -> Json {
    int& attempts = *attempts_made;
    durable::StepConfig<std::string> retry;
    durable::RetryStrategyConfig cfg;
    cfg.max_attempts = 3;
    cfg.initial_delay = durable::Duration::from_seconds(1);
    cfg.jitter = durable::JitterStrategy::None;
    retry.retry_strategy = durable::create_retry_strategy(cfg);
    const auto flaky = ctx.step(
        [&](durable::StepContext&) -> std::string {
          if (++attempts < 2) throw std::runtime_error("not yet");
          return "ok";
        },
        "flaky", retry);
    ctx.wait(durable::Duration::from_seconds(5), "pause");
    const auto inner = ctx.run_in_child_context(
        [](durable::DurableContext& child) {
          return child.step([](durable::StepContext&) { return std::string("in"); }, "inner");
        },
        "child");
    return flaky + inner;
  });
  const auto result = runner.run();
  ASSERT_EQ(result.execution_status(), durable::ExecutionStatus::Succeeded) << result.timeline();
  expect_same_operations(result);
}

TEST(OperationsFromHistory, AgreeWithTheServiceForAFailedStepAndACallback) {
  dt::DurableRunner runner([](const Json&, durable::DurableContext& ctx) -> Json {
    auto cb = ctx.create_callback<Json>("approval");
    (void)cb.result();
    durable::StepConfig<Json> once;
    once.retry_strategy = durable::retry_presets::none();
    return ctx.step([](durable::StepContext&) -> Json { throw std::runtime_error("boom"); },
                    "doomed", once);
  });
  runner.start();
  const std::string id = runner.wait_for_callback("approval");
  runner.send_callback_success(id, Json{{"ok", true}});
  const auto result = runner.wait_for_result();
  ASSERT_EQ(result.execution_status(), durable::ExecutionStatus::Failed) << result.timeline();
  expect_same_operations(result);
}

TEST(OperationsFromHistory, SkipsEventsWithoutAnId) {
  durable::Event completed;
  completed.event_type = durable::EventType::InvocationCompleted;
  EXPECT_TRUE(dt::operations_from_history({completed}).empty());
}

// --- DURABLE_TEST_FUNCTIONS ---

durable::lambda::EnvironmentLookup environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(RemoteFunctionFor, MapsNamesAndRejectsMalformedEntries) {
  const auto env = environment({{"DURABLE_TEST_FUNCTIONS", "greet=1-1,order=Order:$LATEST"}});
  EXPECT_EQ(dt::remote_function_for("greet", env), "1-1");
  EXPECT_EQ(dt::remote_function_for("order", env), "Order:$LATEST");
  EXPECT_EQ(dt::remote_function_for("other", env), std::nullopt);
  EXPECT_EQ(dt::remote_function_for("greet", environment({})), std::nullopt);
  try {
    (void)dt::remote_function_for("greet", environment({{"DURABLE_TEST_FUNCTIONS", "greet"}}));
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'greet' must be NAME=FUNCTION"), std::string::npos)
        << e.what();
  }
}

TEST(LambdaApiClientOptions, LoopbackGetsDefaultsOtherEndpointsNeedTheEnvironment) {
  const auto local = dt::LambdaApiClientOptions::for_endpoint("http://127.0.0.1:9014", environment({}));
  EXPECT_EQ(local.region, "us-east-1");
  EXPECT_FALSE(local.credentials.access_key_id.empty());
  try {
    (void)dt::LambdaApiClientOptions::for_endpoint("https://lambda.eu-west-1.amazonaws.com",
                                                   environment({{"AWS_REGION", "eu-west-1"}}));
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos) << e.what();
  }
  const auto aws = dt::LambdaApiClientOptions::for_endpoint(
      "", environment({{"AWS_REGION", "eu-west-1"},
                       {"AWS_ACCESS_KEY_ID", "AKID"},
                       {"AWS_SECRET_ACCESS_KEY", "secret"}}));
  EXPECT_EQ(aws.endpoint.host, "lambda.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws.credentials.access_key_id, "AKID");
  EXPECT_THROW((void)dt::LambdaApiClientOptions::for_endpoint("ftp://x", environment({})),
               std::invalid_argument);
}

TEST(LambdaApiClient, NoServerIsATransportErrorNamingTheEndpoint) {
  // Port 1 on loopback: nothing listens there.
  dt::LambdaApiClient client(
      dt::LambdaApiClientOptions::for_endpoint("http://127.0.0.1:1", environment({})));
  try {
    (void)client.get_execution("arn:x");
    ADD_FAILURE() << "expected TransportError";
  } catch (const durable::lambda::TransportError& e) {
    EXPECT_NE(std::string(e.what()).find("GetDurableExecution to http://127.0.0.1:1"),
              std::string::npos)
        << e.what();
  }
}

TEST(RemoteRunnerOptions, BadOptionsAreRejected) {
  dt::RemoteRunnerOptions options;
  options.client = dt::LambdaApiClientOptions::for_endpoint("http://127.0.0.1:1", environment({}));
  EXPECT_THROW(dt::RemoteRunner{options}, std::invalid_argument);  // no function name
  options.function_name = "fn";
  options.timeout = std::chrono::milliseconds(0);
  EXPECT_THROW(dt::RemoteRunner{options}, std::invalid_argument);
}

// --- Against durable-emulator ---

class RemoteRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::filesystem::path(::testing::TempDir()) /
           ("remote-runner-" + std::to_string(::getpid()) + ".log");
    emulator_ = std::make_unique<durable::testing::support::EmulatorProcess>(
        DURABLE_EMULATOR_BINARY, std::vector<std::string>{"--skip-time"}, log_);
  }
  void TearDown() override {
    emulator_.reset();
    std::filesystem::remove(log_);
  }
  durable::lambda::EnvironmentLookup remote_env(const std::string& mapping) const {
    return environment({{"DURABLE_TEST_FUNCTIONS", mapping},
                        {"AWS_ENDPOINT_URL_LAMBDA", emulator_->url()}});
  }

  std::filesystem::path log_;
  std::unique_ptr<durable::testing::support::EmulatorProcess> emulator_;
};

// The same body, in process and against the fixture durable-emulator hosts as "1-1".
void greeting_body(dt::LocalOrRemoteRunner& runner) {
  const auto result = runner.run("World");
  ASSERT_EQ(result.status(), dt::ExecutionStatus::Succeeded) << result.timeline();
  EXPECT_EQ(result.result(), "Hello, World!");
  const auto steps = result.operations(OperationType::Step);
  ASSERT_EQ(steps.size(), 1u) << result.timeline();
  EXPECT_EQ(steps[0].status(), OperationStatus::Succeeded);
  EXPECT_EQ(result.history_json().at("Events").size(), 5u);
}

TEST_F(RemoteRunnerTest, OneTestBodyRunsLocallyOrRemotely) {
  dt::LocalOrRemoteRunner local("greet", fixture("1-1"), {}, environment({}));
  EXPECT_FALSE(local.is_remote());
  greeting_body(local);
  dt::LocalOrRemoteRunner remote("greet", fixture("1-1"), {}, remote_env("greet=1-1"));
  ASSERT_TRUE(remote.is_remote());
  EXPECT_EQ(remote.local(), nullptr);
  greeting_body(remote);
}

void callback_body(dt::LocalOrRemoteRunner& runner) {
  runner.start("approval");
  const std::string id = runner.wait_for_callback("approval");
  runner.send_callback_success(id, Json{{"approved", true}});
  const auto result = runner.wait_for_result();
  ASSERT_EQ(result.status(), dt::ExecutionStatus::Succeeded) << result.timeline();
  EXPECT_EQ(result.result(), (Json{{"approved", true}}));
  const auto callbacks = result.operations(OperationType::Callback);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].status(), OperationStatus::Succeeded);
}

TEST_F(RemoteRunnerTest, CallbacksAreAnsweredThroughTheApi) {
  dt::LocalOrRemoteRunner local("cb", fixture("4-1"), {}, environment({}));
  callback_body(local);
  dt::LocalOrRemoteRunner remote("cb", fixture("4-1"), {}, remote_env("cb=4-1"));
  ASSERT_TRUE(remote.is_remote());
  callback_body(remote);
}

TEST_F(RemoteRunnerTest, AnExecutionThatDoesNotEndTimesOutWithAClearMessage) {
  dt::RemoteRunnerOptions options;
  options.client = dt::LambdaApiClientOptions::for_endpoint(emulator_->url(), environment({}));
  options.function_name = "4-1";  // waits for a callback nobody sends
  options.timeout = std::chrono::milliseconds(300);
  dt::RemoteRunner runner(options);
  runner.start("never");
  // The 300 ms count from wait_for_result(): once the callback is open, the message is certain
  // to list it however slowly the emulator got there.
  (void)runner.wait_for_callback("never");
  try {
    (void)runner.wait_for_result();
    ADD_FAILURE() << "expected RunnerError";
  } catch (const dt::RunnerError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("did not end within 300 ms"), std::string::npos) << message;
    EXPECT_NE(message.find("CallbackStarted 'never'"), std::string::npos) << message;
  }
}

TEST_F(RemoteRunnerTest, AFunctionThatIsNotThereIsReportedByTheService) {
  dt::RemoteRunnerOptions options;
  options.client = dt::LambdaApiClientOptions::for_endpoint(emulator_->url(), environment({}));
  options.function_name = "no-such-function";
  dt::RemoteRunner runner(options);
  try {
    (void)runner.run();
    ADD_FAILURE() << "expected ApiError";
  } catch (const durable::ApiError& e) {
    EXPECT_EQ(e.http_status(), 404) << e.what();
    EXPECT_EQ(e.code(), "ResourceNotFoundException");
  }
}

#ifdef DURABLE_ORDER_HANDLER
// The order workflow (steps, a child context, a retried payment, a two-day wait): in process, and
// as durable-order-handler, a process durable-emulator starts and serves through its Runtime API.
void order_body(dt::LocalOrRemoteRunner& runner) {
  const auto result = runner.run(
      {{"order_id", "o-1"}, {"items", Json::array({{{"sku", "book"}, {"quantity", 1}}})},
       {"amount", 42}});
  ASSERT_EQ(result.status(), dt::ExecutionStatus::Succeeded) << result.timeline();
  EXPECT_EQ(result.result().at("status"), "completed");
  EXPECT_EQ(result.result().at("tracking"), "TRACK-o-1");
  EXPECT_EQ(result.get_step("charge-payment").attempts(), 2) << result.timeline();
  EXPECT_EQ(result.get_step("reserve book").status(), OperationStatus::Succeeded);
  EXPECT_EQ(result.get_context("reserve-inventory").status(), OperationStatus::Succeeded);
  EXPECT_EQ(result.get_wait("shipping-window").status(), OperationStatus::Succeeded);
}

TEST(RemoteRunnerOrderHandler, OneTestBodyRunsInProcessOrAgainstTheHostedOrderHandler) {
  const auto log = std::filesystem::path(::testing::TempDir()) /
                   ("remote-order-" + std::to_string(::getpid()) + ".log");
  {
    // --skip-time: the two-day wait passes at once; the execution timeout must outlast it.
    durable::testing::support::EmulatorProcess emulator(
        DURABLE_EMULATOR_BINARY,
        {"--skip-time", "--execution-timeout", "604800", "--concurrency", "1", "--function",
         std::string("order=") + DURABLE_ORDER_HANDLER},
        log);
    dt::LocalOrRemoteRunner local("order", durable::example::process_order, {}, environment({}));
    ASSERT_FALSE(local.is_remote());
    order_body(local);
    dt::LocalOrRemoteRunner remote(
        "order", durable::example::process_order, {},
        environment({{"DURABLE_TEST_FUNCTIONS", "order=order"},
                     {"AWS_ENDPOINT_URL_LAMBDA", emulator.url()}}));
    ASSERT_TRUE(remote.is_remote());
    order_body(remote);
  }
  std::filesystem::remove(log);
}
#endif

}  // namespace
