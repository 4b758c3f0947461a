// DURABLE_TIMELINE_DIR: a failing DurableRunner test leaves its timelines there, a passing one
// leaves nothing. Runs timeline_dir_probe (a GoogleTest program) as a sub-process.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

class TimelineDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("durable-timeline-dir-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the probe's test `filter` with DURABLE_TIMELINE_DIR=<dir_>/out; its exit status.
  int run_probe(const std::string& filter) {
    const std::string command = "DURABLE_TIMELINE_DIR='" + (dir_ / "out").string() + "' '" +
                                TIMELINE_DIR_PROBE + "' --gtest_filter=" + filter +
                                " > /dev/null 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::set<std::string> files() const {
    std::set<std::string> names;
    if (!fs::exists(dir_ / "out")) return names;
    for (const auto& entry : fs::directory_iterator(dir_ / "out")) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
};

TEST_F(TimelineDirTest, APassingTestLeavesNoFile) {
  EXPECT_EQ(run_probe("TimelineProbe.Passes"), 0);
  EXPECT_TRUE(files().empty());
}

TEST_F(TimelineDirTest, AFailingTestLeavesTheTimelineOfEachOfItsRuns) {
  EXPECT_NE(run_probe("TimelineProbe.Fails"), 0);
  EXPECT_EQ(files(), (std::set<std::string>{"TimelineProbe.Fails.html",
                                            "TimelineProbe.Fails.2.html"}));
  std::ifstream in(dir_ / "out" / "TimelineProbe.Fails.html");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("DurableTimeline.mountStandalone"), std::string::npos);
  EXPECT_NE(text.str().find("\"Name\":\"second\""), std::string::npos);
}

TEST_F(TimelineDirTest, BothTogetherLeaveOnlyTheFailingOnes) {
  EXPECT_NE(run_probe("TimelineProbe.*"), 0);
  EXPECT_EQ(files().size(), 2u);
  EXPECT_EQ(files().count("TimelineProbe.Passes.html"), 0u);
}

}  // namespace
