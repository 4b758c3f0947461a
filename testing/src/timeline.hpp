// Renders the readable timeline of an execution (TestResult::timeline()).
#pragma once

#include <string>
#include <vector>

#include "durable/model/event.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing::detail {

// The last lines of every timeline: what its markers and columns mean.
inline constexpr const char* kTimelineLegend =
    "Legend:\n"
    "  +offset  virtual time since the execution started\n"
    "  (blank)  an event the invocation above produced with a checkpoint\n"
    "  ~        an event the service produced between invocations (timer fired, callback\n"
    "           answered, invoked function ended)\n"
    "  =        the execution's end\n"
    "  columns: marker, offset, operation type, name (- if unnamed), status, details\n";

// `history` is the execution's full event list in EventId order; `snapshot` supplies the
// outcome and the harness's own invocation records (output status, by request id).
std::string render_timeline(const TestResult::Snapshot& snapshot, const std::vector<Event>& history);

// "+0ms", "+1.250s", "+3m 20s", "+365d 0h" style offsets and durations; negative values get "-".
std::string format_offset(std::chrono::milliseconds offset);
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace durable::testing::detail
