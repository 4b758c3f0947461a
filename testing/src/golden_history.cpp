#include "durable/testing/golden_history.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "durable/model/enums.hpp"
#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/history_matcher.hpp"
#include "durable/testing/conformance/requirement.hpp"
#include "durable/testing/conformance/yaml_json.hpp"

namespace durable::testing {
namespace {

namespace cf = conformance;

// Ids shorter than this are not searched for inside other strings: too likely to hit by chance.
constexpr std::size_t kMinEmbeddedIdLength = 8;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Replaces generated values by placeholders or wildcards, in the order the conformance matcher
// visits them (events in order, keys in the JSON object's sorted order), so that every
// placeholder embedded in a string is bound by the time the matcher reaches it.
class Normalizer {
 public:
  Json event(const Json& e) {
    if (!e.is_object()) return e;
    Json out = Json::object();
    for (const auto& [key, value] : e.items()) out[key] = walk(key, value);
    return out;
  }

 private:
  Json walk(const std::string& key, const Json& value) {
    // Timestamps are epoch-second numbers in the history; ids and tokens are strings.
    if (ends_with(key, "Timestamp") || key == "RequestId" || ends_with(key, "Arn") ||
        key == "StackTrace") {
      return "*";
    }
    if (value.is_object()) {
      Json out = Json::object();
      for (const auto& [k, v] : value.items()) out[k] = walk(k, v);
      return out;
    }
    if (value.is_array()) {
      Json out = Json::array();
      for (const auto& v : value) out.push_back(walk(key, v));
      return out;
    }
    if (!value.is_string()) return value;
    const auto& text = value.get_ref<const std::string&>();
    if (key == "Id" || key == "ParentId") return bind(ids_, "ID", text);
    if (key == "CallbackId") return bind(callbacks_, "CALLBACK", text);
    return embed(text);
  }

  static std::string bind(std::map<std::string, std::string>& table, const char* prefix,
                          const std::string& value) {
    auto it = table.find(value);
    if (it == table.end()) {
      it = table.emplace(value, "${" + std::string(prefix) + std::to_string(table.size() + 1) + "}")
               .first;
    }
    return it->second;
  }

  // Known ids inside free text (error messages naming an operation) become their placeholders.
  std::string embed(std::string text) const {
    for (const auto* table : {&ids_, &callbacks_}) {
      for (const auto& [id, placeholder] : *table) {
        if (id.size() < kMinEmbeddedIdLength) continue;
        for (auto pos = text.find(id); pos != std::string::npos;
             pos = text.find(id, pos + placeholder.size())) {
          text.replace(pos, id.size(), placeholder);
        }
      }
    }
    return text;
  }

