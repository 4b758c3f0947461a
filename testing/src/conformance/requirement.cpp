#include "durable/testing/conformance/requirement.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace durable::testing::conformance {

namespace {

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw RequirementError(source_, field, message);
  }

  const Json& require(const Json& obj, const std::string& key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(path, "missing required field");
    return *it;
  }

  std::string text(const Json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }

  bool boolean(const Json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, "expected true or false, got " + v.dump());
    return v.get<bool>();
  }

  std::int64_t integer(const Json& v, const std::string& path) const {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
      fail(path, "expected a non-negative integer, got " + v.dump());
    }
    return v.get<std::int64_t>();
  }

 private:
  std::string source_;
};

CallbackAction parse_action(const Reader& r, const Json& v, const std::string& path) {
  if (!v.is_object()) r.fail(path, "expected a mapping");
  CallbackAction a;
  a.callback_name = r.text(r.require(v, "CallbackName", path + ".CallbackName"), path + ".CallbackName");
  const std::string op = r.text(r.require(v, "Operation", path + ".Operation"), path + ".Operation");
  if (op == "success") {
    a.operation = CallbackOperation::Success;
  } else if (op == "failure") {
    a.operation = CallbackOperation::Failure;
  } else if (op == "heartbeat") {
    a.operation = CallbackOperation::Heartbeat;
  } else {
    r.fail(path + ".Operation", "expected success, failure or heartbeat, got '" + op + "'");
  }
  if (auto it = v.find("Payload"); it != v.end()) a.payload = *it;
  if (a.operation == CallbackOperation::Failure && !a.payload.is_null() && !a.payload.is_object()) {
    r.fail(path + ".Payload", "a failure payload must be a mapping of ErrorType/ErrorMessage/...");
  }
  if (auto it = v.find("Delay"); it != v.end() && !it->is_null()) {
    if (!it->is_number() || it->get<double>() < 0) {
      r.fail(path + ".Delay", "expected a non-negative number of seconds, got " + it->dump());
    }
    a.delay_seconds = it->get<double>();
  }
  return a;
}

std::vector<Json> parse_matchers(const Reader& r, const Json& v, const std::string& path) {
  if (v.is_object()) return {v};
  if (!v.is_array()) r.fail(path, "expected a list of field mappings");
  std::vector<Json> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_object()) r.fail(path + "[" + std::to_string(i) + "]", "expected a mapping");
    out.push_back(v[i]);
  }
  return out;
}

LogExpectation parse_log(const Reader& r, const Json& v, const std::string& path) {
  if (!v.is_object()) r.fail(path, "expected a mapping");
  LogExpectation e;
  const Json& match = r.require(v, "match", path + ".match");
  if (!match.is_object()) r.fail(path + ".match", "expected a mapping of field: value");
  e.match = match;
  if (auto it = v.find("count"); it != v.end()) e.count = r.integer(*it, path + ".count");
  if (auto it = v.find("min_count"); it != v.end()) e.min_count = r.integer(*it, path + ".min_count");
  if (auto it = v.find("max_count"); it != v.end()) e.max_count = r.integer(*it, path + ".max_count");
  if (auto it = v.find("before"); it != v.end()) e.before = parse_matchers(r, *it, path + ".before");
  if (auto it = v.find("after"); it != v.end()) e.after = parse_matchers(r, *it, path + ".after");
  return e;
}

std::vector<long> id_parts(const std::string& id) {
  std::vector<long> parts;
  std::stringstream ss(id);
  std::string part;
  while (std::getline(ss, part, '-')) {
    try {
      parts.push_back(std::stol(part));
    } catch (const std::exception&) {
      parts.push_back(-1);
    }
  }
  return parts;
}

}  // namespace

bool requirement_id_less(const std::string& a, const std::string& b) {
  const auto pa = id_parts(a);
  const auto pb = id_parts(b);
  if (pa != pb) return pa < pb;
  return a < b;
}

