// The self-contained HTML timeline of an execution (TestResult::write_timeline_html) and the
// DURABLE_TIMELINE_DIR hook that leaves one for every failed test.
#pragma once

#include <string>
#include <vector>

#include "durable/model/event.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing::detail {

// One HTML document: the web console's style sheet and timeline.js (embedded in the emulator
// library), the execution's data as JSON inside <script type="application/json"> (with <, > and &
// written as \u escapes, so no payload can close the element), and a line that draws it.
// `virtual_clock` labels the axis as the emulator's virtual time.
std::string render_timeline_html(const TestResult::Snapshot& snapshot,
                                 const std::vector<Event>& history, bool virtual_clock);

// Called for every TestResult a DurableRunner hands out. When DURABLE_TIMELINE_DIR is set and a
// GoogleTest test is running, the result is kept until the test ends (the latest 16 of a test);
// if the test failed, each kept result's timeline is written to $DURABLE_TIMELINE_DIR/<Suite>.<Test>[.<n>].html (the
// folder is created; characters other than [A-Za-z0-9._-] become '_'; n counts from 2 for a
// test's second result) and the path is printed to stderr. Writing errors are printed, never
// thrown: a failing test must not also crash. Without the variable this does nothing. Any thread.
void keep_for_timeline_dir(const TestResult& result);

}  // namespace durable::testing::detail
