#include "durable/model/operation_update.hpp"

#include <array>
#include <cstdint>

#include "model/json_fields.hpp"

namespace durable {

using namespace detail;

void to_json(Json& j, const OperationUpdate& u) {
  j = Json::object();
  j["Id"] = u.id;
  put_opt(j, "ParentId", u.parent_id);
  put_opt(j, "Name", u.name);
  j["Type"] = to_string(u.type);
  put_opt(j, "SubType", u.sub_type);
  j["Action"] = to_string(u.action);
  put_opt(j, "Payload", u.payload);
  if (u.error) j["Error"] = *u.error;
  if (u.context_options) {
    Json o = Json::object();
    put_opt(o, "ReplayChildren", u.context_options->replay_children);
    j["ContextOptions"] = std::move(o);
  }
  if (u.step_options) {
    Json o = Json::object();
    put_opt(o, "NextAttemptDelaySeconds", u.step_options->next_attempt_delay_seconds);
    j["StepOptions"] = std::move(o);
  }
  if (u.wait_options) {
    Json o = Json::object();
    put_opt(o, "WaitSeconds", u.wait_options->wait_seconds);
    j["WaitOptions"] = std::move(o);
  }
  if (u.callback_options) {
    Json o = Json::object();
    put_opt(o, "TimeoutSeconds", u.callback_options->timeout_seconds);
    put_opt(o, "HeartbeatTimeoutSeconds", u.callback_options->heartbeat_timeout_seconds);
    j["CallbackOptions"] = std::move(o);
  }
  if (u.chained_invoke_options) {
    Json o = Json::object();
    o["FunctionName"] = u.chained_invoke_options->function_name;
    put_opt(o, "TenantId", u.chained_invoke_options->tenant_id);
    j["ChainedInvokeOptions"] = std::move(o);
  }
}

namespace {

// Extra bytes nlohmann's dump spends escaping each byte: \" \\ \b \f \n \r \t take 2, other
// control characters \u00XX 6. A table, since every queued update is measured.
constexpr std::array<std::uint8_t, 256> kEscapeExtra = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 5;
  for (char c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'}) t[static_cast<unsigned char>(c)] = 1;
  return t;
}();

// Bytes of a JSON string literal holding `text`, as nlohmann's dump escapes it.
std::size_t string_size(std::string_view text) {
  std::size_t n = 2 + text.size();
  for (char c : text) n += kEscapeExtra[static_cast<unsigned char>(c)];
  return n;
}

std::size_t int_size(std::int64_t v) {
  std::size_t n = v < 0 ? 2 : 1;
  auto m = v < 0 ? -(v + 1) : v;  // avoids overflow on INT64_MIN; same digit count
  while (m >= 10) {
    m /= 10;
    ++n;
  }
  return n;
}

// Accumulates the members of one JSON object: braces, `"key":`, values and commas.
class ObjectSize {
 public:
  void member(std::string_view key, std::size_t value_size) {
    size_ += (count_++ ? 1 : 0) + key.size() + 3 + value_size;
  }
  template <class T, class F>
  void opt(std::string_view key, const std::optional<T>& v, F&& size_of) {
    if (v) member(key, size_of(*v));
  }
  std::size_t total() const { return size_ + 2; }

