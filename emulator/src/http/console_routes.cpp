#include "http/console_routes.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <tuple>

#include "durable/emulator/console_assets.hpp"
#include "durable/model/api_error.hpp"

namespace durable::emulator::http {
namespace {

constexpr std::int64_t kDefaultListItems = 100;
constexpr std::int64_t kMaxListItems = 1000;

// The console page loads only its own files and talks only to this server; inline scripts and
// styles are refused, so markup that slipped through unescaped still could not run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

void set_page_headers(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

void write_asset(const ConsoleAsset& asset, httplib::Response& res) {
  set_page_headers(res);
  res.status = 200;
  res.set_content(std::string(asset.body), std::string(asset.content_type));
}

double epoch_seconds(Timestamp t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

std::int64_t max_items(const std::multimap<std::string, std::string>& query) {
  const auto it = query.find("MaxItems");
  if (it == query.end()) return kDefaultListItems;
  std::int64_t n = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > kMaxListItems) {
    throw ApiError::invalid_parameter("MaxItems must be an integer between 1 and " +
                                      std::to_string(kMaxListItems) + ", got '" + text + "'");
  }
  return n;
}

Json overview(Service& service, const FunctionRegistry& registry) {
  Json functions = Json::array();
  for (const auto& name : registry.names()) {
    const auto fn = registry.lookup(name);
    functions.push_back(Json{{"Name", name}, {"Durable", fn && fn->is_durable()}});
  }
  return Json{{"Functions", std::move(functions)},
              {"Clock",
               {{"Now", epoch_seconds(service.clock().now())},
                {"Virtual", service.clock().is_virtual()}}}};
}

Json all_executions(const std::multimap<std::string, std::string>& query, Service& service) {
  const std::int64_t limit = max_items(query);
  std::vector<ExecutionStatus> statuses;
  for (auto [it, end] = query.equal_range("Statuses"); it != end; ++it) {
    const auto status = enum_from_string<ExecutionStatus>(it->second);
    if (!status) {
      throw ApiError::invalid_parameter("Statuses: unknown execution status '" + it->second + "'");
    }
    statuses.push_back(*status);
  }
  std::optional<std::string> function;
  if (const auto it = query.find("FunctionName"); it != query.end() && !it->second.empty()) {
    function = it->second;
  }
  auto list = service.list_all_executions(function, statuses, static_cast<std::size_t>(limit));
  ListDurableExecutionsByFunctionResponse response;
  response.durable_executions = std::move(list.executions);
  Json body = Json(response);
  body["Truncated"] = list.truncated;
  return body;
}

}  // namespace

bool is_console_path(const std::vector<std::string>& segments) {
  if (segments.empty()) return false;
  return (segments.size() == 1 && segments[0].empty()) || segments[0] == "console";
}

void serve_console(const std::string& method, const std::vector<std::string>& segments,
                   const std::multimap<std::string, std::string>& query, Service& service,
                   const FunctionRegistry& registry, httplib::Response& res) {
  if (method != "GET" && method != "HEAD") {
    throw ApiError("UnknownOperationException", 405,
                   "Method " + method + " is not allowed here; the console's routes take GET");
  }
  const bool page = segments.size() == 1 || (segments.size() == 2 && segments[1].empty());
  if (page) return write_asset(*find_console_asset("index.html"), res);
  if (segments.size() == 3 && segments[1] == "api") {
    res.set_header("Cache-Control", "no-store");
    res.status = 200;
    if (segments[2] == "overview") {
      return res.set_content(overview(service, registry).dump(), "application/json");
    }
    if (segments[2] == "executions") {
      return res.set_content(all_executions(query, service).dump(), "application/json");
    }
  }
  if (segments.size() == 2) {
    if (const auto asset = find_console_asset(segments[1])) return write_asset(*asset, res);
  }
  std::string path;
  for (const auto& s : segments) path += "/" + s;
  throw ApiError::not_found("The console has no " + path);
}

}  // namespace durable::emulator::http
