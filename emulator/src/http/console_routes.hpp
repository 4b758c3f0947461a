// The web console's routes on the emulator's main port: the page at "/", its static files under
// "/console/" (embedded at build time, see durable/emulator/console_assets.hpp), and two
// read-only JSON endpoints the page needs beyond the Lambda API it otherwise uses:
//   GET /console/api/overview    {"Functions":[{"Name","Durable"}], "Clock":{"Now","Virtual"}}
//   GET /console/api/executions  ?FunctionName=&Statuses=(repeatable)&MaxItems=1..1000 (100)
//       {"DurableExecutions":[ExecutionSummary, newest first], "Truncated": bool}
//       the executions of every function and qualifier at once, or of every qualifier of
//       FunctionName (Service::list_all_executions); Statuses are checked as
//       ListDurableExecutionsByFunction checks them.
// Nothing here changes state: the console's actions go through the API routes themselves.
#pragma once

#include <httplib.h>

#include <map>
#include <string>
#include <vector>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator::http {

// True for the paths above ("/", "/console", "/console/...") given as split_path segments.
bool is_console_path(const std::vector<std::string>& segments);

// Answers a console path. Throws ApiError: 405 UnknownOperationException for a method other than
// GET, 404 ResourceNotFoundException for an unknown file or endpoint, 400
// InvalidParameterValueException for a bad query parameter (naming it). Any request thread.
void serve_console(const std::string& method, const std::vector<std::string>& segments,
                   const std::multimap<std::string, std::string>& query, Service& service,
                   const FunctionRegistry& registry, httplib::Response& res);

}  // namespace durable::emulator::http
