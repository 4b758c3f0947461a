#include "durable/emulator/http_server.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <mutex>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "durable/model/api_error.hpp"
#include "dispatcher.hpp"
#include "http/client_connection.hpp"
#include "http/console_routes.hpp"
#include "http/error_response.hpp"
#include "http/front_end.hpp"
#include "http/request_guard.hpp"
#include "http/runtime_endpoint.hpp"
#include "http/runtime_queue.hpp"
#include "http/supervisor.hpp"
#include "http/url_codec.hpp"

namespace durable::emulator {
namespace {

using Query = std::multimap<std::string, std::string>;

constexpr std::size_t kMaxSyncPayloadBytes = 6 * 1024 * 1024;
constexpr std::size_t kMaxEventPayloadBytes = 256 * 1024;

constexpr const char* kJson = "application/json";

Query parse_query(const std::string& target) {
  Query q;
  const auto pos = target.find('?');
  if (pos == std::string::npos) return q;
  std::string_view rest(target);
  rest.remove_prefix(pos + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      std::string key = http::percent_decode(pair.substr(0, eq));
      std::string value =
          eq == std::string_view::npos ? std::string() : http::percent_decode(pair.substr(eq + 1));
      // Query values reach error messages and the store: both must stay valid JSON text.
      http::require_utf8(key, "a query parameter name");
      http::require_utf8(value, key);
      q.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return q;
}

std::optional<std::string> query_string(const Query& q, const std::string& key) {
  auto it = q.find(key);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

std::optional<std::int64_t> query_int(const Query& q, const std::string& key) {
  auto v = query_string(q, key);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size()) {
    throw ApiError::invalid_parameter(key + " must be an integer, got '" + *v + "'");
  }
  return n;
}

std::optional<bool> query_bool(const Query& q, const std::string& key) {
  auto v = query_string(q, key);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  throw ApiError::invalid_parameter(key + " must be true or false, got '" + *v + "'");
}

// The body as JSON; an empty body is `empty_value`. Unparseable text is the client's fault.
Json parse_body(const std::string& body, const Json& empty_value) {
  if (body.empty()) return empty_value;
  try {
    return Json::parse(body);
  } catch (const Json::exception& e) {
    // parse_error, and out_of_range for a number that overflows a double (1e999999).
    throw ApiError("InvalidRequestContentException", 400,
                   std::string("Could not parse request body into json: ") + e.what());
  }
}

// Converts a JSON document to a model type; a shape mismatch names the member.
template <typename T>
T body_as(const Json& j, const char* shape) {
  if (!j.is_object()) {
    throw ApiError("InvalidRequestContentException", 400,
                   std::string("Request body for ") + shape + " must be a JSON object");
  }
  try {
    return j.get<T>();
  } catch (const ModelError& e) {
    throw ApiError::invalid_parameter(std::string("Invalid ") + shape + ": " + e.what());
  } catch (const Json::exception& e) {
    throw ApiError::invalid_parameter(std::string("Invalid ") + shape + ": " + e.what());
  }
}

std::optional<ErrorObject> optional_error_body(const std::string& body) {
  Json j = parse_body(body, Json());
  if (j.is_null()) return std::nullopt;
  return body_as<ErrorObject>(j, "ErrorObject");
}

void write_json(httplib::Response& res, const Json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(), kJson);
}

// A function name as the path gives it (name, name:qualifier, full or partial ARN) split into
// the bare name and an optional qualifier.
std::pair<std::string, std::optional<std::string>> split_function_name(const std::string& raw) {
  std::string rest = raw;
  if (auto f = rest.find("function:"); f != std::string::npos) rest = rest.substr(f + 9);
  if (auto colon = rest.find(':'); colon != std::string::npos) {
    return {rest.substr(0, colon), rest.substr(colon + 1)};
  }
  return {rest, std::nullopt};
}

// Whether `host` names only this machine: 127.0.0.0/8, ::1 or localhost.
bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

}  // namespace

// One runtime function: its queue and the endpoint external pollers use.
struct RuntimeFunction {
  // Shared so that the function left in the caller's registry can tell the server is gone.
  std::shared_ptr<http::RuntimeQueue> queue;
  std::unique_ptr<http::RuntimeEndpoint> endpoint;
  RuntimeFunctionOptions options;
};

struct HttpServer::Impl {
  Impl(Service& s, FunctionRegistry r, HttpServerOptions o)
      : service(s), registry(r), options(std::move(o)),
        driver(s, r, DispatcherOptions{options.workers, options.driver_poll}) {}