 private:
  std::size_t size_ = 0;
  std::size_t count_ = 0;
};

std::size_t error_size(const ErrorObject& e) {
  ObjectSize o;
  o.opt("ErrorType", e.error_type, string_size);
  o.opt("ErrorMessage", e.error_message, string_size);
  o.opt("ErrorData", e.error_data, string_size);
  o.opt("StackTrace", e.stack_trace, [](const std::vector<std::string>& lines) {
    std::size_t n = 2 + (lines.empty() ? 0 : lines.size() - 1);
    for (const auto& l : lines) n += string_size(l);
    return n;
  });
  return o.total();
}

std::size_t bool_size(bool b) { return b ? 4 : 5; }

}  // namespace

std::size_t serialized_size(const OperationUpdate& u) {
  ObjectSize o;
  o.member("Id", string_size(u.id));
  o.opt("ParentId", u.parent_id, string_size);
  o.opt("Name", u.name, string_size);
  o.member("Type", to_string(u.type).size() + 2);
  o.opt("SubType", u.sub_type, string_size);
  o.member("Action", to_string(u.action).size() + 2);
  o.opt("Payload", u.payload, string_size);
  o.opt("Error", u.error, error_size);
  o.opt("ContextOptions", u.context_options, [](const ContextOptions& c) {
    ObjectSize x;
    x.opt("ReplayChildren", c.replay_children, bool_size);
    return x.total();
  });
  o.opt("StepOptions", u.step_options, [](const StepOptions& c) {
    ObjectSize x;
    x.opt("NextAttemptDelaySeconds", c.next_attempt_delay_seconds, int_size);
    return x.total();
  });
  o.opt("WaitOptions", u.wait_options, [](const WaitOptions& c) {
    ObjectSize x;
    x.opt("WaitSeconds", c.wait_seconds, int_size);
    return x.total();
  });
  o.opt("CallbackOptions", u.callback_options, [](const CallbackOptions& c) {
    ObjectSize x;
    x.opt("TimeoutSeconds", c.timeout_seconds, int_size);
    x.opt("HeartbeatTimeoutSeconds", c.heartbeat_timeout_seconds, int_size);
    return x.total();
  });
  o.opt("ChainedInvokeOptions", u.chained_invoke_options, [](const ChainedInvokeOptions& c) {
    ObjectSize x;
    x.member("FunctionName", string_size(c.function_name));
    x.opt("TenantId", c.tenant_id, string_size);
    return x.total();
  });
  return o.total();
}

void from_json(const Json& j, ContextOptions& o) {
  require_object(j, "ContextOptions");
  o.replay_children = read_opt_bool(j, "ReplayChildren");
}
void from_json(const Json& j, StepOptions& o) {
  require_object(j, "StepOptions");
  o.next_attempt_delay_seconds = read_opt_int(j, "NextAttemptDelaySeconds");
}
void from_json(const Json& j, WaitOptions& o) {
  require_object(j, "WaitOptions");
  o.wait_seconds = read_opt_int(j, "WaitSeconds");
}
void from_json(const Json& j, CallbackOptions& o) {
  require_object(j, "CallbackOptions");
  o.timeout_seconds = read_opt_int(j, "TimeoutSeconds");
  o.heartbeat_timeout_seconds = read_opt_int(j, "HeartbeatTimeoutSeconds");
}
void from_json(const Json& j, ChainedInvokeOptions& o) {
  require_object(j, "ChainedInvokeOptions");
  o.function_name = read_string(j, "FunctionName");
  o.tenant_id = read_opt_string(j, "TenantId");
}

void from_json(const Json& j, OperationUpdate& u) {
  require_object(j, "OperationUpdate");
  u.id = read_string(j, "Id");
  u.parent_id = read_opt_string(j, "ParentId");
  u.name = read_opt_string(j, "Name");
  u.type = read_enum<OperationType>(j, "Type");
  u.sub_type = read_opt_string(j, "SubType");
  u.action = read_enum<OperationAction>(j, "Action");
  u.payload = read_opt_string(j, "Payload");
  u.error = read_opt_object<ErrorObject>(j, "Error");
  u.context_options = read_opt_object<ContextOptions>(j, "ContextOptions");
  u.step_options = read_opt_object<StepOptions>(j, "StepOptions");
  u.wait_options = read_opt_object<WaitOptions>(j, "WaitOptions");
  u.callback_options = read_opt_object<CallbackOptions>(j, "CallbackOptions");
  u.chained_invoke_options = read_opt_object<ChainedInvokeOptions>(j, "ChainedInvokeOptions");
}

}  // namespace durable
