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

std::string_view History::Identity::part(std::size_t k) const {
  const std::size_t from = k == 0 ? 0 : ends[k - 1];
  const std::size_t to = k < ends.size() ? ends[k] : text.size();
  return std::string_view(text).substr(from, to - from);
}

std::optional<std::string> History::Identity::get(std::size_t k, std::uint8_t flag) const {
  if ((present & flag) == 0) return std::nullopt;
  return std::string(part(k));
}

namespace {
bool same_part(std::string_view stored, bool present, const std::optional<std::string>& field) {
  return field ? present && stored == *field : !present;
}
}  // namespace

bool History::Identity::same_as(const Event& e) const {
  return same_part(part(0), (present & kId) != 0, e.id) &&
         same_part(part(1), (present & kName) != 0, e.name) &&
         same_part(part(2), (present & kSubType) != 0, e.sub_type) &&
         same_part(part(3), (present & kParentId) != 0, e.parent_id);
}

std::uint32_t History::identity_of(Event& e) {
  if (!e.id && !e.name && !e.sub_type && !e.parent_id) return kNoIdentity;
  if (e.id) {
    if (auto it = identity_by_id_.find(*e.id);
        it != identity_by_id_.end() && identities_[it->second].same_as(e)) {
      return it->second;
    }
  }
  // New (or, unexpectedly, different from what its id named before): stored as given.
  const auto index = static_cast<std::uint32_t>(identities_.size());
  Identity& added = identities_.emplace_back();
  const std::optional<std::string>* fields[] = {&e.id, &e.name, &e.sub_type, &e.parent_id};
  std::size_t size = 0;
  for (const auto* field : fields) size += *field ? (*field)->size() : 0;
  added.text.reserve(size);
  for (std::size_t k = 0; k < 4; ++k) {
    if (*fields[k]) {
      added.present = static_cast<std::uint8_t>(added.present | (1U << k));
      added.text += **fields[k];
    }
    if (k < added.ends.size()) added.ends[k] = static_cast<std::uint32_t>(added.text.size());
  }
  // The first identity seen for an id stays the one later events are compared with. The key
  // views the identity's own text (deque elements never move).
  if (e.id) identity_by_id_.try_emplace(added.part(0), index);
  return index;
}

void History::store_details(Stored& stored, EventDetails& details) {
  std::visit(
      [&stored](auto& d) {
        using D = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<D, StepSucceededDetails>) {
          if (!d.result.truncated && d.retry_details.current_attempt &&
              !d.retry_details.next_attempt_delay_seconds) {
            stored.details = std::make_unique<StepSucceededBox>(std::move(d.result.payload),
                                                                *d.retry_details.current_attempt);
            return;
          }
        }
        if constexpr (!std::is_same_v<D, EmptyDetails>) {
          stored.details = std::make_unique<DetailsOf<D>>(std::move(d));
        }
      },
      details);
}

void History::append(Event e) {
  Stored& stored = events_.emplace_back();
  stored.type = e.event_type;
  stored.at = e.event_timestamp;
  stored.identity = identity_of(e);
  store_details(stored, e.details);
}

void History::append(EventType type, const OpRecord& rec, Timestamp at, EventDetails details) {
  if (ops_ == nullptr || rec.index >= kOperationFlag || rec.index >= ops_->size() ||
      &ops_->at(rec.index) != &rec) {
    // Not a record of this history's store (a history of its own): stored as given.
    append(make_op_event(type, rec.op, at, std::move(details)));
    return;
  }
  Stored& stored = events_.emplace_back();
  stored.type = type;
  stored.at = at;
  stored.identity = kOperationFlag | static_cast<std::uint32_t>(rec.index);
  store_details(stored, details);
}

Event History::at(std::size_t index) const {
  const Stored& stored = events_[index];
  Event e;
  e.event_type = stored.type;
  e.event_id = static_cast<std::int64_t>(index) + 1;
  e.event_timestamp = stored.at;
  if (stored.identity != kNoIdentity && (stored.identity & kOperationFlag) != 0) {
    const Operation& op = ops_->at(stored.identity & ~kOperationFlag).op;
    e.id = op.id;
    e.name = op.name;
    e.sub_type = op.sub_type;
    e.parent_id = op.parent_id;
  } else if (stored.identity != kNoIdentity) {
    const Identity& identity = identities_[stored.identity];
    e.id = identity.get(0, Identity::kId);
    e.name = identity.get(1, Identity::kName);
    e.sub_type = identity.get(2, Identity::kSubType);
    e.parent_id = identity.get(3, Identity::kParentId);
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
