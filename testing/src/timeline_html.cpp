#include "timeline_html.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "durable/emulator/console_assets.hpp"

namespace durable::testing::detail {
namespace {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON that may sit inside a <script> element: '<', '>' and '&' only occur inside JSON strings,
// where their \u escapes mean the same characters.
std::string script_safe_json(const Json& j) {
  const std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string asset(std::string_view name) {
  const auto found = emulator::find_console_asset(name);
  if (!found) throw std::logic_error("the console asset " + std::string(name) + " is not embedded");
  std::string text(found->body);
  // Inline, the script ends at the first "</script"; the renderer never writes it, but a
  // changed file must not break the page silently.
  for (auto at = text.find("</script"); at != std::string::npos; at = text.find("</script", at)) {
    text.replace(at, 2, "<\\/");
  }
  return text;
}

// "arn:...:durable-execution/<name>/<id>" -> <name>.
std::string execution_name(const std::string& arn) {
  const std::string marker = "/durable-execution/";
  const auto at = arn.find(marker);
  if (at == std::string::npos) return arn;
  const auto start = at + marker.size();
  return arn.substr(start, arn.find('/', start) - start);
}

std::string file_name_part(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out;
}

constexpr std::size_t kMaxKeptPerTest = 16;

// The results of the test that is running, and the listener that writes them when it failed.
class TimelineDirListener : public ::testing::EmptyTestEventListener {
 public:
  explicit TimelineDirListener(std::string dir) : dir_(std::move(dir)) {}

  void keep(const TestResult& result) {
    std::lock_guard lock(mu_);
    // Tools that run hundreds of executions in one test (the crash explorer) must not keep every
    // emulator alive until the test ends: the latest ones tell what failed.
    if (kept_.size() >= kMaxKeptPerTest) kept_.erase(kept_.begin());
    kept_.push_back(result);
  }

  void OnTestEnd(const ::testing::TestInfo& info) override {
    std::vector<TestResult> results;
    {
      std::lock_guard lock(mu_);
      results.swap(kept_);
    }
    if (!info.result()->Failed() || results.empty()) return;
    const std::string base =
        file_name_part(info.test_suite_name()) + "." + file_name_part(info.name());
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::filesystem::path path =
          std::filesystem::path(dir_) /
          (base + (i == 0 ? std::string() : "." + std::to_string(i + 1)) + ".html");
      try {
        results[i].write_timeline_html(path.string());
        std::cerr << "durable: the timeline of " << info.test_suite_name() << "." << info.name()
                  << " is in " << path.string() << "\n";
      } catch (const std::exception& e) {
        std::cerr << "durable: DURABLE_TIMELINE_DIR: " << e.what() << "\n";
      }
    }
  }

 private:
  std::string dir_;
  std::mutex mu_;
  std::vector<TestResult> kept_;
};

}  // namespace

std::string render_timeline_html(const TestResult::Snapshot& snapshot,
                                 const std::vector<Event>& history, bool virtual_clock) {
  const std::string name = execution_name(snapshot.execution_arn);
  Json data = {{"ExecutionArn", snapshot.execution_arn},
               {"Name", name},
               {"Status", std::string(to_string(snapshot.status))},
               {"Virtual", virtual_clock},
               {"Events", Json::array()}};
  for (const auto& event : history) {
    Json e;
    to_json(e, event);
    if (event.event_type == EventType::ExecutionStarted) {
      const auto& details = std::get<ExecutionStartedDetails>(event.details);
      if (details.input.payload) data["Input"] = *details.input.payload;
    }
    data["Events"].push_back(std::move(e));
  }
  if (snapshot.result) data["Result"] = *snapshot.result;
  if (snapshot.error) data["Error"] = Json(*snapshot.error);
  std::string html;
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  html += "Timeline: " + html_escape(name) + "</title>\n<style>\n" + asset("console.css");
  html += "body.standalone main { max-width: none; }\n</style>\n</head>\n<body class=\"standalone\">\n";
  html += "<main>\n<section>\n<h2>Execution " + html_escape(name) + "</h2>\n";
  html += "<dl class=\"summary\" id=\"summary\"></dl>\n</section>\n";
  html += "<section>\n<h2>Timeline</h2>\n<div class=\"timeline-box\" id=\"timeline\"></div>\n";
  html += "</section>\n</main>\n";
  html += "<script type=\"application/json\" id=\"timeline-data\">" + script_safe_json(data) +
          "</script>\n";
  html += "<script>\n" + asset("timeline.js") + "</script>\n";
  html += "<script>DurableTimeline.mountStandalone(document);</script>\n</body>\n</html>\n";
  return html;
}

void keep_for_timeline_dir(const TestResult& result) {
  static const char* const dir = std::getenv("DURABLE_TIMELINE_DIR");
  if (dir == nullptr || *dir == '\0') return;
  auto* unit = ::testing::UnitTest::GetInstance();
  if (unit->current_test_info() == nullptr) return;  // not inside a GoogleTest test
  // gtest owns and deletes the listener once appended; it lives until the process ends.
  static TimelineDirListener* const listener = [&] {
    auto* made = new TimelineDirListener(dir);
    unit->listeners().Append(made);
    return made;
  }();
  listener->keep(result);
}

}  // namespace durable::testing::detail