  std::map<std::string, std::string> ids_;
  std::map<std::string, std::string> callbacks_;
};

// --- A small YAML writer: block style, every string double-quoted so that no YAML 1.1 scalar
// resolution (yes/no/on, numbers, null) can change what was written. ---

std::string quoted(const std::string& s) {
  // JSON string escapes are valid YAML double-quoted escapes.
  return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string key_text(const std::string& key) {
  bool plain = !key.empty();
  for (const char c : key) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
  }
  return plain ? key : quoted(key);
}

bool is_block(const Json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

std::string scalar_text(const Json& v) {
  if (v.is_string()) return quoted(v.get_ref<const std::string&>());
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  return v.dump();
}

void write_block(std::ostream& out, const Json& v, std::size_t indent);

// Event members in reading order: what happened first, then its details (the file is parsed
// back into JSON, so the order has no meaning to the matcher).
constexpr const char* kLeadingKeys[] = {"EventId", "EventType", "SubType", "Name", "Id", "ParentId",
                                        "EventTimestamp"};

std::vector<std::string> ordered_keys(const Json& obj) {
  std::vector<std::string> keys;
  for (const char* k : kLeadingKeys) {
    if (obj.contains(k)) keys.emplace_back(k);
  }
  for (const auto& [k, v] : obj.items()) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  return keys;
}

void write_object(std::ostream& out, const Json& obj, std::size_t indent, bool first_inline) {
  bool first = true;
  for (const auto& k : ordered_keys(obj)) {
    const Json& v = obj.at(k);
    if (!(first && first_inline)) out << std::string(indent, ' ');
    first = false;
    out << key_text(k) << ":";
    if (is_block(v)) {
      out << "\n";
      write_block(out, v, indent + 2);
    } else {
      out << " " << scalar_text(v) << "\n";
    }
  }
}

void write_block(std::ostream& out, const Json& v, std::size_t indent) {
  if (v.is_object()) {
    write_object(out, v, indent, false);
    return;
  }
  for (const auto& item : v) {
    out << std::string(indent, ' ') << "- ";
    if (item.is_object() && !item.empty()) {
      write_object(out, item, indent + 2, true);
    } else if (is_block(item)) {
      out << "\n";
      write_block(out, item, indent + 2);
    } else {
      out << scalar_text(item) << "\n";
    }
  }
}

bool update_requested(const GoldenOptions& options) {
  if (options.update) return *options.update;
  const char* env = std::getenv(kUpdateGoldenEnv);
  if (env == nullptr) return false;
  const std::string value(env);
  return value == "1" || value == "true" || value == "yes" || value == "TRUE" || value == "YES";
}

std::string update_hint(const std::filesystem::path& path) {
  return "If the new history is intended, rerun with " + std::string(kUpdateGoldenEnv) +
         "=1 to rewrite " + path.string() + ".";
}

Json execution_input(const TestResult& result) {
  for (const auto& op : result.operations(OperationType::Execution)) {
    const auto& details = op.raw().execution_details;
    if (details && details->input_payload && !details->input_payload->empty()) {
      try {
        return Json::parse(*details->input_payload);
      } catch (const Json::exception&) {
        return *details->input_payload;
      }
    }
  }
  return nullptr;
}

}  // namespace

std::string golden_history_yaml(const TestResult& result, const GoldenOptions& options) {
  Json doc = Json::object();
  Json events = Json::array();
  Normalizer normalizer;
  const Json history = result.history_json();
  for (const auto& e : history.value("Events", Json::array())) events.push_back(normalizer.event(e));

  std::ostringstream out;
  out << "---\n# Golden history recorded by durable::testing (golden_history.hpp). Rewrite it by\n"
      << "# running the test with " << kUpdateGoldenEnv << "=1. It is also a conformance requirement.\n";
  Json head = Json::object();
  head["description"] = options.description.empty() ? std::string("Recorded golden history")
                                                     : options.description;
  head["handler"] = options.handler.empty() ? std::string("The handler under test") : options.handler;
  head["invocations"] = options.invocations.empty()
                            ? std::to_string(result.invocation_count()) + " invocation(s)"
                            : options.invocations;
  // Fixed order for readability: prose first, then input, result, history.
  for (const char* key : {"description", "handler", "invocations"}) {
    out << key << ": " << scalar_text(head[key]) << "\n";
  }
  const Json input = execution_input(result);
  out << "Input:";
  if (is_block(input)) {
    out << "\n";
    write_block(out, input, 2);
  } else {
    out << " " << scalar_text(input) << "\n";
  }
  Json expected = Json::object();
  expected["ExecutionStatus"] = std::string(to_string(result.execution_status()));
  if (result.execution_status() == ExecutionStatus::Succeeded) expected["Result"] = result.result();
  out << "ExpectedResult:\n";
  write_block(out, expected, 2);
  out << "ExpectedExecutionHistory:\n";
  write_block(out, events, 2);
  return out.str();
}

void record_golden_history(const TestResult& result, const std::filesystem::path& path,
                           const GoldenOptions& options) {
  const std::string text = golden_history_yaml(result, options);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("record_golden_history: cannot write " + path.string());
  file << text;
  file.close();
  if (!file) throw std::runtime_error("record_golden_history: writing " + path.string() + " failed");
}

::testing::AssertionResult matches_golden_history(const TestResult& result,
                                                  const std::filesystem::path& path,
                                                  const GoldenOptions& options) {
  if (update_requested(options)) {
    try {
      record_golden_history(result, path, options);
    } catch (const std::exception& e) {
      return ::testing::AssertionFailure() << e.what();
    }
    return ::testing::AssertionSuccess() << "golden history written to " << path.string();
  }
  if (!std::filesystem::exists(path)) {
    return ::testing::AssertionFailure()
           << "golden history " << path.string() << " does not exist. Run the test with "
           << kUpdateGoldenEnv << "=1 to record it.";
  }
  cf::Requirement requirement;
  try {
    requirement = cf::load_requirement(path);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "golden history " << path.string()
                                         << " cannot be read: " << e.what();
  }
  cf::Bindings bindings;
  try {
    bindings.define_variables(requirement.variables);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "golden history " << path.string() << ": " << e.what();
  }
  const std::string status(to_string(result.execution_status()));
  if (requirement.expected_result) {
    const auto& er = *requirement.expected_result;
    if (auto m = cf::match_result(er.execution_status, er.has_result, er.result, status,
                                  result.result_payload(), bindings)) {
      return ::testing::AssertionFailure() << "run differs from golden history " << path.string()
                                           << ": " << *m << "\n"
                                           << update_hint(path);
    }
  }
  const Json actual = result.history_json();
  std::optional<cf::HistoryMismatch> mismatch;
  try {
    mismatch = cf::match_history(requirement.expected_history, actual, bindings);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "golden history " << path.string() << ": " << e.what();
  }
  if (mismatch) {
    return ::testing::AssertionFailure() << "run differs from golden history " << path.string()
                                         << ":\n"
                                         << cf::format_history_mismatch(*mismatch) << "\n"
                                         << update_hint(path);
  }
  const std::size_t actual_count = actual.value("Events", Json::array()).size();
  if (options.exact_event_count && actual_count != requirement.expected_history.size()) {
    std::ostringstream extra;
    const auto& events = actual.value("Events", Json::array());
    for (std::size_t i = requirement.expected_history.size(); i < events.size(); ++i) {
      extra << "  " << events[i].value("EventId", Json()).dump() << " "
            << events[i].value("EventType", std::string()) << " "
            << events[i].value("Name", std::string()) << "\n";
    }
    return ::testing::AssertionFailure()
           << "run differs from golden history " << path.string() << ": it has " << actual_count
           << " events, the golden file " << requirement.expected_history.size()
           << (actual_count > requirement.expected_history.size() ? "; extra events:\n"
                                                                    : "\n")
           << extra.str() << update_hint(path);
  }
  return ::testing::AssertionSuccess() << "history matches golden file " << path.string();
}

void expect_golden_history(const TestResult& result, const std::filesystem::path& path,
                           const GoldenOptions& options, std::source_location where) {
  const auto verdict = matches_golden_history(result, path, options);
  if (!verdict) {
    GTEST_MESSAGE_AT_(where.file_name(), static_cast<int>(where.line()), verdict.message(),
                      ::testing::TestPartResult::kNonFatalFailure);
  }
}

namespace {

class GoldenHistoryMatcher final : public ::testing::MatcherInterface<const TestResult&> {
 public:
  GoldenHistoryMatcher(std::filesystem::path path, GoldenOptions options)
      : path_(std::move(path)), options_(std::move(options)) {}

  bool MatchAndExplain(const TestResult& result,
                       ::testing::MatchResultListener* listener) const override {
    const auto verdict = matches_golden_history(result, path_, options_);
    if (!verdict) *listener << verdict.message();
    return static_cast<bool>(verdict);
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has the history recorded in " << path_.string();
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "has a history other than the one recorded in " << path_.string();
  }

 private:
  std::filesystem::path path_;
  GoldenOptions options_;
};

}  // namespace

::testing::Matcher<const TestResult&> MatchesGoldenHistory(std::filesystem::path path,
                                                           GoldenOptions options) {
  return ::testing::MakeMatcher(new GoldenHistoryMatcher(std::move(path), std::move(options)));
}

}  // namespace durable::testing
