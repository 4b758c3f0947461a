#include "error_conversion.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "durable/errors.hpp"
#include "durable/model/json.hpp"

namespace durable::detail {

std::string unqualified_type_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  std::string name = (status == 0 && demangled) ? demangled.get() : mangled;
  // Drop template arguments, then everything up to the last scope separator, so that
  // "(anonymous namespace)::Foo<int>" and "app::Foo" both become "Foo".
  if (auto lt = name.find('<'); lt != std::string::npos) name.erase(lt);
  if (auto sep = name.rfind("::"); sep != std::string::npos) name.erase(0, sep + 2);
  return name.empty() ? std::string("Error") : name;
}

std::string valid_utf8(std::string text) {
  try {
    (void)Json(text).dump();  // throws on the first invalid byte sequence
    return text;
  } catch (const Json::type_error&) {
    const std::string quoted = Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
    return Json::parse(quoted).get<std::string>();
  }
}

namespace {

// The checkpoint request is JSON: an error text that is not UTF-8 could not be sent at all, and
// the invocation would fail and rerun the step forever. Such bytes become U+FFFD instead.
ErrorObject sanitized(ErrorObject error) {
  if (error.error_type) error.error_type = valid_utf8(std::move(*error.error_type));
  if (error.error_message) error.error_message = valid_utf8(std::move(*error.error_message));
  if (error.error_data) error.error_data = valid_utf8(std::move(*error.error_data));
  if (error.stack_trace) {
    for (auto& line : *error.stack_trace) line = valid_utf8(std::move(line));
  }
  return error;
}

}  // namespace

ErrorObject error_object_from(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const CallableRuntimeError& e) {
    ErrorObject out = e.error_object();
    if (!out.error_type) out.error_type = unqualified_type_name(typeid(e).name());
    if (!out.error_message) out.error_message = e.what();
    return sanitized(std::move(out));
  } catch (const StepInterruptedError& e) {
    return sanitized(ErrorObject{"StepInterruptedError", e.what(), std::nullopt, std::nullopt});
  } catch (const std::exception& e) {
    return sanitized(ErrorObject{unqualified_type_name(typeid(e).name()), e.what(),
                                 std::nullopt, std::nullopt});
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return ErrorObject{type ? unqualified_type_name(type->name()) : std::string("Error"),
                       "Unknown error", std::nullopt, std::nullopt};
  }
}

}  // namespace durable::detail
