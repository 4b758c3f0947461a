// History: the event log of one execution (PROTOCOL.md §6). Events are appended as transitions
// happen and numbered from 1, so reading the history never rebuilds anything. Not thread-safe:
// the Service's lock guards it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"
#include "operation_store.hpp"

namespace durable::emulator::detail {

class History {
 public:
  // `ops`: the operations of the same execution, which must outlive the history (both live in
  // one ExecutionRecord); null for a history whose events never name a stored operation.
  explicit History(const OperationStore* ops = nullptr) : ops_(ops) {}
  History(const History&) = delete;
  History& operator=(const History&) = delete;

  // Numbers `e` with the next EventId and stores it.
  void append(Event e);
  // Appends an event of operation `rec` (an element of the OperationStore given at
  // construction): its Id, Name, SubType and ParentId are read from `rec` whenever the event is,
  // since an operation's are set when it is created and never change, so the event stores none.
  void append(EventType type, const OpRecord& rec, Timestamp at, EventDetails details);
  std::size_t size() const { return events_.size(); }
  // The event at `index` (0-based; its EventId is index + 1), rebuilt from the compact form.
  Event at(std::size_t index) const;

 private:
  // An operation's Id, Name, SubType and ParentId, stored once for all of its events (they never
  // change after the operation is created; an event that names different ones gets its own).
  // The four are packed into one string, so an identity costs one allocation.
  struct Identity {
    enum : std::uint8_t { kId = 1, kName = 2, kSubType = 4, kParentId = 8 };
    std::string text;                  // id, name, sub_type, parent_id, each absent one empty
    std::array<std::uint32_t, 3> ends{};  // where id, name and sub_type end in `text`
    std::uint8_t present = 0;
    std::string_view part(std::size_t k) const;
    std::optional<std::string> get(std::size_t k, std::uint8_t flag) const;
    bool same_as(const Event& e) const;
  };
  static constexpr std::uint32_t kNoIdentity = 0xffffffffU;
  // Set in Stored::identity when the rest is the index of an operation in *ops_ rather than of
  // an entry of identities_.
  static constexpr std::uint32_t kOperationFlag = 0x80000000U;
  // An event's details, allocated at the size of the alternative it holds (a StepSucceeded's
  // are 80 bytes; the EventDetails variant is sized for its largest alternative).
  struct DetailsBox {
    virtual ~DetailsBox() = default;
    virtual EventDetails get() const = 0;
  };
  template <class T>
  struct DetailsOf final : DetailsBox {
    explicit DetailsOf(T v) : value(std::move(v)) {}
    EventDetails get() const override { return value; }
    T value;
  };
  // StepSucceeded's usual details (a result or none, no Truncated flag, an attempt number, no
  // retry delay) in 56 bytes instead of DetailsOf's 88: every step records one.
  struct StepSucceededBox final : DetailsBox {
    StepSucceededBox(std::optional<std::string> result, std::int64_t current_attempt)
        : has_payload(result.has_value()), attempt(current_attempt) {
      if (result) payload = std::move(*result);
    }
    EventDetails get() const override {
      StepSucceededDetails d;
      if (has_payload) d.result.payload = payload;
      d.retry_details.current_attempt = attempt;
      return d;
    }
    std::string payload;
    bool has_payload;
    std::int64_t attempt;
  };
  // One event as stored: a long execution keeps two or more of these per operation, so they are
  // kept small (a full Event is over 400 bytes, most of them empty optionals and a variant
  // sized for its largest alternative). EmptyDetails, the details of most Started events, take
  // no allocation.
  struct Stored {
    EventType type = EventType::ExecutionStarted;
    std::uint32_t identity = kNoIdentity;
    Timestamp at{};
    std::unique_ptr<DetailsBox> details;
  };
  std::uint32_t identity_of(Event& e);
  void store_details(Stored& stored, EventDetails& details);

  const OperationStore* ops_ = nullptr;
  std::deque<Stored> events_;
  std::deque<Identity> identities_;  // deque: the index below views its elements' ids
  std::unordered_map<std::string_view, std::uint32_t> identity_by_id_;
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