  Service& service;
  FunctionRegistry registry;
  HttpServerOptions options;
  Dispatcher driver;
  // `runtime_mu` guards `runtime` and `supervisor`; never held across a queue call.
  mutable std::mutex runtime_mu;
  std::vector<std::pair<std::string, std::shared_ptr<RuntimeFunction>>> runtime;
  std::unique_ptr<http::Supervisor> supervisor;  // created by start()
  // Synchronous Invokes waiting for their execution.
  http::LongPollLimit long_polls{options.max_long_polls};
  httplib::Server server;
  // The listening socket, captured when httplib creates it, to widen its backlog after bind.
  std::atomic<int> listen_fd{-1};
  std::thread listener;
  std::atomic<int> port{0};
  std::atomic<bool> stopping{false};
  bool started = false;

  void handle(const httplib::Request& req, httplib::Response& res);
  // A request with a body: reads it with the cap, then handles it as handle() does.
  void handle_with_body(const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader);
  void route(const httplib::Request& req, httplib::Response& res);
  void durable_execution(const std::string& method, const std::vector<std::string>& seg,
                         const httplib::Request& req, const Query& q, httplib::Response& res);
  void callback(const std::string& method, const std::vector<std::string>& seg,
                const httplib::Request& req, httplib::Response& res);
  void list_by_function(const std::string& method, const std::string& function_name,
                        const Query& q, httplib::Response& res);
  void invoke(const std::string& method, const std::string& function_name,
              const httplib::Request& req, const Query& q, httplib::Response& res);
  void runtime_api(const std::string& method, const std::vector<std::string>& seg,
                   const httplib::Request& req, httplib::Response& res);
};

namespace {

[[noreturn]] void unknown_operation(const std::string& method, const std::string& target) {
  throw ApiError("UnknownOperationException", 404,
                 "Unknown operation: " + method + " " + target.substr(0, target.find('?')));
}

void require_method(const std::string& method, const char* expected) {
  if (method != expected) {
    throw ApiError("UnknownOperationException", 405,
                   "Method " + method + " is not allowed here; this route takes " + expected);
  }
}

}  // namespace

void HttpServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  try {
    route(req, res);
  } catch (const ApiError& e) {
    http::write_error(res, e.http_status(), e.code(), e.what());
  } catch (const std::exception& e) {
    http::write_error(res, 500, "ServiceException", std::string("Internal error: ") + e.what());
  }
}

void HttpServer::Impl::handle_with_body(const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader& reader) {
  http::CappedBody body = http::read_capped_body(reader, options.max_body_bytes);
  // httplib refuses a Content-Length over the cap itself (status 413, body skipped).
  if (body.too_large || (!body.complete && res.status == 413)) {
    return http::write_error(res, 413, "RequestTooLargeException",
                             "Request must be smaller than " +
                                 std::to_string(options.max_body_bytes) + " bytes");
  }
  if (!body.complete) {
    // httplib drops the connection after a body it could not read.
    return http::write_error(res, 400, "InvalidRequestContentException",
                             "The request body could not be read (malformed chunked encoding or "
                             "the client stopped sending)");
  }
  // httplib gives content-reader handlers a const Request without the body; the routes read
  // req.body, so they get a copy that carries it.
  httplib::Request full = req;
  full.body = std::move(body.body);
  handle(full, res);
}

namespace {

// What a path segment is, for error messages.
std::string path_field(const std::vector<std::string>& seg, std::size_t i) {
  if (i == 2 && seg.size() > 2) {
    if (seg[1] == "durable-executions") return "DurableExecutionArn";
    if (seg[1] == "durable-execution-callbacks") return "CallbackId";
    if (seg[1] == "functions") return "FunctionName";
  }
  return "the request path";
}

}  // namespace

