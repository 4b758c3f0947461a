#include "error_conversion.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "durable/errors.hpp"

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

ErrorObject error_object_from(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const CallableRuntimeError& e) {
    ErrorObject out = e.error_object();
    if (!out.error_type) out.error_type = unqualified_type_name(typeid(e).name());
    if (!out.error_message) out.error_message = e.what();
    return out;
  } catch (const StepInterruptedError& e) {
    return ErrorObject{"StepInterruptedError", e.what(), std::nullopt, std::nullopt};
  } catch (const std::exception& e) {
    return ErrorObject{unqualified_type_name(typeid(e).name()), e.what(), std::nullopt,
                       std::nullopt};
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return ErrorObject{type ? unqualified_type_name(type->name()) : std::string("Error"),
                       "Unknown error", std::nullopt, std::nullopt};
  }
}

}  // namespace durable::detail
