// The history and result comparison of the official conformance runner (SDK-SEMANTICS.md §10.2,
// PROTOCOL.md §6.5), ported rule for rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/bindings.hpp"

namespace durable::testing::conformance {

// Where and why an expected value did not match.
struct ValueMismatch {
  std::string path;    // e.g. "StepFailedDetails.RetryDetails.CurrentAttempt"
  std::string reason;  // human-readable, names both values
};

// Checks one expected (YAML-derived) value against the actual value at `path`; `actual` null
// pointer means the key is missing. Rules: `'*'` and `{}` accept any present value; a string that
// is exactly `${NAME}` binds NAME on first use and must equal the bound value afterwards;
// `${/re/}` searches the regex (known variables substituted) in Python `str(actual)`; mappings
// check only the expected keys (extra actual keys are fine, missing ones fail); lists need equal
// length and match element-wise; other strings get known `${VAR}` substituted, then every
// scalar compares with Python equality. Binds placeholders in `bindings` as it goes.
std::optional<ValueMismatch> match_value(const Json& expected, const Json* actual,
                                         Bindings& bindings, const std::string& path);

struct HistoryMismatch {
  std::int64_t event_id = 0;
  std::string path;  // inside the event; "" when the event is missing altogether
  std::string reason;
  Json expected_event;
  Json actual_event;  // null when no actual event has this EventId
};

// Matches expected partial events to actual events by EventId (no ordering tolerance; unlisted
// actual events are ignored). `actual` is either the event list or a history response with an
// `Events` member. Stops at the first mismatch, in the expected list's order. Throws
// std::invalid_argument when an expected event has no integer EventId or `actual` is neither
// shape.
std::optional<HistoryMismatch> match_history(const Json& expected_events, const Json& actual,
                                             Bindings& bindings);

// The report printed for a history mismatch: EventId, the path of the differing key, the reason,
// and the expected and actual events pretty-printed side by side.
std::string format_history_mismatch(const HistoryMismatch& mismatch);

// Result check: `actual_status` must equal `expected_status`; when the expected status is
// SUCCEEDED and `has_expected_result`, the actual result text (null = absent, read as JSON null)
// is JSON-decoded and compared by value (Python equality, key order irrelevant) with the expected
// value after `${VAR}` substitution. Returns a reason on mismatch.
std::optional<std::string> match_result(const std::string& expected_status,
                                        bool has_expected_result, const Json& expected_result,
                                        const std::string& actual_status,
                                        const std::optional<std::string>& actual_result,
                                        const Bindings& bindings);

}  // namespace durable::testing::conformance