void HttpServer::Impl::route(const httplib::Request& req, httplib::Response& res) {
  const std::string& method = req.method;
  const std::vector<std::string> seg = http::split_path(req.target);
  // Segments become ARNs, callback ids and names that are stored and echoed in JSON.
  for (std::size_t i = 0; i < seg.size(); ++i) http::require_utf8(seg[i], path_field(seg, i));
  const Query q = parse_query(req.target);
  if (seg.size() == 1 && seg[0] == "health") {
    require_method(method, "GET");
    return write_json(res, Json{{"status", "healthy"}});
  }
  if (http::is_console_path(seg)) {
    return http::serve_console(method, seg, q, service, registry, res);
  }
  if (seg.size() >= 3 && seg[0] == "2025-12-01" && seg[1] == "durable-executions") {
    return durable_execution(method, seg, req, q, res);
  }
  if (seg.size() == 4 && seg[0] == "2025-12-01" && seg[1] == "durable-execution-callbacks") {
    return callback(method, seg, req, res);
  }
  if (seg.size() == 4 && seg[0] == "2025-12-01" && seg[1] == "functions" &&
      seg[3] == "durable-executions") {
    return list_by_function(method, seg[2], q, res);
  }
  if (seg.size() == 4 && seg[0] == "2015-03-31" && seg[1] == "functions" &&
      seg[3] == "invocations") {
    return invoke(method, seg[2], req, q, res);
  }
  if (seg.size() >= 2 && seg[0] == "2018-06-01" && seg[1] == "runtime") {
    return runtime_api(method, seg, req, res);
  }
  unknown_operation(method, req.target);
}

// The main port's Runtime API, kept for set-ups with a single runtime function: with several,
// a poller here could not say which function it serves, so it is pointed at their own ports.
void HttpServer::Impl::runtime_api(const std::string& method,
                                   const std::vector<std::string>& seg,
                                   const httplib::Request& req, httplib::Response& res) {
  std::shared_ptr<http::RuntimeQueue> queue;
  std::string names;
  {
    std::lock_guard lock(runtime_mu);
    if (runtime.size() == 1) queue = runtime.front().second->queue;
    for (const auto& [name, fn] : runtime) {
      names += (names.empty() ? "" : ", ") + name + " at " + options.host + ":" +
               std::to_string(fn->endpoint->port());
    }
  }
  if (!queue) {
    throw ApiError("InvalidRequestContentException", 400,
                   "The main port serves the Runtime API only while exactly one runtime function "
                   "is registered; use the function's own endpoint (" +
                       (names.empty() ? std::string("none registered") : names) + ") at " +
                       method + " " + req.target.substr(0, req.target.find('?')));
  }
  http::serve_runtime_request(*queue, http::kAnonymousSandbox, seg, req, res, stopping);
}

void HttpServer::Impl::durable_execution(const std::string& method,
                                         const std::vector<std::string>& seg,
                                         const httplib::Request& req, const Query& q,
                                         httplib::Response& res) {
  const std::string& arn = seg[2];
  if (seg.size() == 3) {
    require_method(method, "GET");
    return write_json(res, Json(service.get_execution(GetDurableExecutionRequest{arn})));
  }
  if (seg.size() != 4) unknown_operation(method, req.target);
  const std::string& action = seg[3];
  if (action == "checkpoint") {
    require_method(method, "POST");
    auto request = body_as<CheckpointDurableExecutionRequest>(
        parse_body(req.body, Json::object()), "CheckpointDurableExecution request");
    request.durable_execution_arn = arn;
    auto response = service.checkpoint(request);
    driver.notify();
    return write_json(res, Json(response));
  }
  if (action == "state") {
    require_method(method, "GET");
    GetDurableExecutionStateRequest request;
    request.durable_execution_arn = arn;
    auto token = query_string(q, "CheckpointToken");
    if (!token) throw ApiError::invalid_parameter("CheckpointToken is required");
    request.checkpoint_token = *token;
    request.marker = query_string(q, "Marker");
    request.max_items = query_int(q, "MaxItems");
    return write_json(res, Json(service.get_state(request)));
  }
  if (action == "history") {
    require_method(method, "GET");
    GetDurableExecutionHistoryRequest request;
    request.durable_execution_arn = arn;
    request.include_execution_data = query_bool(q, "IncludeExecutionData");
    request.max_items = query_int(q, "MaxItems");
    request.marker = query_string(q, "Marker");
    request.reverse_order = query_bool(q, "ReverseOrder");
    return write_json(res, Json(service.get_history(request)));
  }
  if (action == "stop") {
    require_method(method, "POST");
    StopDurableExecutionRequest request{arn, optional_error_body(req.body)};
    auto response = service.stop(request);
    driver.notify();
    return write_json(res, Json(response));
  }
  unknown_operation(method, req.target);
}

