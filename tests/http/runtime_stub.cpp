// runtime_stub: a minimal Lambda runtime for the emulator's supervisor tests, started by the
// emulator with AWS_LAMBDA_RUNTIME_API. It polls /next and answers each invocation with
// {"Status":"SUCCEEDED","Result":"\"<function>:<pid>\""}, so a test can see which process (and
// which function's process) ran an invocation. Modes (argv[1]):
//   echo                 answer every invocation
//   die-once MARKER      first process (MARKER absent): create MARKER, take one invocation and
//                        exit 3 without answering; later processes behave as echo
//   hold DIR N           after taking an invocation, create DIR/<pid> and wait (at most 20 s)
//                        until DIR holds N entries before answering: N invocations at once
//                        need N processes
//   init-error           post /init/error and exit 4
//   env                  answer with a JSON object of the Lambda environment variables it got
// Exits 0 when /next stops answering 200 (the emulator is shutting down).
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::size_t entries(const std::string& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "echo";
  const std::string api = env("AWS_LAMBDA_RUNTIME_API");
  const auto colon = api.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "runtime_stub: AWS_LAMBDA_RUNTIME_API is not HOST:PORT: '%s'\n",
                 api.c_str());
    return 2;
  }
  httplib::Client client(api.substr(0, colon), std::stoi(api.substr(colon + 1)));
  client.set_read_timeout(std::chrono::seconds(60));
  if (mode == "init-error") {
    client.Post("/2018-06-01/runtime/init/error",
                R"({"errorType":"Runtime.InitError","errorMessage":"stub refused to start"})",
                "application/json");
    return 4;
  }
  bool die = false;
  if (mode == "die-once" && argc > 2 && !std::filesystem::exists(argv[2])) {
    std::ofstream(argv[2]) << getpid();
    die = true;
  }
  std::string result =
      nlohmann::json(env("AWS_LAMBDA_FUNCTION_NAME") + ":" + std::to_string(getpid())).dump();
  if (mode == "env") {
    nlohmann::json vars = nlohmann::json::object();
    for (const char* name :
         {"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_ENDPOINT_URL_LAMBDA",
          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
      vars[name] = env(name);
    }
    result = vars.dump();
  }
  const std::string answer =
      nlohmann::json{{"Status", "SUCCEEDED"}, {"Result", result}}.dump();
  while (true) {
    auto next = client.Get("/2018-06-01/runtime/invocation/next");
    if (!next || next->status != 200) return 0;
    if (die) return 3;
    const std::string id = next->get_header_value("Lambda-Runtime-Aws-Request-Id");
    if (mode == "hold" && argc > 3) {
      const std::string dir = argv[2];
      const auto want = static_cast<std::size_t>(std::stoul(argv[3]));
      std::ofstream(dir + "/" + std::to_string(getpid())) << id;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (entries(dir) < want && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    client.Post("/2018-06-01/runtime/invocation/" + id + "/response", answer,
                "application/json");
  }
}
