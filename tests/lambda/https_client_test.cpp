// HttpCheckpointClient over TLS: an https endpoint served by httplib's SSLServer with a
// certificate made for the test, trusted through HttpCheckpointClientOptions::ca_file.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "durable/lambda/http_checkpoint_client.hpp"

namespace durable::lambda {
namespace {

using namespace std::chrono_literals;

constexpr const char* kArn =
    "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/durable-execution/n/id-1";

class TlsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/durable-tls-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    cert_ = dir_ + "/cert.pem";
    const std::string key = dir_ + "/key.pem";
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert_ + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "the openssl command is not available";
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key.c_str());
    ASSERT_TRUE(server_->is_valid());
    server_->Post(R"([\s\S]*)", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_header("Authorization") && req.has_header("X-Amz-Date")) ++signed_requests_;
      res.set_content(R"({"CheckpointToken":"next","NewExecutionState":{"Operations":[]}})",
                      "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(1ms);
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  HttpCheckpointClientOptions options() const {
    HttpCheckpointClientOptions o;
    o.endpoint = Endpoint::parse("https://127.0.0.1:" + std::to_string(port_));
    o.region = "us-east-1";
    o.credentials = {"AKIDTEST", "secret", std::nullopt};
    o.connect_timeout = 2s;
    o.read_timeout = 5s;
    o.retry.max_attempts = 1;
    return o;
  }

  std::string dir_;
  std::string cert_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> signed_requests_{0};
};

TEST_F(TlsServer, CheckpointsOverHttpsWithATrustedCertificate) {
  auto o = options();
  o.ca_file = cert_;
  HttpCheckpointClient client(o);
  EXPECT_EQ(client.checkpoint({kArn, "tok", {}, {}}).checkpoint_token, "next");
  EXPECT_EQ(signed_requests_.load(), 1);
}

TEST_F(TlsServer, AnUntrustedCertificateIsATransportErrorNotASilentSuccess) {
  auto o = options();
  // A CA file that exists but does not hold the server's certificate.
  o.ca_file = dir_ + "/other.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other "
                         "-keyout " +
                         dir_ + "/other-key.pem -out " + o.ca_file + " >/dev/null 2>&1")
                            .c_str()),
            0);
  HttpCheckpointClient client(o);
  EXPECT_THROW(client.checkpoint({kArn, "tok", {}, {}}), TransportError);
  EXPECT_EQ(signed_requests_.load(), 0);
}

}  // namespace
}  // namespace durable::lambda
