#include "plain_call.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include "durable/model/json.hpp"
#include "make_error.hpp"

namespace durable::emulator::detail {
namespace {

constexpr std::size_t kQuotedResultChars = 80;

}  // namespace

std::string exception_type_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  std::string name = status == 0 && demangled ? std::string(demangled.get()) : std::string(mangled);
  // Strip the namespaces of the outermost name only: "ns::Err<ns::X>" → "Err<ns::X>".
  std::size_t depth = 0;
  std::size_t cut = 0;
  for (std::size_t i = 0; i + 1 < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>' && depth > 0) --depth;
    if (depth == 0 && name[i] == ':' && name[i + 1] == ':') cut = i + 2;
  }
  return name.substr(cut);
}

PlainCallOutcome call_plain_function(const PlainFunction& fn, const std::string& function_name,
                                     const std::string& payload) {
  PlainCallOutcome out;
  std::string result;
  try {
    result = fn(payload);
  } catch (const FunctionError& e) {
    out.error = e.error();
    return out;
  } catch (const std::exception& e) {
    out.error = make_error(exception_type_name(typeid(e).name()), e.what());
    return out;
  } catch (...) {
    out.error = make_error("UnknownException", "Function " + function_name +
                                                   " threw an exception that is not a "
                                                   "std::exception");
    return out;
  }
  if (result.empty()) result = "null";
  if (!Json::accept(result)) {
    std::string quoted = result.substr(0, kQuotedResultChars);
    if (result.size() > kQuotedResultChars) quoted += "...";
    out.error = make_error("Runtime.InvalidResponse",
                           "Function " + function_name + " returned a result that is not JSON: " +
                               quoted);
    return out;
  }
  out.result = std::move(result);
  return out;
}

}  // namespace durable::emulator::detail
