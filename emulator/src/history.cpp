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

std::uint32_t History::identity_of(Event& e) {
  if (!e.id) {
    if (!e.name && !e.sub_type && !e.parent_id) return kNoIdentity;
  } else if (auto it = identity_by_id_.find(*e.id); it != identity_by_id_.end()) {
    const Identity& known = identities_[it->second];
    if (known.name == e.name && known.sub_type == e.sub_type && known.parent_id == e.parent_id) {
      return it->second;
    }
  }
  // New (or, unexpectedly, different from what its id named before): stored as given.
  const auto index = static_cast<std::uint32_t>(identities_.size());
  Identity& added = identities_.emplace_back();
  added.id = std::move(e.id);
  added.name = std::move(e.name);
  added.sub_type = std::move(e.sub_type);
  added.parent_id = std::move(e.parent_id);
  // The first identity seen for an id stays the one later events are compared with.
  if (added.id) identity_by_id_.try_emplace(std::string_view(*added.id), index);
  return index;
}

void History::append(Event e) {
  Stored& stored = events_.emplace_back();
  stored.type = e.event_type;
  stored.at = e.event_timestamp;
  stored.identity = identity_of(e);
  std::visit(
      [&stored](auto& d) {
        using D = std::decay_t<decltype(d)>;
        if constexpr (!std::is_same_v<D, EmptyDetails>) {
          stored.details = std::make_unique<DetailsOf<D>>(std::move(d));
        }
      },
      e.details);
}

Event History::at(std::size_t index) const {
  const Stored& stored = events_[index];
  Event e;
  e.event_type = stored.type;
  e.event_id = static_cast<std::int64_t>(index) + 1;
  e.event_timestamp = stored.at;
  if (stored.identity != kNoIdentity) {
    const Identity& identity = identities_[stored.identity];
    e.id = identity.id;
    e.name = identity.name;
    e.sub_type = identity.sub_type;
    e.parent_id = identity.parent_id;
  }
  if (stored.details) e.details = stored.details->get();
  return e;
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

namespace {
void project_in_place(Event& e, bool include) {
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
}
}  // namespace

Event project_event(const Event& source, bool include) {
  Event e = source;
  project_in_place(e, include);
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
  const std::size_t size = history.size();
  std::size_t limit = resolve_max_items(request.max_items, "MaxItems");
  std::size_t start = 0;
  if (request.marker) {
    auto index = parse_index_marker(*request.marker);
    if (!index || *index > size) throw ApiError::invalid_parameter("Invalid marker");
    start = *index;
  }
  bool include = request.include_execution_data.value_or(true);
  bool reverse = request.reverse_order.value_or(false);
  GetDurableExecutionHistoryResponse out;
  std::size_t end = std::min(size, start + limit);
  out.events.reserve(end - start);
  for (std::size_t i = start; i < end; ++i) {
    Event& e = out.events.emplace_back(history.at(reverse ? size - 1 - i : i));
    project_in_place(e, include);
  }
  if (end < size) out.next_marker = std::to_string(end);
  return out;
}

}  // namespace durable::emulator::detail