void HttpServer::Impl::callback(const std::string& method, const std::vector<std::string>& seg,
                                const httplib::Request& req, httplib::Response& res) {
  require_method(method, "POST");
  const std::string& id = seg[2];
  const std::string& action = seg[3];
  if (action == "succeed") {
    // The Result is stored as text and returned inside JSON documents (History, State).
    http::require_utf8(req.body, "Result");
    service.send_callback_success(SendDurableExecutionCallbackSuccessRequest{id, req.body});
  } else if (action == "fail") {
    service.send_callback_failure(
        SendDurableExecutionCallbackFailureRequest{id, optional_error_body(req.body)});
  } else if (action == "heartbeat") {
    service.send_callback_heartbeat(SendDurableExecutionCallbackHeartbeatRequest{id});
  } else {
    unknown_operation(method, req.target);
  }
  driver.notify();
  write_json(res, Json::object());
}

void HttpServer::Impl::list_by_function(const std::string& method,
                                        const std::string& function_name, const Query& q,
                                        httplib::Response& res) {
  require_method(method, "GET");
  ListDurableExecutionsByFunctionRequest request;
  request.function_name = function_name;
  request.qualifier = query_string(q, "Qualifier");
  request.durable_execution_name = query_string(q, "DurableExecutionName");
  for (auto [it, end] = q.equal_range("Statuses"); it != end; ++it) {
    auto status = enum_from_string<ExecutionStatus>(it->second);
    if (!status) {
      throw ApiError::invalid_parameter("Statuses: unknown execution status '" + it->second +
                                        "'");
    }
    request.statuses.push_back(*status);
  }
  if (auto v = query_string(q, "StartedAfter")) {
    request.started_after = http::parse_query_timestamp(*v, "StartedAfter");
  }
  if (auto v = query_string(q, "StartedBefore")) {
    request.started_before = http::parse_query_timestamp(*v, "StartedBefore");
  }
  request.reverse_order = query_bool(q, "ReverseOrder");
  request.marker = query_string(q, "Marker");
  request.max_items = query_int(q, "MaxItems");
  write_json(res, Json(service.list_executions(request)));
}

