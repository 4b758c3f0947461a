// ExpectedLogs evaluation over the log lines an execution produced (SDK-SEMANTICS.md §10.1-2).
#pragma once

#include <string>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

// A captured line as the runner sees it: a JSON object line is its own record; any other line
// exposes only `{"message": line}`.
Json log_record(const std::string& line);

// True when every field of `match` is present in `record` and matches: a value written
// `/regex/` is searched (known `${VAR}` substituted) in Python `str()` of the field; any other
// value is compared with Python equality after `${VAR}` substitution; strings on both sides are
// compared with surrounding whitespace stripped.
bool log_record_matches(const Json& match, const Json& record, const Bindings& bindings);

// Evaluates each expectation over the records in order: the number of matching records must
// satisfy `count` (exact), `min_count`, `max_count` (none given means at least one); every
// matching record must have, for each `after` matcher, an earlier record matching it, and for
// each `before` matcher a later one. Returns one message per violated expectation (empty = all
// satisfied), each naming the expectation index and its match fields.
std::vector<std::string> check_logs(const std::vector<LogExpectation>& expectations,
                                    const std::vector<std::string>& lines,
                                    const Bindings& bindings);

}  // namespace durable::testing::conformance
