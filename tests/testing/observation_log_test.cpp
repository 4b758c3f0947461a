// The runner's compact record of step body runs: SDK ids (64 lowercase hex digits) are packed
// into the entry, any other id is kept in the log's shared text, and materialize() gives back
// exactly the ids and names recorded, counted per id, in first-run order.
#include "observation_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace durable::testing::detail {
namespace {

const std::string kSdkId(64, 'a');
const std::string kOtherSdkId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(ObservationLog, AnSdkIdIsPackedIntoTheEntryAndOnlyTheNameGoesToTheText) {
  std::string text;
  const BodyRun run(kOtherSdkId, "charge", text);
  EXPECT_EQ(text, "charge");
  EXPECT_EQ(run.id(text), kOtherSdkId);
  EXPECT_EQ(run.name(text), "charge");
  EXPECT_EQ(sizeof(BodyRun), 44u);
}

TEST(ObservationLog, IdsThatAreNotTheSdksSpellingAreKeptAsTextAndReadBackExactly) {
  const std::vector<std::string> ids = {
      "step-1",                                // short
      std::string(64, 'A'),                    // upper case is not the SDK's spelling
      std::string(63, 'a') + "g",              // one non-hex digit at the end
      "g" + std::string(63, 'a'),              // ... and at the start
      std::string(63, 'a'),                    // one digit short
      std::string(65, 'a'),                    // one digit long
      std::string(62, 'a') + std::string("\0a", 2),  // an embedded NUL
      "",                                      // empty
  };
  for (const auto& id : ids) {
    std::string text;
    const BodyRun run(id, "n", text);
    EXPECT_EQ(text, id + "n") << "id of " << id.size() << " bytes";
    EXPECT_EQ(run.id(text), id);
    EXPECT_EQ(run.name(text), "n");
  }
}

TEST(ObservationLog, PackedAndTextEntriesInterleavedReadBackTheirOwnIdsAndNames) {
  ObservationLog log;
  log.add_body_run(kSdkId, "first");
  log.add_body_run("custom-id", "second");
  log.add_body_run(kOtherSdkId, "");
  log.add_body_run("x", "fourth");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {kSdkId, "first"}, {"custom-id", "second"}, {kOtherSdkId, ""}, {"x", "fourth"}};
  ASSERT_EQ(log.body_runs.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(log.body_runs[i].id(log.text), expected[i].first) << "entry " << i;
    EXPECT_EQ(log.body_runs[i].name(log.text), expected[i].second) << "entry " << i;
  }
}

TEST(ObservationLog, MaterializeCountsRunsPerIdAndNamesEachStepOnceInFirstRunOrder) {
  ObservationLog log;
  log.add_body_run("custom-id", "retried");
  log.add_body_run(kSdkId, "once");
  log.add_body_run("custom-id", "retried");
  log.add_body_run("custom-id", "retried");
  log.at_most_once_starts["amo"] = 2;
  const OperationObservations observed = log.materialize();
  EXPECT_EQ(observed.step_runs, (std::map<std::string, std::size_t>{{"custom-id", 3}, {kSdkId, 1}}));
  EXPECT_EQ(observed.step_names,
            (std::vector<std::pair<std::string, std::string>>{{"custom-id", "retried"},
                                                              {kSdkId, "once"}}));
  EXPECT_EQ(observed.at_most_once_starts.at("amo"), 2u);
}

TEST(ObservationLog, ACopyKeepsReadingItsOwnTextAfterTheOriginalGrows) {
  ObservationLog log;
  log.add_body_run("custom-id", "a");
  const ObservationLog copy = log;
  log.add_body_run("other", "b");
  ASSERT_EQ(copy.body_runs.size(), 1u);
  EXPECT_EQ(copy.body_runs[0].id(copy.text), "custom-id");
  EXPECT_EQ(copy.materialize().step_runs.size(), 1u);
}

}  // namespace
}  // namespace durable::testing::detail
