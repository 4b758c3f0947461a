// The DurableRunnerBackend's own contract: CallbackActions sent on the virtual clock after their
// Delay, callbacks left open without actions, refused actions and stuck executions reported with
// a reason, plain targets and checkpoint faults taken from RequirementSettings.
#include <gtest/gtest.h>

#include <string>

#include "durable/durable.hpp"
#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/callback_actions.hpp"
#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace dc = durable::testing::conformance;
using durable::DurableContext;
using durable::Json;

namespace {

// The backend does not judge histories, so the requirements below expect none.
dc::Requirement parse(const std::string& yaml, const std::string& id = "9-99") {
  return dc::parse_requirement(yaml + "ExpectedExecutionHistory: []\n", id, id + ".yaml");
}

const Json& events_of(const Json& history) {
  return history.is_object() ? history.at("Events") : history;
}

const Json* find_event(const Json& history, const std::string& type) {
  for (const auto& ev : events_of(history)) {
    if (ev.value("EventType", "") == type) return &ev;
  }
  return nullptr;
}

double timestamp_of(const Json& event) { return event.at("EventTimestamp").get<double>(); }

Json await_callback(const Json& event, DurableContext& ctx) {
  durable::CallbackConfig<Json> config;
  if (event.contains("timeout")) {
    config.timeout = durable::Duration::from_seconds(event["timeout"].get<int>());
  }
  return ctx.create_callback<Json>(event.at("name").get<std::string>(), config).result();
}

const char* kSuccessAfterDelay = R"(
description: d
handler: h
invocations: i
Variables:
  CB_PAYLOAD: ${GEN_STR:6}
Input: {name: approval}
CallbackActions:
  - CallbackName: approval
    Operation: success
    Payload: ${CB_PAYLOAD}
    Delay: 7
)";

TEST(DurableRunnerBackendCallbacks, SendsTheActionAfterItsDelayInVirtualTime) {
  const auto req = parse(kSuccessAfterDelay);
  dc::Bindings bindings(3);
  bindings.define_variables(req.variables);
  dc::DurableRunnerBackend backend;
  const auto out = backend.execute(req, {await_callback, {}}, bindings.substitute_all(req.input),
                                   bindings);
  ASSERT_EQ(out.status, "SUCCEEDED") << out.timeline;
  const std::string payload = bindings.lookup("CB_PAYLOAD")->get<std::string>();
  EXPECT_EQ(out.result, Json(payload).dump());
  const Json* started = find_event(out.history, "CallbackStarted");
  const Json* succeeded = find_event(out.history, "CallbackSucceeded");
  ASSERT_NE(started, nullptr);
  ASSERT_NE(succeeded, nullptr);
  EXPECT_NEAR(timestamp_of(*succeeded) - timestamp_of(*started), 7.0, 0.01);
}

const char* kNoActions = R"(
description: d
handler: h
invocations: i
Input: {name: approval, timeout: 4}
)";

TEST(DurableRunnerBackendCallbacks, WithoutActionsTheCallbackTimesOut) {
  const auto req = parse(kNoActions);
  dc::Bindings bindings(1);
  dc::DurableRunnerBackend backend;
  const auto out = backend.execute(req, {await_callback, {}}, req.input, bindings);
  EXPECT_EQ(out.status, "FAILED");
  ASSERT_NE(find_event(out.history, "CallbackTimedOut"), nullptr) << out.timeline;
}

TEST(DurableRunnerBackendCallbacks, AnOpenCallbackWithoutTimeoutIsReportedAsStuck) {
  const auto req = parse(kNoActions);
  dc::Bindings bindings(1);
  dc::DurableRunnerBackend backend;
  try {
    backend.execute(req, {await_callback, {}}, Json{{"name", "approval"}}, bindings);
    FAIL() << "expected the stuck execution to be reported";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot make progress"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("9-99"), std::string::npos) << e.what();
  }
}

const char* kTooLate = R"(
description: d
handler: h
invocations: i
Input: {name: approval, timeout: 2}
CallbackActions:
  - CallbackName: approval
    Operation: success
    Payload: late
    Delay: 5
)";

TEST(DurableRunnerBackendCallbacks, AnActionTheServiceRefusesIsReported) {
  const auto req = parse(kTooLate);
  dc::Bindings bindings(1);
  dc::DurableRunnerBackend backend;
  // Outlives its callback's timeout, so the late success reaches a closed callback.
  auto handler = [](const Json& event, DurableContext& ctx) -> Json {
    try {
      return await_callback(event, ctx);
    } catch (const durable::CallbackTimeoutError&) {
      ctx.wait(durable::Duration::from_seconds(10));
      return "timed out";
    }
  };
  try {
    backend.execute(req, {handler, {}}, req.input, bindings);
    FAIL() << "expected the refused callback success to be reported";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("refused the success for callback 'approval'"), std::string::npos) << what;
    EXPECT_NE(what.find("CallbackTimeoutException"), std::string::npos) << what;
  }
}

