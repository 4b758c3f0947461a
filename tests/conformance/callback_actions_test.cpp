#include "durable/testing/conformance/callback_actions.hpp"

#include <gtest/gtest.h>

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

Json started(int event_id, const std::string& cb_id, const std::string& name,
             const std::string& parent = "") {
  Json ev{{"EventType", "CallbackStarted"}, {"EventId", event_id}, {"Id", "op" + cb_id},
          {"CallbackStartedDetails", {{"CallbackId", cb_id}}}};
  if (!name.empty()) ev["Name"] = name;
  if (!parent.empty()) ev["ParentId"] = parent;
  return ev;
}

dc::CallbackAction action(const std::string& name, dc::CallbackOperation op, Json payload = nullptr,
                          double delay = 0) {
  return dc::CallbackAction{name, op, std::move(payload), delay};
}

struct Recorder : dc::CallbackController {
  std::vector<std::string> calls;
  void send_success(const std::string& id, const std::string& result) override {
    calls.push_back("success " + id + " " + result);
  }
  void send_failure(const std::string& id, const Json& error) override {
    calls.push_back("failure " + id + " " + error.dump());
  }
  void send_heartbeat(const std::string& id) override { calls.push_back("heartbeat " + id); }
};

}  // namespace

TEST(CallbackPlanner, NoActionsLeavesCallbacksOpen) {
  dc::Bindings b;
  dc::CallbackActionPlanner p({}, b);
  EXPECT_FALSE(p.has_actions());
  EXPECT_TRUE(p.plan(Json::array({started(2, "cb1", "x")})).empty());
}

TEST(CallbackPlanner, FirstUnusedMatchingActionWinsAndIsConsumed) {
  dc::Bindings b;
  b.define_variables(Json{{"P1", "one"}, {"P2", "two"}, {"NAME", "approval"}});
  dc::CallbackActionPlanner p({action("${NAME}", dc::CallbackOperation::Success, "${P1}", 1.5),
                               action("*", dc::CallbackOperation::Success, "${P2}")},
                              b);
  Json history = Json::array({started(2, "cb1", "approval")});
  auto first = p.plan(history);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].callback_id, "cb1");
  EXPECT_EQ(first[0].success_result, "\"one\"");
  EXPECT_EQ(first[0].delay, std::chrono::milliseconds(1500));
  EXPECT_TRUE(p.plan(history).empty());  // already planned
  history.push_back(started(5, "cb2", "approval"));
  auto second = p.plan(Json{{"Events", history}});
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(second[0].callback_id, "cb2");
  EXPECT_EQ(second[0].success_result, "\"two\"");
}

TEST(CallbackPlanner, HeartbeatDoesNotConsumeTheCallback) {
  dc::Bindings b;
  dc::CallbackActionPlanner p({action("*", dc::CallbackOperation::Heartbeat),
                               action("*", dc::CallbackOperation::Success, Json{{"ok", true}})},
                              b);
  auto planned = p.plan(Json::array({started(2, "cb1", "n")}));
  ASSERT_EQ(planned.size(), 2U);
  EXPECT_EQ(planned[0].operation, dc::CallbackOperation::Heartbeat);
  EXPECT_EQ(planned[1].operation, dc::CallbackOperation::Success);
  EXPECT_EQ(planned[1].success_result, "{\"ok\": true}");
  EXPECT_EQ(planned[1].callback_id, "cb1");
}

TEST(CallbackPlanner, RegexNamesAndBackFilledNames) {
  dc::Bindings b;
  dc::CallbackActionPlanner p({action("${/^appr/}", dc::CallbackOperation::Failure,
                                      Json{{"ErrorType", "RejectedError"},
                                           {"ErrorMessage", "not approved"},
                                           {"Ignored", 1}})},
                              b);
  Json history = Json::array({Json{{"EventType", "ContextStarted"}, {"EventId", 2}, {"Id", "ctx"},
                                   {"Name", "approval"}},
                              started(3, "cb1", "", "ctx")});
  auto planned = p.plan(history);
  ASSERT_EQ(planned.size(), 1U);
  EXPECT_EQ(planned[0].callback_name, "approval");
  EXPECT_EQ(planned[0].failure_error,
            (Json{{"ErrorType", "RejectedError"}, {"ErrorMessage", "not approved"}}));
}

TEST(CallbackPlanner, ConfiguredButUnmatchedIsAnError) {
  dc::Bindings b;
  dc::CallbackActionPlanner p({action("other", dc::CallbackOperation::Success, "x")}, b);
  try {
    p.plan(Json::array({started(2, "cb1", "mine")}));
    FAIL();
  } catch (const dc::CallbackActionError& e) {
    EXPECT_NE(std::string(e.what()).find("mine"), std::string::npos);
  }
}

TEST(CallbackPlanner, DispatchCallsTheController) {
  Recorder r;
  dc::PlannedCallbackAction a;
  a.callback_id = "cb";
  a.operation = dc::CallbackOperation::Success;
  a.success_result = "\"v\"";
  dc::dispatch_callback_action(a, r);
  a.operation = dc::CallbackOperation::Failure;
  a.failure_error = Json{{"ErrorType", "E"}};
  dc::dispatch_callback_action(a, r);
  a.operation = dc::CallbackOperation::Heartbeat;
  dc::dispatch_callback_action(a, r);
  ASSERT_EQ(r.calls.size(), 3U);
  EXPECT_EQ(r.calls[0], "success cb \"v\"");
  EXPECT_EQ(r.calls[1], "failure cb {\"ErrorType\":\"E\"}");
  EXPECT_EQ(r.calls[2], "heartbeat cb");
}
