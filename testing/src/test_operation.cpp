#include "durable/testing/test_operation.hpp"

#include <cmath>
#include <ostream>
#include <string>

namespace durable::testing {
namespace {

std::string describe(const Operation& op) {
  std::string text(to_string(op.type));
  text += " operation \"" + op.name.value_or("") + "\" (id " + op.id + ")";
  return text;
}

}  // namespace

TestOperation::TestOperation(std::shared_ptr<const std::vector<Operation>> all, std::size_t index)
    : all_(std::move(all)), index_(index) {
  if (!all_ || index_ >= all_->size()) {
    throw std::out_of_range("TestOperation: index " + std::to_string(index_) +
                            " is past the end of the operation list (size " +
                            std::to_string(all_ ? all_->size() : 0) + ")");
  }
}

TestOperation::TestOperation(std::shared_ptr<const std::vector<Operation>> all, std::size_t index,
                             std::shared_ptr<const OperationObservations> observed)
    : TestOperation(std::move(all), index) {
  observed_ = std::move(observed);
}

std::vector<TestOperation> TestOperation::children() const {
  std::vector<TestOperation> out;
  for (std::size_t i = 0; i < all_->size(); ++i) {
    const auto& candidate = (*all_)[i];
    if (candidate.parent_id && *candidate.parent_id == op().id) {
      out.emplace_back(all_, i, observed_);
    }
  }
  return out;
}

std::optional<ErrorObject> TestOperation::error() const {
  const Operation& o = op();
  if (o.step_details && o.step_details->error) return o.step_details->error;
  if (o.context_details && o.context_details->error) return o.context_details->error;
  if (o.callback_details && o.callback_details->error) return o.callback_details->error;
  if (o.chained_invoke_details && o.chained_invoke_details->error) {
    return o.chained_invoke_details->error;
  }
  return std::nullopt;
}

void TestOperation::require_type(OperationType expected, const char* view) const {
  if (op().type != expected) {
    throw std::logic_error(std::string(view) + " needs a " + std::string(to_string(expected)) +
                           " operation, but " + describe(op()) + " is a " +
                           std::string(to_string(op().type)));
  }
}

Json TestOperation::parse_payload(const std::optional<std::string>& payload,
                                  const char* what) const {
  if (!payload) {
    throw std::runtime_error(describe(op()) + " has no " + what + " (status " +
                             std::string(to_string(op().status)) + ")");
  }
  Json parsed = Json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw std::runtime_error(describe(op()) + ": the stored " + what + " is not JSON: " +
                             payload->substr(0, 200));
  }
  return parsed;
}

// --- StepOperation ---

StepOperation::StepOperation(const TestOperation& op) : TestOperation(op) {
  require_type(OperationType::Step, "StepOperation");
}

std::int64_t StepOperation::attempts() const {
  return op().step_details ? op().step_details->attempt.value_or(0) : 0;
}

std::optional<Timestamp> StepOperation::next_attempt_timestamp() const {
  return op().step_details ? op().step_details->next_attempt_timestamp : std::nullopt;
}

std::optional<std::string> StepOperation::result_payload() const {
  return op().step_details ? op().step_details->result : std::nullopt;
}

Json StepOperation::result_json() const { return parse_payload(result_payload(), "result"); }

std::optional<ErrorObject> StepOperation::error() const {
  return op().step_details ? op().step_details->error : std::nullopt;
}

std::size_t StepOperation::body_runs() const {
  if (observed() == nullptr) return 0;
  const auto it = observed()->step_runs.find(id());
  return it == observed()->step_runs.end() ? 0 : it->second;
}

// --- WaitOperation ---

WaitOperation::WaitOperation(const TestOperation& op) : TestOperation(op) {
  require_type(OperationType::Wait, "WaitOperation");
}

Timestamp WaitOperation::scheduled_end() const {
  if (!op().wait_details || !op().wait_details->scheduled_end_timestamp) {
    throw std::runtime_error("WAIT operation \"" + name() + "\" (id " + id() +
                             ") has no ScheduledEndTimestamp");
  }
  return *op().wait_details->scheduled_end_timestamp;
}

std::int64_t WaitOperation::duration_seconds() const {
  const auto ms = (scheduled_end() - start_timestamp()).count();
  // The service stores both instants in milliseconds; round so that a start recorded a few
  // milliseconds after the end was computed still yields the requested whole seconds.
  return static_cast<std::int64_t>(std::llround(static_cast<double>(ms) / 1000.0));
}

// --- ContextOperation ---

ContextOperation::ContextOperation(const TestOperation& op) : TestOperation(op) {
  require_type(OperationType::Context, "ContextOperation");
}

std::optional<std::string> ContextOperation::result_payload() const {
  return op().context_details ? op().context_details->result : std::nullopt;
}

Json ContextOperation::result_json() const { return parse_payload(result_payload(), "result"); }

std::optional<ErrorObject> ContextOperation::error() const {
  return op().context_details ? op().context_details->error : std::nullopt;
}

bool ContextOperation::replay_children() const {
  return op().context_details && op().context_details->replay_children.value_or(false);
}

// --- CallbackOperation ---

CallbackOperation::CallbackOperation(const TestOperation& op) : TestOperation(op) {
  require_type(OperationType::Callback, "CallbackOperation");
}

std::string CallbackOperation::callback_id() const {
  return op().callback_details ? op().callback_details->callback_id.value_or("") : "";
}

std::optional<std::string> CallbackOperation::result_payload() const {
  return op().callback_details ? op().callback_details->result : std::nullopt;
}

Json CallbackOperation::result_json() const { return parse_payload(result_payload(), "result"); }

std::optional<ErrorObject> CallbackOperation::error() const {
  return op().callback_details ? op().callback_details->error : std::nullopt;
}

// --- InvokeOperation ---

InvokeOperation::InvokeOperation(const TestOperation& op) : TestOperation(op) {
  require_type(OperationType::ChainedInvoke, "InvokeOperation");
}

const OperationObservations::InvokeStart* InvokeOperation::start_request() const {
  if (observed() == nullptr) return nullptr;
  const auto it = observed()->invoke_starts.find(id());
  return it == observed()->invoke_starts.end() ? nullptr : &it->second;
}

std::string InvokeOperation::function_name() const {
  const auto* start = start_request();
  if (start == nullptr) {
    throw std::runtime_error(describe(op()) +
                             ": its START was not observed by a DurableRunner, so the invoked "
                             "function is unknown (read it from the history instead)");
  }
  return start->function_name;
}

std::optional<std::string> InvokeOperation::tenant_id() const {
  const auto* start = start_request();
  return start ? start->tenant_id : std::nullopt;
}

std::optional<std::string> InvokeOperation::payload() const {
  const auto* start = start_request();
  return start ? start->payload : std::nullopt;
}

Json InvokeOperation::input() const { return parse_payload(payload(), "payload"); }

std::optional<std::string> InvokeOperation::result_payload() const {
  return op().chained_invoke_details ? op().chained_invoke_details->result : std::nullopt;
}

Json InvokeOperation::result_json() const { return parse_payload(result_payload(), "result"); }

std::optional<ErrorObject> InvokeOperation::error() const {
  return op().chained_invoke_details ? op().chained_invoke_details->error : std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const TestOperation& op) {
  os << op.type() << ' ';
  if (op.name().empty()) {
    os << '-';
  } else {
    os << Json(op.name()).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  os << ' ' << op.status() << " (id " << op.id() << ')';
  if (const auto error = op.error()) os << ' ' << *error;
  return os;
}

}  // namespace durable::testing
