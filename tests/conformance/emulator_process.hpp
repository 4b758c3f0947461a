// Test support: a durable-emulator child process on a loopback ephemeral port, its output
// (stdout and stderr) in a file, stopped with SIGTERM (then SIGKILL) when the object goes away.
// Every wait is bounded. Used from the test's thread only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace durable::testing::support {

class EmulatorProcess {
 public:
  // Starts `binary --port 0 <args>` with its output in `log`, and waits (at most 60 s) for its
  // "listening on http://HOST:PORT" line. Throws std::runtime_error with the output so far when
  // it exits or does not listen in time.
  EmulatorProcess(const std::string& binary, const std::vector<std::string>& args,
                  std::filesystem::path log)
      : log_(std::move(log)) {
    std::vector<std::string> argv_text{binary, "--port", "0"};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + log_.string());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fd);
    if (pid_ < 0) throw std::runtime_error("fork failed");
    const std::regex listening(R"(listening on (http://[^:\s]+:(\d+)))");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      const std::string text = output();
      if (std::regex_search(text, m, listening)) {
        url_ = m[1];
        port_ = std::stoi(m[2]);
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(binary + " exited before listening; output:\n" + text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(binary + " did not print its listening line within 60 s; output:\n" +
                             output());
  }
  ~EmulatorProcess() { stop(); }
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  const std::filesystem::path& log() const { return log_; }
  std::string output() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // SIGTERM, up to 10 s for it to exit, then SIGKILL. Idempotent.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
};

}  // namespace durable::testing::support
