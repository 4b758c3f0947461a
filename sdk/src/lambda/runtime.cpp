#include "durable/lambda/runtime.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <variant>

#include "durable/model/api_error.hpp"
#include "lambda/runtime_api_client.hpp"
#include "lambda/runtime_default_client.hpp"

namespace durable::lambda {
namespace {

// Error types posted to /error and /init/error. The Runtime.* names are the ones Lambda's own
// runtimes use for the same situations, so logs and metrics read the same.
constexpr const char* kInvalidEnvelope = "Runtime.InvalidDurableEnvelope";
constexpr const char* kUnhandled = "Runtime.UnhandledException";
constexpr const char* kInitFailed = "Runtime.InitError";
constexpr const char* kResponseRefused = "Runtime.ResponseRefused";

// The runtime's own diagnostics go to stderr, which Lambda sends to the function's log group.
void log_line(const std::string& text) {
  std::fprintf(stderr, "durable-runtime: %s\n", text.c_str());
  std::fflush(stderr);
}

struct Failure {
  std::string type;
  std::string message;
};

// Runs one event: the output text to post on /response, or the failure to post on /error.
// Never throws.
std::variant<std::string, Failure> handle_event(const Handler& handler,
                                                const detail::RuntimeEvent& event,
                                                CheckpointClient& client,
                                                InvocationOptions options) {
  options.request_id = event.request_id;
  DurableExecutionInvocationInput input;
  try {
    const Json envelope = Json::parse(event.body);
    if (!envelope.is_object()) {
      return Failure{kInvalidEnvelope, "the event is not a durable invocation envelope: a JSON " +
                                           std::string(envelope.type_name()) +
                                           " instead of an object"};
    }
    input = envelope.get<DurableExecutionInvocationInput>();
  } catch (const std::exception& e) {
    return Failure{kInvalidEnvelope,
                   std::string("the event is not a durable invocation envelope: ") + e.what()};
  }
  try {
    // Replace, never throw: an output that cannot be encoded must still be answered.
    return Json(run_invocation(handler, input, client, options))
        .dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const ApiError& e) {
    // A retryable service failure (run_invocation rethrows only those): fail the invocation so
    // the service invokes again.
    return Failure{e.code(), e.what()};
  } catch (const std::exception& e) {
    return Failure{kUnhandled, e.what()};
  } catch (...) {
    return Failure{kUnhandled, "an exception that is not a std::exception"};
  }
}

void answer(detail::RuntimeApiClient& api, const std::string& request_id,
            const std::variant<std::string, Failure>& outcome) {
  if (const auto* output = std::get_if<std::string>(&outcome)) {
    const auto posted = api.respond(request_id, *output);
    if (posted.accepted) return;
    log_line("invocation " + request_id + ": /response refused (HTTP " +
             std::to_string(posted.status) + "): " + posted.detail);
    // Lambda refuses oversized or malformed responses; the invocation still needs an answer.
    if (posted.status >= 400 && posted.status < 500 && posted.status != 404) {
      const auto failed = api.fail(request_id, kResponseRefused,
                                   "the Runtime API refused the response (HTTP " +
                                       std::to_string(posted.status) + "): " + posted.detail);
      if (!failed.accepted) log_line("invocation " + request_id + ": /error refused too");
    }
    return;
  }
  const auto& failure = std::get<Failure>(outcome);
  log_line("invocation " + request_id + " failed: " + failure.type + ": " + failure.message);
  const auto posted = api.fail(request_id, failure.type, failure.message);
  if (!posted.accepted) {
    log_line("invocation " + request_id + ": /error refused (HTTP " +
             std::to_string(posted.status) + "): " + posted.detail);
  }
}

}  // namespace

int run(const Handler& handler, const RuntimeOptions& options) {
  std::string address = options.runtime_api;
  if (address.empty()) {
    const char* env = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (env == nullptr || *env == '\0') {
      log_line("AWS_LAMBDA_RUNTIME_API is not set: this binary runs as a Lambda custom runtime");
      return 1;
    }
    address = env;
  }
  std::unique_ptr<detail::RuntimeApiClient> api;
  try {
    api = std::make_unique<detail::RuntimeApiClient>(address, options.connect_timeout);
  } catch (const std::exception& e) {
    log_line(e.what());
    return 1;
  }

  std::unique_ptr<CheckpointClient> client;
  try {
    client = options.make_client ? options.make_client() : detail::make_default_checkpoint_client();
    if (!client) throw std::runtime_error("the checkpoint client factory returned no client");
  } catch (const std::exception& e) {
    log_line(std::string("initialisation failed: ") + e.what());
    const auto posted = api->init_error(kInitFailed, e.what());
    if (!posted.accepted) log_line("/init/error not accepted: " + posted.detail);
    return 1;
  }
  if (!handler) {
    api->init_error(kInitFailed, "the handler is empty");
    log_line("initialisation failed: the handler is empty");
    return 1;
  }

  std::size_t answered = 0;
  while (!options.max_invocations || answered < *options.max_invocations) {
    detail::RuntimeEvent event;
    try {
      event = api->next();
    } catch (const std::exception& e) {
      log_line(e.what());
      return 1;
    }
    // Lambda's runtimes publish the X-Ray trace id this way; no SDK thread is running here, so
    // changing the environment races with nothing.
    if (event.trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", event.trace_id.c_str(), 1);
    }
    try {
      answer(*api, event.request_id, handle_event(handler, event, *client, options.invocation));
    } catch (const std::exception& e) {
      // run() never throws; the Runtime API times the invocation out if no answer got through.
      log_line("invocation " + event.request_id + ": could not be answered: " + e.what());
    }
    ++answered;
  }
  return 0;
}

int run(const Handler& handler) { return run(handler, RuntimeOptions{}); }

}  // namespace durable::lambda
