#include "durable/testing/test_result.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <ostream>
#include <stdexcept>

#include "durable/emulator/service.hpp"
#include "durable/model/api.hpp"
#include "timeline.hpp"
#include "timeline_html.hpp"

namespace durable::testing {

struct TestResult::State {
  Snapshot snapshot;
  std::shared_ptr<const std::vector<Operation>> operations;
  std::shared_ptr<const OperationObservations> observed;
  std::shared_ptr<emulator::Service> service;
  // Set for deferred observations: made into `observed` on first use.
  std::function<std::shared_ptr<const OperationObservations>()> make_observed;
  std::once_flag observed_once;

  const std::shared_ptr<const OperationObservations>& observations() {
    if (make_observed) {
      std::call_once(observed_once, [this] {
        if (auto made = make_observed()) observed = std::move(made);
      });
    }
    return observed;
  }

  // The history is read on first use: most tests never look at it, and rebuilding it for every
  // run would be the largest per-run cost.
  std::once_flag history_once;
  std::vector<Event> history;
  bool history_given = false;  // set at construction; then no emulator is needed

  void load_history() {
    std::call_once(history_once, [this] {
      if (history_given) return;
      if (!service) throw std::logic_error("TestResult: no emulator to read the history from");
      std::vector<Event> events;
      GetDurableExecutionHistoryRequest request;
      request.durable_execution_arn = snapshot.execution_arn;
      request.include_execution_data = true;
      request.max_items = 1000;
      for (;;) {
        auto page = service->get_history(request);
        for (auto& e : page.events) events.push_back(std::move(e));
        if (!page.next_marker || page.next_marker->empty()) break;
        request.marker = page.next_marker;
      }
      history = std::move(events);
    });
  }
};

namespace {

std::string list_names(const std::vector<Operation>& ops) {
  std::string out;
  for (const auto& op : ops) {
    if (!out.empty()) out += ", ";
    out += std::string(to_string(op.type)) + " \"" + op.name.value_or("") + "\"";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

TestResult::TestResult(Snapshot snapshot, std::shared_ptr<emulator::Service> service)
    : state_(std::make_shared<State>()) {
  state_->operations =
      std::make_shared<const std::vector<Operation>>(std::move(snapshot.operations));
  snapshot.operations.clear();
  state_->observed = std::make_shared<const OperationObservations>(std::move(snapshot.observed));
  snapshot.observed = {};
  state_->snapshot = std::move(snapshot);
  state_->service = std::move(service);
}

TestResult::TestResult(Snapshot snapshot, std::shared_ptr<const OperationObservations> observed,
                       std::shared_ptr<emulator::Service> service)
    : TestResult(std::move(snapshot), std::move(service)) {
  if (observed) state_->observed = std::move(observed);
}

TestResult::TestResult(Snapshot snapshot, DeferredObservations observations,
                       std::shared_ptr<emulator::Service> service)
    : TestResult(std::move(snapshot), std::move(service)) {
  state_->make_observed = std::move(observations.make);
}

TestResult::TestResult(Snapshot snapshot, std::vector<Event> history)
    : TestResult(std::move(snapshot), std::shared_ptr<emulator::Service>()) {
  state_->history = std::move(history);
  state_->history_given = true;
}

const std::string& TestResult::execution_arn() const { return state_->snapshot.execution_arn; }
ExecutionStatus TestResult::status() const {
  return state_->snapshot.status;
}
ExecutionStatus TestResult::execution_status() const { return state_->snapshot.status; }

Json TestResult::result() const {
  const auto& payload = state_->snapshot.result;
  if (!payload || payload->empty()) return nullptr;
  Json parsed = Json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    throw std::runtime_error("TestResult::result(): the execution's result is not JSON: " +
                             payload->substr(0, 200));
  }
  return parsed;
}

const std::optional<std::string>& TestResult::result_payload() const {
  return state_->snapshot.result;
}
const std::optional<ErrorObject>& TestResult::error() const { return state_->snapshot.error; }
Timestamp TestResult::start_timestamp() const { return state_->snapshot.start_timestamp; }
std::optional<Timestamp> TestResult::end_timestamp() const {
  return state_->snapshot.end_timestamp;
}

std::vector<TestOperation> TestResult::operations() const {
  std::vector<TestOperation> out;
  out.reserve(state_->operations->size());
  for (std::size_t i = 0; i < state_->operations->size(); ++i) {
    out.emplace_back(state_->operations, i, state_->observations());
  }
  return out;
}

std::vector<TestOperation> TestResult::operations(OperationType type) const {
  std::vector<TestOperation> out;
  for (std::size_t i = 0; i < state_->operations->size(); ++i) {
    if ((*state_->operations)[i].type == type) out.emplace_back(state_->operations, i, state_->observations());
  }
  return out;
}

std::vector<TestOperation> TestResult::operations(OperationStatus status) const {
  std::vector<TestOperation> out;
  for (std::size_t i = 0; i < state_->operations->size(); ++i) {
    if ((*state_->operations)[i].status == status) out.emplace_back(state_->operations, i, state_->observations());
  }
  return out;
}

std::size_t TestResult::operation_count() const { return state_->operations->size(); }

std::optional<TestOperation> TestResult::find_operation(const std::string& name,
                                                        std::size_t occurrence) const {
  const auto& ops = *state_->operations;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].name && *ops[i].name == name) {
      if (seen == occurrence) return TestOperation(state_->operations, i, state_->observations());
      ++seen;
    }
  }
  return std::nullopt;
}

