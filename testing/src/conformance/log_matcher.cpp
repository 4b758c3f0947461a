#include "durable/testing/conformance/log_matcher.hpp"

#include "durable/testing/conformance/values.hpp"

namespace durable::testing::conformance {

namespace {

std::string strip(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

Json stripped(const Json& v) { return v.is_string() ? Json(strip(v.get<std::string>())) : v; }

bool field_matches(const Json& expected, const Json& actual, const Bindings& bindings) {
  if (expected.is_string()) {
    const std::string text = expected.get<std::string>();
    if (text.size() >= 2 && text.front() == '/' && text.back() == '/') {
      const std::string pattern = bindings.substitute(text.substr(1, text.size() - 2));
      return regex_search(pattern, python_str(stripped(actual)));
    }
    return python_equal(Json(strip(bindings.substitute(text))), stripped(actual));
  }
  return python_equal(bindings.substitute_all(expected), actual);
}

}  // namespace

Json log_record(const std::string& line) {
  const std::string trimmed = strip(line);
  if (!trimmed.empty() && trimmed.front() == '{') {
    try {
      Json parsed = Json::parse(trimmed);
      if (parsed.is_object()) return parsed;
    } catch (const Json::parse_error&) {
      // Not JSON after all: falls through to a message-only record, as CloudWatch shows it.
    }
  }
  return Json{{"message", line}};
}

bool log_record_matches(const Json& match, const Json& record, const Bindings& bindings) {
  for (auto it = match.begin(); it != match.end(); ++it) {
    auto found = record.find(it.key());
    if (found == record.end()) return false;
    if (!field_matches(it.value(), *found, bindings)) return false;
  }
  return true;
}

std::vector<std::string> check_logs(const std::vector<LogExpectation>& expectations,
                                    const std::vector<std::string>& lines,
                                    const Bindings& bindings) {
  std::vector<Json> records;
  records.reserve(lines.size());
  for (const auto& line : lines) records.push_back(log_record(line));

  std::vector<std::string> failures;
  for (std::size_t e = 0; e < expectations.size(); ++e) {
    const auto& exp = expectations[e];
    const std::string label =
        "ExpectedLogs[" + std::to_string(e) + "] " + bindings.substitute_all(exp.match).dump();
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (log_record_matches(exp.match, records[i], bindings)) hits.push_back(i);
    }
    const auto n = static_cast<std::int64_t>(hits.size());
    const bool unconstrained = !exp.count && !exp.min_count && !exp.max_count;
    if (exp.count && n != *exp.count) {
      failures.push_back(label + ": expected count " + std::to_string(*exp.count) + ", found " +
                         std::to_string(n));
      continue;
    }
    if ((exp.min_count && n < *exp.min_count) || (unconstrained && n < 1)) {
      failures.push_back(label + ": expected at least " +
                         std::to_string(exp.min_count ? *exp.min_count : 1) + ", found " +
                         std::to_string(n));
      continue;
    }
    if (exp.max_count && n > *exp.max_count) {
      failures.push_back(label + ": expected at most " + std::to_string(*exp.max_count) +
                         ", found " + std::to_string(n));
      continue;
    }
    bool ordered = true;
    for (std::size_t hit : hits) {
      for (const auto& after : exp.after) {
        bool seen = false;
        for (std::size_t j = 0; j < hit && !seen; ++j) seen = log_record_matches(after, records[j], bindings);
        if (!seen) {
          failures.push_back(label + ": record #" + std::to_string(hit) +
                             " has no earlier record matching " +
                             bindings.substitute_all(after).dump());
          ordered = false;
          break;
        }
      }
      if (!ordered) break;
      for (const auto& before : exp.before) {
        bool seen = false;
        for (std::size_t j = hit + 1; j < records.size() && !seen; ++j) {
          seen = log_record_matches(before, records[j], bindings);
        }
        if (!seen) {
          failures.push_back(label + ": record #" + std::to_string(hit) +
                             " has no later record matching " +
                             bindings.substitute_all(before).dump());
          ordered = false;
          break;
        }
      }
      if (!ordered) break;
    }
  }
  return failures;
}

}  // namespace durable::testing::conformance
