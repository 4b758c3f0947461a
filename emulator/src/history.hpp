// History: the event log of one execution (PROTOCOL.md §6). Events are appended as transitions
// happen and numbered from 1, so reading the history never rebuilds anything. Not thread-safe:
// the Service's lock guards it.
#pragma once

#include <deque>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"

namespace durable::emulator::detail {

class History {
 public:
  // Numbers `e` with the next EventId and stores it.
  void append(Event e);
  // A deque: a long history grows without copying its events to a larger buffer each time.
  const std::deque<Event>& events() const { return events_; }

 private:
  std::deque<Event> events_;
};

// An execution-level event (no Id/Name/SubType/ParentId).
Event make_event(EventType type, Timestamp at, EventDetails details);
// An operation event: Id, Name, SubType and ParentId are copied from `op`.
Event make_op_event(EventType type, const Operation& op, Timestamp at, EventDetails details);

// `e` as GetDurableExecutionHistory returns it: with IncludeExecutionData every payload wrapper
// carries its payload and Truncated:false; without it the payloads are dropped, Truncated:true.
Event project_event(const Event& e, bool include_execution_data);

// One page of `history` for `request` (MaxItems 0..1000, 0 or absent = 100; Marker = the decimal
// position in the requested order). Throws ApiError 400 for a bad MaxItems or Marker.
GetDurableExecutionHistoryResponse page_history(const History& history,
                                                const GetDurableExecutionHistoryRequest& request);

// Resolves a MaxItems request value: absent or 0 → 100; outside 0..1000 → ApiError 400 naming
// `field`.
std::size_t resolve_max_items(const std::optional<std::int64_t>& max_items, const char* field);

}  // namespace durable::emulator::detail
