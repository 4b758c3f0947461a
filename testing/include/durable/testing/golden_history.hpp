// Golden histories: pin a run's whole execution history in a file next to the test, and fail
// the test when a later run's history differs.
//
//   auto result = runner.run(input);
//   EXPECT_TRUE(matches_golden_history(result, "tests/golden/order.yaml"));
//   // or: expect_golden_history(result, "tests/golden/order.yaml");
//   // or: EXPECT_THAT(result, MatchesGoldenHistory("tests/golden/order.yaml"));
//
// The file is a conformance requirement (SDK-SEMANTICS.md §10.1): description, handler,
// invocations, Input (the execution's input), ExpectedResult (status, and the result of a
// SUCCEEDED run) and ExpectedExecutionHistory (every event of the run). Ids the service or the
// SDK generate are normalized so that the file is stable across runs:
//  * every operation Id / ParentId becomes `${ID1}`, `${ID2}`, ... in order of first appearance,
//    and a known id inside any other string becomes its placeholder too;
//  * every CallbackId becomes `${CALLBACK1}`, ...;
//  * every *Timestamp, RequestId, *Arn and StackTrace value becomes '*' (any value).
// Comparison uses the conformance runner's rules (history_matcher.hpp: events matched by
// EventId, placeholders bound on first use, '*' accepts anything, mappings compare the recorded
// keys), plus one rule of its own: the run must have exactly as many events as the file, so an
// operation added at the end is caught too. Because the file is a requirement, the conformance
// driver runs it as one (register the handler under the file's stem).
//
// Updating: when DURABLE_UPDATE_GOLDEN is set to 1/true/yes (or GoldenOptions::update is true)
// the file is (re)written from the run instead of compared, and the check passes. A missing file
// is a failure that says how to record it.
//
// All functions are called from the test's thread; they read (and on update write) the file.
#pragma once

#include <filesystem>
#include <optional>
#include <source_location>
#include <string>

#include <gmock/gmock.h>

#include "durable/model/json.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing {

// The environment variable that turns comparisons into updates.
inline constexpr const char* kUpdateGoldenEnv = "DURABLE_UPDATE_GOLDEN";

struct GoldenOptions {
  // The requirement's prose fields; defaults name the file as a recorded golden history.
  std::string description{};
  std::string handler{};
  std::string invocations{};
  // true: write the file; false: compare; unset: ask the environment (kUpdateGoldenEnv).
  std::optional<bool> update{};
  // false: extra events after the recorded ones are accepted, as the conformance runner does.
  bool exact_event_count = true;
};

// The golden file text for `result` (normalized as described above). Pure apart from reading the
// result's history.
std::string golden_history_yaml(const TestResult& result, const GoldenOptions& options = {});

// Writes golden_history_yaml(result) to `path`, creating missing parent directories. Throws
// std::runtime_error naming the path when it cannot be written.
void record_golden_history(const TestResult& result, const std::filesystem::path& path,
                           const GoldenOptions& options = {});

// Compares `result` with the golden file (or updates it, see above). The failure message names
// the file, the first differing event with the expected and actual events side by side (or the
// result / event-count difference), and how to update the file.
::testing::AssertionResult matches_golden_history(const TestResult& result,
                                                  const std::filesystem::path& path,
                                                  const GoldenOptions& options = {});

// matches_golden_history as a non-fatal gtest failure reported at the caller's line.
void expect_golden_history(const TestResult& result, const std::filesystem::path& path,
                           const GoldenOptions& options = {},
                           std::source_location where = std::source_location::current());

// gmock matcher form: EXPECT_THAT(result, MatchesGoldenHistory(path)).
::testing::Matcher<const TestResult&> MatchesGoldenHistory(std::filesystem::path path,
                                                           GoldenOptions options = {});

}  // namespace durable::testing
