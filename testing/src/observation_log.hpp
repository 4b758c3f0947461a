// ObservationLog: what a DurableRunner saw at the checkpoint seam for one execution, in the
// compact form it is recorded in while the execution runs (one BodyRun entry per end of a step
// body run), and its conversion into the OperationObservations a TestResult hands to tests.
// Internal to durable::testing; not installed. Not synchronized: the runner guards a log that
// is still growing with its observe mutex, and shares it read-only once a TestResult holds it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "durable/testing/operation_observations.hpp"

namespace durable::testing::detail {

// One end of a step body run as the runner records it: the step's id and name. An id made by
// the SDK (64 lowercase hex characters) is kept as its 32 bytes; any other id, and the name, are
// kept in the log's shared text (`ObservationLog::text`), so an entry is 44 bytes and no heap
// string (a long execution records one per step).
class BodyRun {
 public:
  // Appends what the entry does not hold itself to `text`.
  BodyRun(std::string_view id, std::string_view name, std::string& text)
      : text_at_(static_cast<std::uint32_t>(text.size())),
        name_size_(static_cast<std::uint32_t>(name.size())) {
    if (pack(id)) {
      id_size_ = kPacked;
    } else {
      id_size_ = static_cast<std::uint32_t>(id.size());
      text.append(id);
    }
    text.append(name);
  }
  std::string id(const std::string& text) const {
    if (id_size_ != kPacked) return text.substr(text_at_, id_size_);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(2 * packed_.size(), '0');
    for (std::size_t i = 0; i < packed_.size(); ++i) {
      out[2 * i] = kHex[packed_[i] >> 4];
      out[2 * i + 1] = kHex[packed_[i] & 15];
    }
    return out;
  }
  std::string name(const std::string& text) const {
    return text.substr(text_at_ + (id_size_ == kPacked ? 0 : id_size_), name_size_);
  }

 private:
  static constexpr std::uint32_t kPacked = 0xffffffffU;
  // Packs `id` into packed_ in one pass if it is 64 lowercase hex digits (upper case is not the
  // SDK's spelling); returns false, packed_ unspecified, otherwise.
  bool pack(std::string_view id) {
    // 0..15 for a lowercase hex digit, 16 (an invalid bit) for any other byte.
    static constexpr auto kNibble = [] {
      std::array<unsigned char, 256> table{};
      table.fill(16);
      for (unsigned char d = 0; d < 10; ++d) table['0' + d] = d;
      for (unsigned char d = 0; d < 6; ++d) table['a' + d] = static_cast<unsigned char>(10 + d);
      return table;
    }();
    if (id.size() != 2 * packed_.size()) return false;
    unsigned invalid = 0;
    for (std::size_t i = 0; i < packed_.size(); ++i) {
      const unsigned hi = kNibble[static_cast<unsigned char>(id[2 * i])];
      const unsigned lo = kNibble[static_cast<unsigned char>(id[2 * i + 1])];
      invalid |= hi | lo;
      packed_[i] = static_cast<unsigned char>((hi << 4) | (lo & 15));
    }
    return (invalid & 16) == 0;
  }
  std::array<unsigned char, 32> packed_{};
  std::uint32_t text_at_ = 0;    // where this entry's id (unless packed) and name start in text
  std::uint32_t id_size_ = 0;    // kPacked: the id is packed_
  std::uint32_t name_size_ = 0;
};

// What the runner saw at the checkpoint seam for one execution, in the form it is recorded in:
// every end of a step body run as one entry, so a step costs one entry and no lookup. A
// TestResult turns it into OperationObservations only if a test reads them (materialize).
struct ObservationLog {
  std::map<std::string, OperationObservations::InvokeStart> invoke_starts;
  std::map<std::string, std::size_t> at_most_once_starts;
  // deque: grows without copying what it holds, and without a vector's spare capacity.
  std::deque<BodyRun> body_runs;
  std::string text;  // the body runs' names and unpacked ids

  void add_body_run(std::string_view id, std::string_view name) {
    body_runs.emplace_back(id, name, text);
  }

  // The observations a test reads: step_runs counts each id's body runs, step_names lists each
  // id once with its name, in the order of its first run.
  OperationObservations materialize() const {
    OperationObservations out;
    out.invoke_starts = invoke_starts;
    out.at_most_once_starts = at_most_once_starts;
    for (const auto& run : body_runs) {
      std::string id = run.id(text);
      if (out.step_runs[id]++ == 0) out.step_names.emplace_back(std::move(id), run.name(text));
    }
    return out;
  }
};

}  // namespace durable::testing::detail
