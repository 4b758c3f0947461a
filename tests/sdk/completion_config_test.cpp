// CompletionConfig as parallel and map apply it: the defaults, and every documented way the
// fields combine, checked for both operations alike (SDK-SEMANTICS.md §5, DESIGN.md).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

struct Outcome {
  std::string reason;
  std::size_t successes = 0;
  std::size_t failures = 0;
  std::size_t total = 0;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << o.reason << " ok=" << o.successes << " failed=" << o.failures
            << " total=" << o.total;
}

Outcome outcome_of(const BatchResult<int>& r) {
  return {std::string(to_string(r.completion_reason())), r.success_count(), r.failure_count(),
          r.total_count()};
}

Json to_json(const Outcome& o) {
  return Json{{"reason", o.reason}, {"ok", o.successes}, {"failed", o.failures},
              {"total", o.total}};
}

Outcome from_json(const Json& j) {
  return {j.at("reason").get<std::string>(), j.at("ok").get<std::size_t>(),
          j.at("failed").get<std::size_t>(), j.at("total").get<std::size_t>()};
}

// Runs `succeed` (true = the item succeeds) one item at a time through parallel, with `config`.
Outcome run_parallel(const std::vector<bool>& succeed, const ParallelConfig<int>& config) {
  FakeCheckpointClient client;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<std::function<int(DurableContext&)>> branches;
    for (std::size_t i = 0; i < succeed.size(); ++i) {
      const bool ok = succeed[i];
      branches.push_back([ok, i](DurableContext&) -> int {
        if (!ok) throw std::runtime_error("branch failed");
        return static_cast<int>(i);
      });
    }
    return to_json(outcome_of(ctx.parallel<int>(branches, "batch", config)));
  };
  const auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  return out.result ? from_json(Json::parse(*out.result)) : Outcome{};
}

// The same through map.
Outcome run_map(const std::vector<bool>& succeed, const MapConfig<int, int>& config) {
  FakeCheckpointClient client;
  const std::vector<int> items(succeed.begin(), succeed.end());
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return to_json(outcome_of(ctx.map(
        items,
        [](DurableContext&, const int& ok, std::size_t index, const auto&) -> int {
          if (!ok) throw std::runtime_error("item failed");
          return static_cast<int>(index);
        },
        "batch", config)));
  };
  const auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  return out.result ? from_json(Json::parse(*out.result)) : Outcome{};
}

Outcome run_both(const std::vector<bool>& succeed, const CompletionConfig& completion,
                 const char* label) {
  ParallelConfig<int> p;
  p.max_concurrency = 1;
  p.completion_config = completion;
  MapConfig<int, int> m;
  m.max_concurrency = 1;
  m.completion_config = completion;
  const Outcome from_parallel = run_parallel(succeed, p);
  EXPECT_EQ(from_parallel, run_map(succeed, m)) << label << ": parallel and map differ";
  return from_parallel;
}

const std::vector<bool> kOkFailFailFailOk = {true, false, false, false, true};

TEST(CompletionConfig, ParallelAndMapDefaultToNoCriteria) {
  EXPECT_TRUE(ParallelConfig<int>{}.completion_config.empty());
  EXPECT_TRUE((MapConfig<int, int>{}.completion_config.empty()));
}

TEST(CompletionConfig, DefaultStopsAtTheFirstFailureForBoth) {
  ParallelConfig<int> p;
  p.max_concurrency = 1;
  MapConfig<int, int> m;
  m.max_concurrency = 1;
  const Outcome expected{"FAILURE_TOLERANCE_EXCEEDED", 1, 1, 2};
  EXPECT_EQ(run_parallel(kOkFailFailFailOk, p), expected);
  EXPECT_EQ(run_map(kOkFailFailFailOk, m), expected);
}

// The trap of issue 12: setting one field on the default config must not keep a hidden 0% rule.
TEST(CompletionConfig, SettingOnlyAToleratedCountOnTheDefaultMeansJustThat) {
  ParallelConfig<int> p;
  p.max_concurrency = 1;
  p.completion_config.tolerated_failure_count = 3;
  MapConfig<int, int> m;
  m.max_concurrency = 1;
  m.completion_config.tolerated_failure_count = 3;
  const Outcome expected{"ALL_COMPLETED", 2, 3, 5};
  EXPECT_EQ(run_parallel(kOkFailFailFailOk, p), expected);
  EXPECT_EQ(run_map(kOkFailFailFailOk, m), expected);
}