void HttpServer::Impl::invoke(const std::string& method, const std::string& function_name,
                              const httplib::Request& req, const Query& q,
                              httplib::Response& res) {
  require_method(method, "POST");
  const std::string type = req.has_header("X-Amz-Invocation-Type")
                               ? req.get_header_value("X-Amz-Invocation-Type")
                               : "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    http::require_utf8(type, "X-Amz-Invocation-Type");
    throw ApiError::invalid_parameter("X-Amz-Invocation-Type must be RequestResponse, Event or "
                                      "DryRun, got '" + type + "'");
  }
  // Lambda's payload limits: 6 MB for a synchronous invocation, 256 KB for an asynchronous one.
  const std::size_t payload_limit = type == "Event" ? kMaxEventPayloadBytes : kMaxSyncPayloadBytes;
  if (req.body.size() > payload_limit) {
    throw ApiError("RequestTooLargeException", 413,
                   "Request must be smaller than " + std::to_string(payload_limit) +
                       " bytes for the " + type + " invocation type");
  }
  auto [name, path_qualifier] = split_function_name(function_name);
  const std::string qualifier =
      query_string(q, "Qualifier").value_or(path_qualifier.value_or("$LATEST"));
  auto fn = registry.lookup(name);
  if (!fn) throw ApiError::not_found("Function not found: " + function_name);
  res.set_header("X-Amz-Executed-Version", qualifier);
  if (type == "DryRun") {
    res.status = 204;
    return;
  }
  const std::string payload = req.body.empty() ? "{}" : req.body;
  // As Lambda, the payload must be JSON (parsing also proves it UTF-8).
  if (!Json::accept(payload)) {
    throw ApiError("InvalidRequestContentException", 400,
                   "Could not parse request body into json: the Invoke payload must be a JSON "
                   "document");
  }
  if (!fn->is_durable()) {
    // A plain function has no execution: run it here, as Lambda runs an on-demand function.
    try {
      std::string result = fn->plain(payload);
      res.status = type == "Event" ? 202 : 200;
      if (type != "Event") res.set_content(result.empty() ? "null" : result, kJson);
    } catch (const std::exception& e) {
      res.status = type == "Event" ? 202 : 200;
      if (type != "Event") {
        res.set_header("X-Amz-Function-Error", "Unhandled");
        res.set_content(Json{{"errorType", "Error"}, {"errorMessage", e.what()}}.dump(), kJson);
      }
    }
    return;
  }
  StartExecutionRequest start;
  start.function_name = name;
  start.qualifier = qualifier;
  if (req.has_header("X-Amz-Durable-Execution-Name")) {
    start.execution_name = req.get_header_value("X-Amz-Durable-Execution-Name");
    http::require_utf8(*start.execution_name, "X-Amz-Durable-Execution-Name");
  }
  // Taken before the execution starts, so a refused Invoke leaves nothing behind.
  std::optional<http::LongPollLimit::Slot> slot;
  if (type != "Event") slot.emplace(long_polls.acquire_or_throw("synchronous Invokes"));
  start.input = payload;
  // A durable function's registered timeout is its DurableConfig ExecutionTimeout.
  if (fn->options.timeout) start.execution_timeout_seconds = fn->options.timeout->count();
  const std::string arn = service.start_execution(start).durable_execution_arn;
  driver.notify();
  res.set_header("X-Amz-Durable-Execution-Arn", arn);
  if (type == "Event") {
    res.status = 202;
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + options.sync_invoke_wait;
  // A client that gave up frees its thread and its long-poll place at once.
  const int connection = http::find_connection_socket(req);
  int polls = 0;
  while (!stopping && std::chrono::steady_clock::now() < deadline) {
    if (connection >= 0 && ++polls % 10 == 0 && http::peer_has_closed(connection)) {
      res.status = 202;
      return;
    }
    auto execution = service.get_execution(GetDurableExecutionRequest{arn});
    if (is_terminal(execution.status)) {
      res.status = 200;
      if (execution.status == ExecutionStatus::Succeeded) {
        res.set_content(execution.result.value_or("null"), kJson);
      } else {
        const ErrorObject error = execution.error.value_or(ErrorObject{});
        res.set_header("X-Amz-Function-Error", "Unhandled");
        res.set_content(Json{{"errorType", error.error_type.value_or(std::string(
                                               to_string(execution.status)))},
                             {"errorMessage", error.error_message.value_or("")}}
                            .dump(),
                        kJson);
      }
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Not finished in time: the caller follows the execution through its ARN.
  res.status = 202;
}

HttpServer::HttpServer(Service& service, FunctionRegistry registry, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(registry), std::move(options))) {
  const HttpServerOptions& o = impl_->options;
  if (o.max_connections == 0 || o.max_long_polls == 0 || o.max_long_polls >= o.max_connections) {
    throw std::invalid_argument(
        "HttpServer: need 0 < max_long_polls < max_connections, got " +
        std::to_string(o.max_long_polls) + " and " + std::to_string(o.max_connections));
  }
  if (o.read_timeout.count() <= 0 || o.write_timeout.count() <= 0 ||
      o.keep_alive_timeout.count() <= 0 || o.listen_backlog <= 0) {
    throw std::invalid_argument("HttpServer: timeouts and the listen backlog must be positive");
  }
  auto& server = impl_->server;
  http::configure_front_end(server,
                            http::FrontEndLimits{o.max_connections, o.keep_alive_timeout,
                                                 o.read_timeout, o.write_timeout, o.max_body_bytes},
                            impl_->listen_fd);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    impl_->handle(req, res);
  };
  const auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
    impl_->handle_with_body(req, res, reader);
  };
  // Every method reaches one router, which reads the raw target: httplib's own path is decoded
  // before splitting, which would break percent-encoded ARNs. Methods that carry bodies read
  // them through a content reader (used whenever a body is announced), so that the cap holds
  // for chunked bodies too.
  const std::string any = R"([\s\S]*)";
  server.Get(any, handler);
  server.Post(any, handler);
  server.Post(any, with_body);
  server.Put(any, handler);
  server.Put(any, with_body);
  server.Delete(any, handler);
  server.Delete(any, with_body);
  server.Patch(any, handler);
  server.Patch(any, with_body);
  server.Options(any, handler);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  if (impl_->started) throw std::logic_error("HttpServer::start: already started");
  const auto& o = impl_->options;
  if (!is_loopback_host(o.host)) {
    spdlog::warn("durable-emulator: {} is not a loopback address and the emulator has no "
                 "authentication: anyone who can reach it can start, read, stop and complete "
                 "executions",
                 o.host);
  }
  int bound = 0;
  if (o.port == 0) {
    bound = impl_->server.bind_to_any_port(o.host);
  } else if (impl_->server.bind_to_port(o.host, o.port)) {
    bound = o.port;
  } else {
    bound = -1;
  }
  if (bound <= 0) {
    throw std::runtime_error("HttpServer: cannot listen on " + o.host + ":" +
                             std::to_string(o.port));
  }
  http::widen_listen_backlog(impl_->listen_fd, o.listen_backlog);
  impl_->port = bound;
  impl_->started = true;
  impl_->stopping = false;
  // The socket already listens after bind, so connections made before the thread runs queue.
  impl_->listener = std::thread([this] { impl_->server.listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs, so a stop() racing a fresh start()
  // would leave the listener running forever; wait for the loop before returning.
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (o.run_driver) impl_->driver.start();
  // Handler processes learn the main port from AWS_ENDPOINT_URL_LAMBDA, so they start now.
  std::lock_guard lock(impl_->runtime_mu);
  impl_->supervisor = std::make_unique<http::Supervisor>(
      o.host, impl_->service.options().region, "http://" + o.host + ":" + std::to_string(bound));
  for (const auto& [name, fn] : impl_->runtime) {
    if (fn->options.command.empty()) continue;
    impl_->supervisor->add(http::SupervisedFunction{name, fn->options.command,
                                                    fn->options.concurrency,
                                                    fn->options.memory_size_mb, fn->queue});
  }
  impl_->supervisor->start();
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::add_runtime_function(const std::string& name,
                                      std::chrono::milliseconds timeout,
                                      std::optional<std::chrono::seconds> execution_timeout) {
  RuntimeFunctionOptions options;
  options.timeout = timeout;
  options.execution_timeout = execution_timeout;
  add_runtime_function(name, std::move(options));
}

void HttpServer::add_runtime_function(const std::string& name, RuntimeFunctionOptions options) {
  if (name.empty()) throw std::invalid_argument("add_runtime_function: the name is empty");
  const std::string where = "add_runtime_function(\"" + name + "\"): ";
  // Lambda's function-name rule; the name also goes into ARNs and the processes' environment.
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
  if (!valid_chars || name.size() > 64) {
    throw std::invalid_argument(where + "a function name is 1 to 64 characters of "
                                        "[a-zA-Z0-9-_]");
  }
  if (options.timeout <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument(where + "the timeout must be > 0");
  }
  const auto& execution_timeout = options.execution_timeout;
  if (execution_timeout &&
      (execution_timeout->count() < 1 || execution_timeout->count() > 31622400)) {
    throw std::invalid_argument(where + "the execution timeout must be 1..31622400 s, got " +
                                std::to_string(execution_timeout->count()));
  }
  if (options.concurrency < 1 || options.concurrency > 1000) {
    throw std::invalid_argument(where + "the concurrency must be 1..1000, got " +
                                std::to_string(options.concurrency));
  }
  if (options.memory_size_mb < 128 || options.memory_size_mb > 10240) {
    throw std::invalid_argument(where + "the memory size must be 128..10240 MB, got " +
                                std::to_string(options.memory_size_mb));
  }
  auto fn = std::make_shared<RuntimeFunction>();
  fn->queue = std::make_shared<http::RuntimeQueue>(name, options.timeout);
  fn->options = options;
  {
    std::lock_guard lock(impl_->runtime_mu);
    for (const auto& entry : impl_->runtime) {
      if (entry.first == name) {
        throw std::invalid_argument(where + "already a runtime function of this server");
      }
    }
    fn->endpoint = std::make_unique<http::RuntimeEndpoint>(fn->queue, http::kAnonymousSandbox,
                                                           impl_->options.host, 64);
    impl_->runtime.emplace_back(name, fn);
    if (!options.command.empty() && impl_->supervisor) {
      impl_->supervisor->add(http::SupervisedFunction{name, options.command, options.concurrency,
                                                      options.memory_size_mb, fn->queue});
    }
  }
  // The dispatcher hands invocations to the queue without a thread; the registry keeps a
  // blocking form of the same function for callers that drive the Service themselves.
  impl_->driver.route(name, [queue = fn->queue](const PendingInvocation& pending,
                                                 Dispatcher::Completion done) {
    queue->submit(pending.input, std::move(done));
  });
  FunctionOptions registration;
  registration.timeout = execution_timeout;
  std::weak_ptr<http::RuntimeQueue> weak = fn->queue;
  impl_->registry.register_durable_function(
      name,
      [weak, name](const DurableExecutionInvocationInput& input) {
        const auto queue = weak.lock();
        if (!queue) {
          throw std::runtime_error("runtime function '" + name +
                                   "': the HttpServer that served its Runtime API is gone");
        }
        auto promise = std::make_shared<std::promise<InvocationOutcome>>();
        auto future = promise->get_future();
        queue->submit(input, [promise](InvocationOutcome outcome) {
          promise->set_value(std::move(outcome));
        });
        InvocationOutcome outcome = future.get();
        if (outcome.error) {
          throw std::runtime_error(outcome.error->error_message.value_or(
              outcome.error->error_type.value_or("the runtime invocation failed")));
        }
        return std::move(*outcome.output);
      },
      registration);
}

int HttpServer::runtime_api_port(const std::string& name) const {
  std::lock_guard lock(impl_->runtime_mu);
  for (const auto& [n, fn] : impl_->runtime) {
    if (n == name) return fn->endpoint->port();
  }
  throw std::out_of_range("'" + name + "' is not a runtime function of this server");
}

std::vector<std::string> HttpServer::runtime_function_names() const {
  std::lock_guard lock(impl_->runtime_mu);
  std::vector<std::string> names;
  for (const auto& entry : impl_->runtime) names.push_back(entry.first);
  return names;
}

std::vector<int> HttpServer::runtime_process_ids(const std::string& name) const {
  std::lock_guard lock(impl_->runtime_mu);
  std::vector<int> pids;
  if (!impl_->supervisor) return pids;
  for (pid_t pid : impl_->supervisor->process_ids(name)) pids.push_back(static_cast<int>(pid));
  return pids;
}

std::vector<std::string> HttpServer::runtime_init_errors() const {
  std::vector<std::shared_ptr<http::RuntimeQueue>> queues;
  {
    std::lock_guard lock(impl_->runtime_mu);
    for (const auto& entry : impl_->runtime) queues.push_back(entry.second->queue);
  }
  std::vector<std::string> errors;
  for (const auto& queue : queues) {
    for (auto& e : queue->init_errors()) errors.push_back(std::move(e));
  }
  return errors;
}

void HttpServer::stop() {
  if (!impl_ || !impl_->started) return;
  impl_->stopping = true;
  std::vector<std::shared_ptr<RuntimeFunction>> functions;
  std::unique_ptr<http::Supervisor> supervisor;
  {
    std::lock_guard lock(impl_->runtime_mu);
    for (const auto& entry : impl_->runtime) functions.push_back(entry.second);
    supervisor = std::move(impl_->supervisor);
  }
  // Pollers get 503 (a runtime then exits by itself) and held invocations fail; then the
  // processes the server started are stopped and reaped.
  for (const auto& fn : functions) fn->queue->shutdown();
  if (supervisor) supervisor->stop();
  for (const auto& fn : functions) fn->endpoint->stop();
  impl_->server.stop();
  // Connections idle in a keep-alive wait would otherwise hold stop() for keep_alive_timeout.
  // Only the read side closes, so a request still in flight can send its answer.
  http::shutdown_connections(impl_->port);
  if (impl_->listener.joinable()) impl_->listener.join();
  impl_->driver.stop();
  impl_->started = false;
}

}  // namespace durable::emulator
