// One conformance requirement as read from its YAML file (SDK-SEMANTICS.md §10.1), and the
// functions that find and load requirement files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/yaml_json.hpp"

namespace durable::testing::conformance {

enum class CallbackOperation { Success, Failure, Heartbeat };

// `CallbackActions[i]`: what the runner sends for a callback whose CallbackStarted event name
// matches `callback_name` (exact, "*" for any, or `${/regex/}`).
struct CallbackAction {
  std::string callback_name;
  CallbackOperation operation = CallbackOperation::Success;
  // Success: the value sent JSON-encoded; failure: a mapping of ErrorType/ErrorMessage/ErrorData/
  // StackTrace; null when the YAML has no Payload.
  Json payload;
  double delay_seconds = 0;
};

// `ExpectedLogs[i]`: a record filter plus a count constraint and optional ordering constraints.
struct LogExpectation {
  Json match = Json::object();  // field → value or "/regex/"
  std::optional<std::int64_t> count;
  std::optional<std::int64_t> min_count;
  std::optional<std::int64_t> max_count;
  std::vector<Json> before;  // each matched record must precede a record matching each of these
  std::vector<Json> after;   // each matched record must follow a record matching each of these
};

struct ExpectedResult {
  std::string execution_status;  // SUCCEEDED, FAILED, TIMED_OUT, STOPPED
  bool has_result = false;       // `Result` key present (a present null means "result is null")
  Json result;
};

struct Requirement {
  std::string id;                  // file stem, e.g. "1-1"
  std::string suite;               // parent folder name, e.g. "step"
  std::filesystem::path source;    // the file it came from ("" when parsed from text)
  std::string description;
  std::string handler;
  std::string invocations;
  bool optional = false;
  Json variables = Json::object();
  Json input;                      // as written; `${VAR}` not yet substituted
  bool async_invoke = false;
  std::vector<CallbackAction> callback_actions;
  std::optional<ExpectedResult> expected_result;  // absent → history-only mode
  Json expected_history = Json::array();          // partial events, each with an integer EventId
  std::vector<LogExpectation> expected_logs;
};

// Parses the text of one requirement. `id` names it, `source` labels errors. Required:
// description, handler, invocations, ExpectedExecutionHistory (a list of mappings, each with an
// integer EventId). ExpectedResult needs ExecutionStatus. Throws RequirementError naming the
// source and the field for any missing or mistyped field. Pure; any thread.
Requirement parse_requirement(std::string_view yaml_text, const std::string& id,
                              const std::string& source);

// Reads and parses the file; id = file stem, suite = parent folder name. Throws
// RequirementError when the file cannot be read or is invalid.
Requirement load_requirement(const std::filesystem::path& file);

// Expands files and folders (folders recursively, `*.yaml`/`*.yml` only) into a list of
// requirement files sorted by suite prefix then number ("1-2" before "1-10"). Throws
// RequirementError for a path that does not exist.
std::vector<std::filesystem::path> collect_requirement_files(
    const std::vector<std::filesystem::path>& paths);

// Orders requirement ids numerically part by part: "1-2" < "1-10" < "2-1".
bool requirement_id_less(const std::string& a, const std::string& b);

}  // namespace durable::testing::conformance