TEST(CompletionConfig, ToleratedCountAloneStopsOnceExceeded) {
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.tolerated_failure_count = 2}, "count 2"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 3, 4}));
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.tolerated_failure_count = 0}, "count 0"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 1, 2}));
}

TEST(CompletionConfig, ToleratedPercentageAloneUsesTheWholeItemCountAndIsStrict) {
  // 3 of 5 failed = 60%: within 60, over 59.
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.tolerated_failure_percentage = 60}, "60%"),
            (Outcome{"ALL_COMPLETED", 2, 3, 5}));
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.tolerated_failure_percentage = 59}, "59%"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 3, 4}));
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.tolerated_failure_percentage = 0}, "0%"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 1, 2}));
}

TEST(CompletionConfig, MinSuccessfulAloneToleratesAnyFailure) {
  // A criterion is set, so there is no fail-fast; the batch ends at the second success.
  EXPECT_EQ(run_both({true, false, false, true, true}, {.min_successful = 2}, "min 2"),
            (Outcome{"MIN_SUCCESSFUL_REACHED", 2, 2, 4}));
  // Reached with the last item: every item finished, which is reported first.
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.min_successful = 2}, "min 2 at the end"),
            (Outcome{"ALL_COMPLETED", 2, 3, 5}));
  EXPECT_EQ(run_both({true, true, true}, {.min_successful = 2}, "min 2 all ok"),
            (Outcome{"MIN_SUCCESSFUL_REACHED", 2, 0, 2}));
  // Never reached: every item runs.
  EXPECT_EQ(run_both({false, true, false}, {.min_successful = 3}, "min 3"),
            (Outcome{"ALL_COMPLETED", 1, 2, 3}));
}

TEST(CompletionConfig, MinSuccessfulWithAToleranceStopsAtWhicheverComesFirst) {
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.min_successful = 2, .tolerated_failure_count = 1},
                     "min 2 count 1"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 2, 3}));
  EXPECT_EQ(run_both({true, false, true, false}, {.min_successful = 2, .tolerated_failure_count = 1},
                     "min 2 count 1 reached"),
            (Outcome{"MIN_SUCCESSFUL_REACHED", 2, 1, 3}));
  EXPECT_EQ(run_both(kOkFailFailFailOk, {.min_successful = 2, .tolerated_failure_percentage = 40},
                     "min 2 40%"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 3, 4}));
}

TEST(CompletionConfig, CountAndPercentageTogetherStopWhenEitherIsExceeded) {
  EXPECT_EQ(run_both(kOkFailFailFailOk,
                     {.tolerated_failure_count = 1, .tolerated_failure_percentage = 100},
                     "count 1 100%"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 2, 3}));
  EXPECT_EQ(run_both(kOkFailFailFailOk,
                     {.tolerated_failure_count = 10, .tolerated_failure_percentage = 20},
                     "count 10 20%"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 2, 3}));
  EXPECT_EQ(run_both(kOkFailFailFailOk,
                     {.tolerated_failure_count = 3, .tolerated_failure_percentage = 60},
                     "count 3 60%"),
            (Outcome{"ALL_COMPLETED", 2, 3, 5}));
}

TEST(CompletionConfig, FactoriesMeanWhatTheySay) {
  EXPECT_EQ(run_both(kOkFailFailFailOk, CompletionConfig::all_successful(), "all_successful"),
            (Outcome{"FAILURE_TOLERANCE_EXCEEDED", 1, 1, 2}));
  EXPECT_EQ(run_both(kOkFailFailFailOk, CompletionConfig::all_completed(), "all_completed"),
            (Outcome{"ALL_COMPLETED", 2, 3, 5}));
  EXPECT_EQ(run_both({false, false, true, true}, CompletionConfig::first_successful(),
                     "first_successful"),
            (Outcome{"MIN_SUCCESSFUL_REACHED", 1, 2, 3}));
}

}  // namespace
}  // namespace durable