TestOperation TestResult::operation(const std::string& name, std::size_t occurrence) const {
  if (auto found = find_operation(name, occurrence)) return *found;
  throw std::out_of_range("TestResult: no operation named \"" + name + "\" (occurrence " +
                          std::to_string(occurrence) + "); operations: " +
                          list_names(*state_->operations));
}

TestOperation TestResult::operation_at(std::size_t index) const {
  if (index >= state_->operations->size()) {
    throw std::out_of_range("TestResult: operation index " + std::to_string(index) +
                            " is out of range (the execution has " +
                            std::to_string(state_->operations->size()) + " operations)");
  }
  return TestOperation(state_->operations, index, state_->observations());
}

TestOperation TestResult::operation_by_id(const std::string& id) const {
  const auto& ops = *state_->operations;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].id == id) return TestOperation(state_->operations, i, state_->observations());
  }
  throw std::out_of_range("TestResult: no operation with id \"" + id + "\"");
}

template <class View>
View TestResult::typed(OperationType type, const std::string& name,
                       std::size_t occurrence) const {
  const auto& ops = *state_->operations;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].type == type && ops[i].name && *ops[i].name == name) {
      if (seen == occurrence) return View(TestOperation(state_->operations, i, state_->observations()));
      ++seen;
    }
  }
  throw std::out_of_range("TestResult: no " + std::string(to_string(type)) + " operation named \"" +
                          name + "\" (occurrence " + std::to_string(occurrence) + ", found " +
                          std::to_string(seen) + "); operations: " + list_names(ops));
}

StepOperation TestResult::get_step(const std::string& name, std::size_t occurrence) const {
  return typed<StepOperation>(OperationType::Step, name, occurrence);
}
WaitOperation TestResult::get_wait(const std::string& name, std::size_t occurrence) const {
  return typed<WaitOperation>(OperationType::Wait, name, occurrence);
}
ContextOperation TestResult::get_context(const std::string& name, std::size_t occurrence) const {
  return typed<ContextOperation>(OperationType::Context, name, occurrence);
}
CallbackOperation TestResult::get_callback(const std::string& name,
                                           std::size_t occurrence) const {
  return typed<CallbackOperation>(OperationType::Callback, name, occurrence);
}
InvokeOperation TestResult::get_invoke(const std::string& name, std::size_t occurrence) const {
  return typed<InvokeOperation>(OperationType::ChainedInvoke, name, occurrence);
}

const std::vector<Event>& TestResult::history() const {
  state_->load_history();
  return state_->history;
}

Json TestResult::history_json() const {
  GetDurableExecutionHistoryResponse response;
  response.events = history();
  Json body;
  to_json(body, response);
  return body;
}

const std::vector<InvocationRecord>& TestResult::invocations() const {
  return state_->snapshot.invocations;
}
std::size_t TestResult::invocation_count() const { return state_->snapshot.invocations.size(); }

std::size_t TestResult::checkpoint_request_count() const {
  std::size_t total = 0;
  for (const auto& invocation : state_->snapshot.invocations)
    total += invocation.checkpoint_requests;
  return total;
}

const OperationObservations& TestResult::observations() const { return *state_->observations(); }

std::size_t TestResult::step_runs(const std::string& name, std::size_t occurrence) const {
  try {
    return get_step(name, occurrence).body_runs();
  } catch (const std::out_of_range&) {
    // The step may have run without ever being recorded (its checkpoints lost in crashes).
    std::size_t seen = 0;
    for (const auto& [id, step_name] : state_->observations()->step_names) {
      if (step_name != name) continue;
      if (seen++ == occurrence) return state_->observations()->step_runs.at(id);
    }
    throw;
  }
}
const std::vector<std::string>& TestResult::logs() const { return state_->snapshot.logs; }

std::vector<Json> TestResult::log_entries() const {
  std::vector<Json> out;
  out.reserve(state_->snapshot.logs.size());
  for (const auto& line : state_->snapshot.logs) {
    Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    out.push_back(parsed.is_discarded() ? Json(line) : std::move(parsed));
  }
  return out;
}

std::string TestResult::timeline() const {
  return detail::render_timeline(state_->snapshot, history());
}

std::string TestResult::timeline_html() const {
  const bool virtual_clock = state_->service && state_->service->clock().is_virtual();
  return detail::render_timeline_html(state_->snapshot, history(), virtual_clock);
}

void TestResult::write_timeline_html(const std::string& path) const {
  const std::string html = timeline_html();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(html.data(), static_cast<std::streamsize>(html.size()));
  out.close();
  if (!out) {
    throw std::runtime_error("write_timeline_html: cannot write " + path + ": " +
                             std::strerror(errno));
  }
}

std::ostream& operator<<(std::ostream& os, const TestResult& result) {
  os << result.status();
  if (const auto& payload = result.result_payload()) os << " result " << *payload;
  if (const auto error = result.error()) os << " error " << *error;
  return os << "\n" << result.timeline();
}

}  // namespace durable::testing
