#include "plain_function_adapter.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>
#include <utility>

namespace durable::testing::detail {
namespace {

constexpr std::size_t kQuotedPayloadChars = 80;

ErrorObject error(std::string type, std::string message) {
  return ErrorObject{std::move(type), std::move(message), std::nullopt, std::nullopt};
}

// Type name of the exception being handled, for the message about a non-std exception.
std::string current_exception_type() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "unknown";
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(type->name());
}

template <class F>
std::string call_guarded(const std::string& name, F&& call) {
  try {
    return call();
  } catch (const std::exception&) {
    throw;
  } catch (...) {
    throw emulator::FunctionError(
        error("UnknownException", "function \"" + name +
                                      "\" threw an exception that is not a std::exception (" +
                                      current_exception_type() + ")"));
  }
}

}  // namespace

emulator::PlainFunction adapt_json(const std::string& name, PlainHandler fn) {
  return [name, fn = std::move(fn)](const std::string& payload) -> std::string {
    Json parsed = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      std::string quoted = payload.substr(0, kQuotedPayloadChars);
      if (payload.size() > kQuotedPayloadChars) quoted += "...";
      throw emulator::FunctionError(
          error("PayloadNotJson", "function \"" + name + "\" received a payload that is not JSON (" +
                                      quoted +
                                      "); register it with register_raw_function to receive "
                                      "the text as sent"));
    }
    return call_guarded(name, [&] { return fn(parsed).dump(); });
  };
}

emulator::PlainFunction adapt_raw(const std::string& name, RawPlainHandler fn) {
  return [name, fn = std::move(fn)](const std::string& payload) -> std::string {
    return call_guarded(name, [&] { return fn(payload); });
  };
}

}  // namespace durable::testing::detail
