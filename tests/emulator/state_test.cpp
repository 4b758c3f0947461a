// GetDurableExecutionState and InitialExecutionState: child filtering (§4.3) and paging (§9.4).
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

std::vector<std::string> ids(const std::vector<Operation>& ops) {
  std::vector<std::string> out;
  for (const auto& o : ops) out.push_back(o.id);
  return out;
}

class StateTest : public EmulatorTest {
 protected:
  void SetUp() override {
    start();
    invoke();
  }
  GetDurableExecutionStateResponse state(std::optional<std::string> marker = {},
                                         std::optional<std::int64_t> max = {}) {
    return service_.get_state({arn_, token_, std::move(marker), max});
  }
  // Runs another invocation and returns its initial operations.
  std::vector<Operation> reinvoke_initial_state() {
    checkpoint({wait_start("tick-" + std::to_string(++ticks_), 1)});
    complete(output(InvocationStatus::Pending));
    clock_->advance(std::chrono::seconds(1));
    service_.fire_due_timers();
    return invoke().input.initial_execution_state.operations;
  }
  int ticks_ = 0;
};

TEST_F(StateTest, ChildrenOfACompletedContextAreHiddenRecursively) {
  checkpoint({context_start("outer"), context_start("inner", "outer"), step_start("s1", "outer"),
              step_start("s2", "inner")});
  EXPECT_EQ(ids(state().operations),
            (std::vector<std::string>{"inv-exec-1", "outer", "inner", "s1", "s2"}));
  checkpoint({step_succeed("s2", "1"), context_succeed("inner", "1")});
  EXPECT_EQ(ids(state().operations),
            (std::vector<std::string>{"inv-exec-1", "outer", "inner", "s1"}));
  checkpoint({step_succeed("s1", "1"), context_succeed("outer", "1")});
  EXPECT_EQ(ids(state().operations), (std::vector<std::string>{"inv-exec-1", "outer"}));
  // The harness view is never filtered; its visible view is what an invocation would be shown.
  EXPECT_EQ(service_.operations(arn_).size(), 5u);
  EXPECT_EQ(ids(service_.visible_operations(arn_)), ids(state().operations));
  auto initial = reinvoke_initial_state();
  EXPECT_EQ(ids(initial), (std::vector<std::string>{"inv-exec-1", "outer", "tick-1"}));
}

TEST_F(StateTest, ReplayChildrenKeepsChildrenVisibleButNotThoseOfNestedClosedContexts) {
  checkpoint({context_start("big"), step_start("a", "big"), step_succeed("a", "1"),
              context_start("nested", "big"), step_start("b", "nested"), step_succeed("b", "1"),
              context_succeed("nested", "1"), context_succeed("big", "", true)});
  EXPECT_EQ(ids(state().operations),
            (std::vector<std::string>{"inv-exec-1", "big", "a", "nested"}));
}

TEST_F(StateTest, FailedContextHidesChildren) {
  auto fail = update("c", OperationType::Context, OperationAction::Fail);
  fail.error = error("E", "m");
  checkpoint({context_start("c"), step_start("s", "c"), fail});
  EXPECT_EQ(ids(state().operations), (std::vector<std::string>{"inv-exec-1", "c"}));
}

TEST_F(StateTest, PagesWithMarkersOfTheCurrentSequence) {
  std::vector<OperationUpdate> updates;
  for (int i = 0; i < 5; ++i) updates.push_back(step_start("s" + std::to_string(i)));
  checkpoint(updates);
  auto p1 = state(std::nullopt, 2);
  EXPECT_EQ(ids(p1.operations), (std::vector<std::string>{"inv-exec-1", "s0"}));
  ASSERT_TRUE(p1.next_marker.has_value());
  auto p2 = state(p1.next_marker, 2);
  EXPECT_EQ(ids(p2.operations), (std::vector<std::string>{"s1", "s2"}));
  auto p3 = state(p2.next_marker, 2);
  EXPECT_EQ(ids(p3.operations), (std::vector<std::string>{"s3", "s4"}));
  EXPECT_FALSE(p3.next_marker.has_value());
  // MaxItems 0 means the default page (100).
  EXPECT_EQ(state(std::nullopt, 0).operations.size(), 6u);
  // A checkpoint starts a new sequence: the old marker is foreign now.
  checkpoint({});
  try {
    state(p1.next_marker, 2);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(std::string(e.what()), "Invalid marker");
  }
  EXPECT_THROW(state(std::string("garbage"), 2), ApiError);
}

TEST_F(StateTest, PagesSkipHiddenChildrenAcrossPageBoundaries) {
  // Visible and hidden operations interleave; every page size must list each visible operation
  // exactly once, in creation order, and end with no marker.
  checkpoint({step_start("a"), context_start("c1"), step_start("h1", "c1"),
              context_start("c2", "c1"), step_start("h2", "c2"), step_start("b"),
              context_start("k", "c1"), step_succeed("h2", "1"), context_succeed("c2", "1"),
              step_succeed("h1", "1"), context_succeed("c1", "1"), step_start("d"),
              context_start("r"), step_start("v", "r"), context_succeed("r", "", true)});
  const std::vector<std::string> visible{"inv-exec-1", "a", "c1", "b", "d", "r", "v"};
  EXPECT_EQ(ids(state().operations), visible);
  for (std::int64_t size = 1; size <= 8; ++size) {
    std::vector<std::string> seen;
    std::optional<std::string> marker;
    int pages = 0;
    do {
      auto page = state(marker, size);
      EXPECT_LE(page.operations.size(), static_cast<std::size_t>(size));
      EXPECT_FALSE(page.operations.empty()) << "an empty page before the end, size " << size;
      for (const auto& id : ids(page.operations)) seen.push_back(id);
      marker = page.next_marker;
      ASSERT_LT(++pages, 20);
    } while (marker);
    EXPECT_EQ(seen, visible) << "page size " << size;
  }
}

TEST_F(StateTest, MaxItemsOutOfRange) {
  try {
    state(std::nullopt, 1001);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(std::string(e.what()), "MaxItems must be between 0 and 1000, got 1001.");
  }
  EXPECT_THROW(state(std::nullopt, -1), ApiError);
}

TEST_F(StateTest, GetStateNeedsTheCurrentToken) {
  EXPECT_THROW(service_.get_state({arn_, "bogus", {}, {}}), ApiError);
}

class InitialStatePagingTest : public EmulatorTest {
 protected:
  static ServiceOptions small_pages() {
    ServiceOptions o;
    o.initial_state_page_size = 2;
    return o;
  }
  InitialStatePagingTest() : EmulatorTest(small_pages()) {}
};

TEST_F(InitialStatePagingTest, EnvelopeIsPagedAndTheRestComesFromGetState) {
  start();
  invoke();
  checkpoint({step_start("a"), step_start("b"), wait_start("w", 1)});
  complete(output(InvocationStatus::Pending));
  clock_->advance(std::chrono::seconds(1));
  service_.fire_due_timers();
  auto p = invoke();
  EXPECT_EQ(ids(p.input.initial_execution_state.operations),
            (std::vector<std::string>{"inv-exec-1", "a"}));
  ASSERT_TRUE(p.input.initial_execution_state.next_marker.has_value());
  auto rest = service_.get_state(
      {arn_, token_, p.input.initial_execution_state.next_marker, 1000});
  EXPECT_EQ(ids(rest.operations), (std::vector<std::string>{"b", "w"}));
  EXPECT_FALSE(rest.next_marker.has_value());
}

}  // namespace
}  // namespace durable::emulator::testing