Requirement parse_requirement(std::string_view yaml_text, const std::string& id,
                              const std::string& source) {
  const Reader r(source);
  const Json doc = yaml_to_json(yaml_text, source);
  if (!doc.is_object()) r.fail("", "the document must be a mapping of requirement fields");

  Requirement req;
  req.id = id;
  req.description = r.text(r.require(doc, "description", "description"), "description");
  req.handler = r.text(r.require(doc, "handler", "handler"), "handler");
  req.invocations = r.text(r.require(doc, "invocations", "invocations"), "invocations");
  if (auto it = doc.find("optional"); it != doc.end()) req.optional = r.boolean(*it, "optional");
  if (auto it = doc.find("Variables"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) r.fail("Variables", "expected a mapping of NAME: value");
    req.variables = *it;
  }
  if (auto it = doc.find("Input"); it != doc.end()) req.input = *it;
  if (auto it = doc.find("AsyncInvoke"); it != doc.end()) req.async_invoke = r.boolean(*it, "AsyncInvoke");

  if (auto it = doc.find("CallbackActions"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) r.fail("CallbackActions", "expected a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      req.callback_actions.push_back(
          parse_action(r, (*it)[i], "CallbackActions[" + std::to_string(i) + "]"));
    }
  }

  if (auto it = doc.find("ExpectedResult"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) r.fail("ExpectedResult", "expected a mapping");
    ExpectedResult er;
    er.execution_status = r.text(r.require(*it, "ExecutionStatus", "ExpectedResult.ExecutionStatus"),
                                 "ExpectedResult.ExecutionStatus");
    static const std::vector<std::string> kStatuses = {"RUNNING", "SUCCEEDED", "FAILED",
                                                       "TIMED_OUT", "STOPPED"};
    if (std::find(kStatuses.begin(), kStatuses.end(), er.execution_status) == kStatuses.end()) {
      r.fail("ExpectedResult.ExecutionStatus",
             "unknown status '" + er.execution_status +
                 "' (expected RUNNING, SUCCEEDED, FAILED, TIMED_OUT or STOPPED)");
    }
    if (auto res = it->find("Result"); res != it->end()) {
      er.has_result = true;
      er.result = *res;
    }
    req.expected_result = er;
  }

  const Json& history = r.require(doc, "ExpectedExecutionHistory", "ExpectedExecutionHistory");
  if (!history.is_array()) r.fail("ExpectedExecutionHistory", "expected a list of events");
  for (std::size_t i = 0; i < history.size(); ++i) {
    const std::string path = "ExpectedExecutionHistory[" + std::to_string(i) + "]";
    const Json& ev = history[i];
    if (!ev.is_object()) r.fail(path, "expected a mapping (an event)");
    const Json& event_id = r.require(ev, "EventId", path + ".EventId");
    if (!event_id.is_number_integer() || event_id.get<std::int64_t>() < 1) {
      r.fail(path + ".EventId", "expected a positive integer, got " + event_id.dump());
    }
  }
  req.expected_history = history;

  if (auto it = doc.find("ExpectedLogs"); it != doc.end() && !it->is_null()) {
    if (!it->is_array()) r.fail("ExpectedLogs", "expected a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      req.expected_logs.push_back(parse_log(r, (*it)[i], "ExpectedLogs[" + std::to_string(i) + "]"));
    }
  }
  return req;
}

Requirement load_requirement(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw RequirementError(file.string(), "", "cannot open file");
  std::stringstream buf;
  buf << in.rdbuf();
  Requirement req = parse_requirement(buf.str(), file.stem().string(), file.string());
  req.source = file;
  req.suite = file.parent_path().filename().string();
  return req;
}

std::vector<std::filesystem::path> collect_requirement_files(
    const std::vector<std::filesystem::path>& paths) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  auto is_yaml = [](const fs::path& p) {
    const auto ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml";
  };
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(p)) {
        if (entry.is_regular_file() && is_yaml(entry.path())) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      throw RequirementError(p.string(), "", "no such file or directory");
    }
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return requirement_id_less(a.stem().string(), b.stem().string());
  });
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace durable::testing::conformance