const char* kUnmatched = R"(
description: d
handler: h
invocations: i
Input: {name: approval}
CallbackActions:
  - CallbackName: something-else
    Operation: success
)";

TEST(DurableRunnerBackendCallbacks, ACallbackNoActionMatchesIsAnError) {
  const auto req = parse(kUnmatched);
  dc::Bindings bindings(1);
  dc::DurableRunnerBackend backend;
  const dc::RegisteredHandler handler{await_callback, {}};
  EXPECT_THROW(backend.execute(req, handler, req.input, bindings),
               dc::CallbackActionError);
}

const char* kFailureAndHeartbeat = R"(
description: d
handler: h
invocations: i
Input: {name: approval}
CallbackActions:
  - CallbackName: '*'
    Operation: heartbeat
  - CallbackName: '*'
    Operation: failure
    Payload: {ErrorType: RejectedError, ErrorMessage: not approved}
    Delay: 2
)";

TEST(DurableRunnerBackendCallbacks, HeartbeatThenFailureReachTheCallback) {
  const auto req = parse(kFailureAndHeartbeat);
  dc::Bindings bindings(1);
  dc::DurableRunnerBackend backend;
  const auto out = backend.execute(req, {await_callback, {}}, req.input, bindings);
  EXPECT_EQ(out.status, "FAILED");
  const Json* failed = find_event(out.history, "CallbackFailed");
  ASSERT_NE(failed, nullptr) << out.timeline;
  EXPECT_EQ(failed->at("CallbackFailedDetails")["Error"]["Payload"]["ErrorType"], "RejectedError");
}

const char* kPlain = R"(
description: d
handler: h
invocations: i
Input: {n: 2}
)";

TEST(DurableRunnerBackendSettings, PlainTargetsAndCheckpointFaultsAreApplied) {
  const auto req = parse(kPlain);
  dc::Bindings bindings(1);
  dc::RegisteredHandler handler;
  handler.handler = [](const Json& event, DurableContext& ctx) -> Json {
    const Json doubled = ctx.invoke<Json>("double-it", event);
    return ctx.step([&](durable::StepContext&) { return doubled; });
  };
  handler.settings.plain_functions["double-it"] = dc::PlainTarget{
      [](const std::string& payload) {
        return Json{{"n", Json::parse(payload).at("n").get<int>() * 2}}.dump();
      },
      {}};
  // The second checkpoint (the step's START+SUCCEED batch) is followed by a crash: the
  // invocation is lost and the function invoked again.
  handler.settings.checkpoint_faults.push_back(
      {2, durable::emulator::CheckpointFaultKind::kCrashAfterApply});
  dc::DurableRunnerBackend backend;
  const auto out = backend.execute(req, handler, req.input, bindings);
  ASSERT_EQ(out.status, "SUCCEEDED") << out.timeline;
  EXPECT_EQ(Json::parse(*out.result), (Json{{"n", 4}}));
  bool crashed = false;
  for (const auto& ev : events_of(out.history)) {
    if (ev.value("EventType", "") == "InvocationCompleted" &&
        ev["InvocationCompletedDetails"].contains("Error")) {
      crashed = ev["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"] ==
                "Runtime.ExitError";
    }
  }
  EXPECT_TRUE(crashed) << out.history.dump(2);
}

TEST(DurableRunnerBackendOutcome, HistoryIsTheHistoryResponseBodyAsDocumented) {
  dc::Bindings bindings(1);
  const auto req = parse(R"(
description: d
handler: h
invocations: i
Input: {}
)");
  dc::RegisteredHandler handler;
  handler.handler = [](const Json&, DurableContext& ctx) -> Json {
    return ctx.step([](durable::StepContext&) { return Json("done"); }, "only");
  };
  dc::DurableRunnerBackend backend;
  const auto out = backend.execute(req, handler, req.input, bindings);
  ASSERT_TRUE(out.history.is_object()) << out.history.dump();
  ASSERT_TRUE(out.history.at("Events").is_array());
  EXPECT_EQ(out.history.at("Events").front().at("EventType"), "ExecutionStarted");
  EXPECT_TRUE(dc::ExecutionOutcome{}.history.at("Events").empty());
}

}  // namespace
