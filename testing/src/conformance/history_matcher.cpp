#include "durable/testing/conformance/history_matcher.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "durable/testing/conformance/values.hpp"

namespace durable::testing::conformance {

namespace {

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string show(const Json& v) { return v.dump(); }

std::vector<std::string> lines_of(const Json& v) {
  std::vector<std::string> out;
  if (v.is_null()) {
    out.emplace_back("(no event with this EventId)");
    return out;
  }
  std::stringstream ss(v.dump(2));
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

}  // namespace

std::optional<ValueMismatch> match_value(const Json& expected, const Json* actual,
                                         Bindings& bindings, const std::string& path) {
  if (actual == nullptr) {
    return ValueMismatch{path, "key missing in actual (expected " + show(expected) + ")"};
  }
  if (expected.is_object() && expected.empty()) return std::nullopt;
  if (expected.is_string()) {
    const auto text = expected.get<std::string>();
    if (text == "*") return std::nullopt;
    if (auto name = placeholder_name(text)) {
      const auto bound = bindings.lookup(*name);
      if (bindings.bind_or_check(*name, *actual)) return std::nullopt;
      return ValueMismatch{path, "placeholder ${" + *name + "} is bound to " + show(*bound) +
                                     " but actual is " + show(*actual)};
    }
    if (auto pattern = placeholder_regex(text)) {
      const std::string re = bindings.substitute(*pattern);
      if (regex_search(re, python_str(*actual))) return std::nullopt;
      return ValueMismatch{path, "regex /" + re + "/ not found in " + show(*actual)};
    }
    const Json want = bindings.substitute(text);
    if (python_equal(want, *actual)) return std::nullopt;
    return ValueMismatch{path, "expected " + show(want) + ", actual " + show(*actual)};
  }
  if (expected.is_object()) {
    if (!actual->is_object()) {
      return ValueMismatch{path, "expected a mapping, actual " + show(*actual)};
    }
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto found = actual->find(it.key());
      const Json* child = found == actual->end() ? nullptr : &*found;
      if (auto m = match_value(it.value(), child, bindings, join(path, it.key()))) return m;
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    if (!actual->is_array()) return ValueMismatch{path, "expected a list, actual " + show(*actual)};
    if (actual->size() != expected.size()) {
      return ValueMismatch{path, "expected a list of " + std::to_string(expected.size()) +
                                     " items, actual has " + std::to_string(actual->size()) +
                                     ": " + show(*actual)};
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (auto m = match_value(expected[i], &(*actual)[i], bindings,
                               path + "[" + std::to_string(i) + "]")) {
        return m;
      }
    }
    return std::nullopt;
  }
  if (python_equal(expected, *actual)) return std::nullopt;
  return ValueMismatch{path, "expected " + show(expected) + ", actual " + show(*actual)};
}

std::optional<HistoryMismatch> match_history(const Json& expected_events, const Json& actual,
                                             Bindings& bindings) {
  const Json* events = &actual;
  if (actual.is_object()) {
    auto it = actual.find("Events");
    if (it == actual.end() || !it->is_array()) {
      throw std::invalid_argument("actual history: expected an event list or an object with Events");
    }
    events = &*it;
  } else if (!actual.is_array()) {
    throw std::invalid_argument("actual history: expected an event list or an object with Events");
  }
  if (!expected_events.is_array()) {
    throw std::invalid_argument("expected history: expected a list of events");
  }
  std::map<std::int64_t, const Json*> by_id;
  for (const auto& ev : *events) {
    auto id = ev.find("EventId");
    if (id != ev.end() && id->is_number_integer()) by_id.emplace(id->get<std::int64_t>(), &ev);
  }
  for (const auto& want : expected_events) {
    auto id = want.find("EventId");
    if (!want.is_object() || id == want.end() || !id->is_number_integer()) {
      throw std::invalid_argument("expected history: every event needs an integer EventId, got " +
                                  want.dump());
    }
    const auto event_id = id->get<std::int64_t>();
    auto found = by_id.find(event_id);
    if (found == by_id.end()) {
      return HistoryMismatch{event_id, "", "no actual event with EventId " + std::to_string(event_id) +
                                               " (actual history has " +
                                               std::to_string(events->size()) + " events)",
                             want, nullptr};
    }
    if (auto m = match_value(want, found->second, bindings, "")) {
      return HistoryMismatch{event_id, m->path, m->reason, want, *found->second};
    }
  }
  return std::nullopt;
}

std::string format_history_mismatch(const HistoryMismatch& mismatch) {
  std::ostringstream out;
  out << "first differing event: EventId " << mismatch.event_id;
  if (!mismatch.path.empty()) out << ", at " << mismatch.path;
  out << "\n  " << mismatch.reason << "\n";
  const auto left = lines_of(mismatch.expected_event);
  const auto right = lines_of(mismatch.actual_event);
  std::size_t width = std::string("expected").size();
  for (const auto& l : left) width = std::max(width, l.size());
  width = std::min<std::size_t>(width, 70);
  auto pad = [&](const std::string& s) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
  };
  out << "  " << pad("expected") << " | actual\n";
  out << "  " << std::string(width, '-') << "-+-" << std::string(width, '-') << "\n";
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    out << "  " << pad(i < left.size() ? left[i] : "") << " | "
        << (i < right.size() ? right[i] : "") << "\n";
  }
  return out.str();
}

std::optional<std::string> match_result(const std::string& expected_status,
                                        bool has_expected_result, const Json& expected_result,
                                        const std::string& actual_status,
                                        const std::optional<std::string>& actual_result,
                                        const Bindings& bindings) {
  if (expected_status != actual_status) {
    return "execution status: expected " + expected_status + ", actual " + actual_status;
  }
  if (expected_status != "SUCCEEDED" || !has_expected_result) return std::nullopt;
  Json actual = nullptr;
  if (actual_result) {
    try {
      actual = Json::parse(*actual_result);
    } catch (const Json::parse_error&) {
      return "execution result is not valid JSON: " + *actual_result;
    }
  }
  const Json want = bindings.substitute_all(expected_result);
  if (python_equal(want, actual)) return std::nullopt;
  return "execution result: expected " + want.dump() + ", actual " + actual.dump();
}

}  // namespace durable::testing::conformance
