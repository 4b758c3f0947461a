// Value semantics of the official runner, which is written in Python: equality as Python's `==`
// on the decoded values, and `str()` of a value for regex checks.
#pragma once

#include <optional>
#include <string>

#include "durable/model/json.hpp"

namespace durable::testing::conformance {

// Python `==` on JSON-decoded values: numbers compare by value whatever their representation
// (42 == 42.0, and bools count as 0/1 as in Python), strings never equal numbers, objects
// compare key-insensitively to order, arrays element-wise. Pure; any thread.
bool python_equal(const Json& a, const Json& b);

// Python `str()` of a decoded JSON value: strings as they are, True/False/None, integers in
// decimal, floats in shortest repr form with a ".0" when integral, dicts and lists in repr form
// (`{'a': 1}`). Used for `${/regex/}` matching, which searches `str(actual)`.
std::string python_str(const Json& value);

// Python `json.dumps(value)` with its default separators (", " and ": ") and ASCII escaping:
// what the runner sends as a callback's success payload.
std::string python_json_dumps(const Json& value);

// If `text` is exactly `${NAME}` (NAME = [A-Za-z_][A-Za-z0-9_]*), returns NAME.
std::optional<std::string> placeholder_name(const std::string& text);

// If `text` is exactly `${/re/}`, returns the pattern `re`.
std::optional<std::string> placeholder_regex(const std::string& text);

// True when the ECMAScript regex `pattern` is found anywhere in `subject` (Python re.search).
// A leading Python inline-flag group "(?i)" / "(?m)" / "(?u)" becomes the matching syntax
// option; other inline flags are rejected with std::invalid_argument.
// Throws std::invalid_argument naming the pattern when it does not compile.
bool regex_search(const std::string& pattern, const std::string& subject);

}  // namespace durable::testing::conformance
