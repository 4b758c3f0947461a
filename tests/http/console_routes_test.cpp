// The web console's routes on the emulator's main port: the page and its embedded files, the
// two read-only JSON endpoints, and their errors. The page itself is tested in a real browser
// (tests/web).
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/console_assets.hpp"
#include "durable/emulator/http_server.hpp"
#include "durable/emulator/service.hpp"
#include "http_test_server.hpp"

namespace durable::emulator {
namespace {

using testing::HttpTestServer;

// A durable function that ends at once with its input.
DurableExecutionInvocationOutput echo(const DurableExecutionInvocationInput& in) {
  DurableExecutionInvocationOutput out;
  out.status = InvocationStatus::Succeeded;
  out.result = in.initial_execution_state.operations.at(0).execution_details->input_payload;
  return out;
}

class ConsoleRoutesTest : public ::testing::Test {
 protected:
  ConsoleRoutesTest() : service_(std::make_shared<VirtualClock>()) {
    registry_.register_durable_function("alpha", echo);
    registry_.register_durable_function("beta", echo);
    registry_.register_function("plain", [](const std::string& s) { return s; });
    server_ = std::make_unique<HttpServer>(service_, registry_);
    server_->start();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    return c;
  }
  // Starts an execution of `function` named `name` and waits (bounded) until it ended.
  void run(const std::string& function, const std::string& name) {
    auto res = client().Post("/2015-03-31/functions/" + function + "/invocations",
                             {{"X-Amz-Durable-Execution-Name", name}}, "{}", "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  Json get_json(const std::string& path) const {
    auto res = client().Get(path);
    EXPECT_TRUE(res);
    if (!res) return Json();
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    return Json::parse(res->body);
  }

  Service service_;
  FunctionRegistry registry_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ConsoleRoutesTest, ThePageIsServedAtTheRootWithAStrictContentSecurityPolicy) {
  for (const std::string path : {"/", "/console", "/console/"}) {
    auto res = client().Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(res->body.find("<script src=\"/console/console.js\""), std::string::npos);
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(ConsoleRoutesTest, EveryEmbeddedFileIsServedAndNoneLoadsAnythingFromOutside) {
  const auto assets = console_assets();
  ASSERT_GE(assets.size(), 4u);
  for (const auto& asset : assets) {
    auto res = client().Get("/console/" + std::string(asset.name));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << asset.name;
    EXPECT_EQ(res->body, asset.body) << asset.name;
    EXPECT_EQ(res->get_header_value("Content-Type"), asset.content_type);
    // Offline: no URL leaves the emulator. The SVG namespace is a name, never fetched.
    std::string text(asset.body);
    for (std::size_t at = text.find("http://www.w3.org/2000/svg"); at != std::string::npos;
         at = text.find("http://www.w3.org/2000/svg")) {
      text.erase(at, 26);
    }
    EXPECT_EQ(text.find("http://"), std::string::npos) << asset.name;
    EXPECT_EQ(text.find("https://"), std::string::npos) << asset.name;
    EXPECT_EQ(text.find("@import"), std::string::npos) << asset.name;
  }
  const auto js = find_console_asset("timeline.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(find_console_asset("../index.html"));
}

TEST_F(ConsoleRoutesTest, UnknownFilesAndOtherMethodsAreClearErrors) {
  HttpTestServer::expect_error(client().Get("/console/missing.js"), 404,
                               "ResourceNotFoundException", "The console has no /console/missing.js");
  HttpTestServer::expect_error(client().Get("/console/api/nothing"), 404,
                               "ResourceNotFoundException", "/console/api/nothing");
  HttpTestServer::expect_error(client().Get("/console/%2E%2E%2Fetc%2Fpasswd"), 404,
                               "ResourceNotFoundException", "The console has no");
  HttpTestServer::expect_error(client().Post("/", "x", "text/plain"), 405,
                               "UnknownOperationException", "the console's routes take GET");
  HttpTestServer::expect_error(client().Delete("/console/console.js"), 405,
                               "UnknownOperationException", "take GET");
}

TEST_F(ConsoleRoutesTest, OverviewNamesTheFunctionsAndTheClock) {
  const Json body = get_json("/console/api/overview");
  EXPECT_EQ(body["Functions"], (Json::array({{{"Name", "alpha"}, {"Durable", true}},
                                             {{"Name", "beta"}, {"Durable", true}},
                                             {{"Name", "plain"}, {"Durable", false}}})));
  EXPECT_EQ(body["Clock"]["Virtual"], true);
  EXPECT_DOUBLE_EQ(body["Clock"]["Now"].get<double>(),
                   static_cast<double>(service_.clock().now().time_since_epoch().count()) / 1000);
}

TEST_F(ConsoleRoutesTest, ExecutionsOfEveryFunctionNewestFirstWithFiltersAndABound) {
  run("alpha", "a1");
  run("beta", "b1");
  run("alpha", "a2");
  // The virtual clock stands still: equal start times are ordered by ARN, so compare sets.
  Json all = get_json("/console/api/executions");
  ASSERT_EQ(all["DurableExecutions"].size(), 3u);
  EXPECT_EQ(all["Truncated"], false);
  std::set<std::string> names;
  for (const auto& e : all["DurableExecutions"]) names.insert(e["DurableExecutionName"]);
  EXPECT_EQ(names, (std::set<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(all["DurableExecutions"][0]["Status"], "SUCCEEDED");

  Json one = get_json("/console/api/executions?FunctionName=beta");
  ASSERT_EQ(one["DurableExecutions"].size(), 1u);
  EXPECT_EQ(one["DurableExecutions"][0]["DurableExecutionName"], "b1");

  Json none = get_json("/console/api/executions?Statuses=RUNNING");
  EXPECT_TRUE(none["DurableExecutions"].empty());
  Json two = get_json("/console/api/executions?Statuses=SUCCEEDED&MaxItems=2");
  EXPECT_EQ(two["DurableExecutions"].size(), 2u);
  EXPECT_EQ(two["Truncated"], true);
}

TEST_F(ConsoleRoutesTest, NewestFirstAcrossFunctions) {
  run("alpha", "first");
  dynamic_cast<VirtualClock&>(*service_.shared_clock()).advance(std::chrono::seconds(1));
  run("beta", "second");
  Json all = get_json("/console/api/executions");
  ASSERT_EQ(all["DurableExecutions"].size(), 2u);
  EXPECT_EQ(all["DurableExecutions"][0]["DurableExecutionName"], "second");
  EXPECT_EQ(all["DurableExecutions"][1]["DurableExecutionName"], "first");
}

TEST_F(ConsoleRoutesTest, ExecutionsOfEveryQualifierAreListed) {
  run("alpha", "latest");
  run("alpha:prod", "by-alias");
  auto res = client().Post("/2015-03-31/functions/beta/invocations?Qualifier=7",
                           {{"X-Amz-Durable-Execution-Name", "by-version"}}, "{}",
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;

  const Json all = get_json("/console/api/executions");
  std::set<std::string> names;
  for (const auto& e : all["DurableExecutions"]) names.insert(e["DurableExecutionName"]);
  EXPECT_EQ(names, (std::set<std::string>{"latest", "by-alias", "by-version"})) << all;

  const Json alpha = get_json("/console/api/executions?FunctionName=alpha");
  names.clear();
  for (const auto& e : alpha["DurableExecutions"]) names.insert(e["DurableExecutionName"]);
  EXPECT_EQ(names, (std::set<std::string>{"latest", "by-alias"})) << alpha;
}

TEST_F(ConsoleRoutesTest, TheServicesExecutionListPrintsReadably) {
  run("alpha", "shown");
  const auto list = service_.list_all_executions(std::nullopt, {}, 10);
  const std::string printed = ::testing::PrintToString(list);
  EXPECT_EQ(printed.rfind(R"(ExecutionList{"DurableExecutions":[{"DurableExecutionArn":)", 0), 0u)
      << printed;
  EXPECT_NE(printed.find(R"("DurableExecutionName":"shown")"), std::string::npos) << printed;
  EXPECT_NE(printed.find(R"("Truncated":false})"), std::string::npos) << printed;
}

TEST_F(ConsoleRoutesTest, BadQueryParametersAreRefusedNamingThem) {
  HttpTestServer::expect_error(client().Get("/console/api/executions?MaxItems=0"), 400,
                               "InvalidParameterValueException", "MaxItems must be an integer between 1 and 1000, got '0'");
  HttpTestServer::expect_error(client().Get("/console/api/executions?MaxItems=1001"), 400,
                               "InvalidParameterValueException", "got '1001'");
  HttpTestServer::expect_error(client().Get("/console/api/executions?MaxItems=ten"), 400,
                               "InvalidParameterValueException", "got 'ten'");
  HttpTestServer::expect_error(client().Get("/console/api/executions?Statuses=DONE"), 400,
                               "InvalidParameterValueException", "unknown execution status 'DONE'");
}

}  // namespace
}  // namespace durable::emulator
