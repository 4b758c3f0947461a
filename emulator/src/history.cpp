#include "history.hpp"

#include <type_traits>

#include "durable/model/api_error.hpp"
#include "tokens.hpp"

namespace durable::emulator::detail {
namespace {

constexpr std::size_t kDefaultPageSize = 100;
constexpr std::int64_t kMaxPageSize = 1000;

template <class Wrapper>
void project_wrapper(Wrapper& w, bool include) {
  if (include) {
    w.truncated = false;
  } else {
    w.payload.reset();
    w.truncated = true;
  }
}

template <class Wrapper>
void project_wrapper(std::optional<Wrapper>& w, bool include) {
  if (w) project_wrapper(*w, include);
}

}  // namespace

void History::append(Event e) {
  e.event_id = static_cast<std::int64_t>(events_.size()) + 1;
  events_.push_back(std::move(e));
}

Event make_event(EventType type, Timestamp at, EventDetails details) {
  Event e;
  e.event_type = type;
  e.event_timestamp = at;
  e.details = std::move(details);
  return e;
}

Event make_op_event(EventType type, const Operation& op, Timestamp at, EventDetails details) {
  Event e = make_event(type, at, std::move(details));
  e.id = op.id;
  e.name = op.name;
  e.sub_type = op.sub_type;
  e.parent_id = op.parent_id;
  return e;
}

Event project_event(const Event& source, bool include) {
  Event e = source;
  std::visit(
      [include](auto& d) {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, ExecutionStartedDetails>) {
          project_wrapper(d.input, include);
        } else if constexpr (std::is_same_v<D, ResultDetails> ||
                             std::is_same_v<D, StepSucceededDetails>) {
          project_wrapper(d.result, include);
        } else if constexpr (std::is_same_v<D, ErrorDetails> ||
                             std::is_same_v<D, StepFailedDetails> ||
                             std::is_same_v<D, InvocationCompletedDetails>) {
          project_wrapper(d.error, include);
        } else if constexpr (std::is_same_v<D, ChainedInvokeStartedDetails>) {
          project_wrapper(d.input, include);
        }
      },
      e.details);
  return e;
}

std::size_t resolve_max_items(const std::optional<std::int64_t>& max_items, const char* field) {
  if (!max_items || *max_items == 0) return kDefaultPageSize;
  if (*max_items < 0 || *max_items > kMaxPageSize) {
    throw ApiError::invalid_parameter(std::string(field) + " must be between 0 and 1000, got " +
                                      std::to_string(*max_items) + ".");
  }
  return static_cast<std::size_t>(*max_items);
}

GetDurableExecutionHistoryResponse page_history(const History& history,
                                                const GetDurableExecutionHistoryRequest& request) {
  const auto& events = history.events();
  std::size_t limit = resolve_max_items(request.max_items, "MaxItems");
  std::size_t start = 0;
  if (request.marker) {
    auto index = parse_index_marker(*request.marker);
    if (!index || *index > events.size()) throw ApiError::invalid_parameter("Invalid marker");
    start = *index;
  }
  bool include = request.include_execution_data.value_or(true);
  bool reverse = request.reverse_order.value_or(false);
  GetDurableExecutionHistoryResponse out;
  std::size_t end = std::min(events.size(), start + limit);
  out.events.reserve(end - start);
  for (std::size_t i = start; i < end; ++i) {
    const Event& e = reverse ? events[events.size() - 1 - i] : events[i];
    out.events.push_back(project_event(e, include));
  }
  if (end < events.size()) out.next_marker = std::to_string(end);
  return out;
}

}  // namespace durable::emulator::detail
