// Log records reach stdout whole and at once when stdout is a pipe (as on Lambda): a handler
// process killed with SIGKILL right after logging has lost none of its lines.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "durable/model/json.hpp"

extern char** environ;

namespace durable {
namespace {

// Reads `fd` until `marker` appeared or `limit` passed; returns what was read.
std::string read_until(int fd, const std::string& marker, std::chrono::seconds limit) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (text.find(marker) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

std::string read_all(int fd) {
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  return text;
}

TEST(LoggerPipe, EveryLineEmittedBeforeASigkillArrivesWhole) {
  constexpr int kLines = 50;
  int out[2];
  int err[2];
  ASSERT_EQ(::pipe(out), 0);
  ASSERT_EQ(::pipe(err), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  std::string path = DURABLE_LOG_PIPE_CHILD;
  std::string count = std::to_string(kLines);
  char* argv[] = {path.data(), count.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  ASSERT_EQ(spawned, 0) << "cannot start " << path;

  const std::string said = read_until(err[0], "ready", std::chrono::seconds(60));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string stdout_text = read_all(out[0]);
  ::close(out[0]);
  ::close(err[0]);
  ASSERT_NE(said.find("ready"), std::string::npos) << "the child never got into its step: " << said;
  EXPECT_TRUE(WIFSIGNALED(status));

  std::vector<std::string> messages;
  std::istringstream lines(stdout_text);
  for (std::string line; std::getline(lines, line);) {
    const Json record = Json::parse(line, nullptr, false);
    ASSERT_FALSE(record.is_discarded()) << "not a whole JSON record: " << line;
    messages.push_back(record.at("message").get<std::string>());
  }
  ASSERT_EQ(messages.size(), static_cast<std::size_t>(kLines + 1)) << stdout_text;
  for (int i = 0; i < kLines; ++i) EXPECT_EQ(messages[static_cast<std::size_t>(i)], "line " + std::to_string(i));
  EXPECT_EQ(messages.back(), "inside the step");
}

}  // namespace
}  // namespace durable
