// Renders the readable timeline of an execution (TestResult::timeline()).
#pragma once

#include <string>
#include <vector>

#include "durable/model/event.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing::detail {

// `history` is the execution's full event list in EventId order; `snapshot` supplies the
// outcome and the harness's own invocation records (output status, by request id).
std::string render_timeline(const TestResult::Snapshot& snapshot, const std::vector<Event>& history);

// "+0ms", "+1.250s", "+3m 20s", "+365d 0h" style offsets and durations; negative values get "-".
std::string format_offset(std::chrono::milliseconds offset);
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace durable::testing::detail
