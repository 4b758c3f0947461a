// TestResult::write_timeline_html: one self-contained HTML file with the console's renderer and
// the execution's data, where no payload can break out of its <script> element. The picture
// itself is drawn and checked in a real browser by tests/web.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "durable/durable.hpp"
#include "durable/emulator/console_assets.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TestResult run_hostile_workflow() {
  DurableRunner runner([](const Json& event, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return std::string("</script><script>alert(1)</script>"); },
             "<b>step</b>");
    ctx.wait(Duration::from_seconds(3600), "pause & think");
    return event;
  });
  return runner.run(Json{{"note", "</script><img src=x onerror=alert(2)>"}});
}

TEST(TimelineHtmlTest, OneSelfContainedFileWithTheConsolesRenderer) {
  const auto result = run_hostile_workflow();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const std::string html = result.timeline_html();
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  // The same renderer as the console, inline; nothing loaded from elsewhere.
  const auto renderer = emulator::find_console_asset("timeline.js");
  ASSERT_TRUE(renderer);
  EXPECT_NE(html.find(std::string(renderer->body.substr(0, 200))), std::string::npos);
  EXPECT_NE(html.find("DurableTimeline.mountStandalone(document)"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  // The data: every event, the status, the clock's kind.
  EXPECT_NE(html.find("\"Status\":\"SUCCEEDED\""), std::string::npos);
  EXPECT_NE(html.find("\"Virtual\":true"), std::string::npos);
  EXPECT_NE(html.find("\"EventType\":\"WaitStarted\""), std::string::npos);
  EXPECT_NE(html.find("pause \\u0026 think"), std::string::npos);
}

TEST(TimelineHtmlTest, NoPayloadOrNameCanCloseItsScriptElement) {
  const std::string html = run_hostile_workflow().timeline_html();
  // Only the file's own three script elements end; the data inside the JSON one holds no '<'.
  std::size_t closed = 0;
  for (auto at = html.find("</script"); at != std::string::npos; at = html.find("</script", at + 1)) {
    ++closed;
  }
  EXPECT_EQ(closed, 3u);
  const std::string open_tag = "<script type=\"application/json\" id=\"timeline-data\">";
  const auto data_start = html.find(open_tag);
  ASSERT_NE(data_start, std::string::npos);
  const auto data_end = html.find("</script>", data_start);
  const std::string data =
      html.substr(data_start + open_tag.size(), data_end - data_start - open_tag.size());
  EXPECT_EQ(data.find('<'), std::string::npos) << data;
  EXPECT_TRUE(Json::accept(data));
  EXPECT_NE(data.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>step"), std::string::npos);
  EXPECT_NE(html.find("\\u003cb\\u003estep\\u003c/b\\u003e"), std::string::npos);
}

TEST(TimelineHtmlTest, WritesTheFileAndNamesAPathItCannotWrite) {
  const auto result = run_hostile_workflow();
  const auto dir = std::filesystem::temp_directory_path() /
                   ("timeline-html-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "t.html";
  result.write_timeline_html(path.string());
  EXPECT_EQ(read_file(path), result.timeline_html());
  const std::string missing = (dir / "no-such-dir" / "t.html").string();
  try {
    result.write_timeline_html(missing);
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace durable::testing
