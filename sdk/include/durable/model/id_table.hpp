// IdTable<T, Key>: records keyed by an operation id, kept in insertion order at stable addresses,
// with O(1) lookup by id. The SDK's execution state and the emulator's operation store each keep
// one record per operation of an execution, for executions of tens of thousands of operations:
//   - records live in segments that double in size (16, 32, 64, 128, then 256 records each), so
//     appending never moves one (pointers and references stay valid for the table's lifetime)
//     and a table makes one allocation per 256 records instead of one per record. Segments stay
//     under malloc's mmap threshold, so a table freed at the end of one invocation leaves its
//     memory to the next one instead of handing it back to the kernel (fresh pages cost a page
//     fault each);
//   - the index is open addressing over 8-byte slots (a hash tag and a record number), so a
//     lookup reads one slot and the record, instead of walking a chain of heap nodes; each
//     record's hash is kept, so growing the index never reads an id again.
// `Key::of(const T&)` returns the record's id as a std::string_view into the record itself; it
// must never change once the record is in the table. Records are never removed.
// Not thread-safe: the owner's lock guards it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

namespace durable {

template <class T, class Key>
class IdTable {
 public:
  IdTable() = default;
  IdTable(const IdTable&) = delete;
  IdTable& operator=(const IdTable&) = delete;
  // A moved table keeps its records where they are; the moved-from table is empty.
  IdTable(IdTable&& other) noexcept
      : segments_(std::exchange(other.segments_, {})),
        size_(std::exchange(other.size_, 0)),
        slots_(std::exchange(other.slots_, {})),
        hashes_(std::exchange(other.hashes_, {})) {}
  IdTable& operator=(IdTable&& other) noexcept {
    if (this != &other) {
      release();
      segments_ = std::exchange(other.segments_, {});
      size_ = std::exchange(other.size_, 0);
      slots_ = std::exchange(other.slots_, {});
      hashes_ = std::exchange(other.hashes_, {});
    }
    return *this;
  }
  ~IdTable() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The record at position `index` (0-based insertion order); index < size().
  T& operator[](std::size_t index) {
    const auto [k, offset] = locate(index);
    return segments_[k][offset];
  }
  const T& operator[](std::size_t index) const {
    const auto [k, offset] = locate(index);
    return segments_[k][offset];
  }

  // The hash find() and push_back() use for `id`: computing it once lets a caller look an id up
  // and then insert it without hashing it twice.
  static std::size_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

  // The record whose id is `id`, or null. `h` must be hash(id).
  T* find(std::string_view id) { return find(id, hash(id)); }
  const T* find(std::string_view id) const { return find(id, hash(id)); }
  T* find(std::string_view id, std::size_t h) {
    const std::size_t at = slot_of(id, h);
    return at == kNone ? nullptr : &(*this)[slots_[at].record - 1];
  }
  const T* find(std::string_view id, std::size_t h) const {
    const std::size_t at = slot_of(id, h);
    return at == kNone ? nullptr : &(*this)[slots_[at].record - 1];
  }

  // Makes room in the index for `n` records in all, so that inserting up to n rehashes nothing.
  void reserve(std::size_t n) {
    hashes_.reserve(n);
    std::size_t want = kMinSlots;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) rehash(want);
  }

  // Appends `value`, whose id must not be in the table yet (the caller looked it up), and
  // returns it at its final address. `h` must be hash of the id.
  T& push_back(T value) {
    const std::size_t h = hash(Key::of(value));
    return push_back(std::move(value), h);
  }
  T& push_back(T value, std::size_t h) { return emplace_back(h, std::move(value)); }
  // Appends a record built in place from `args` (T(args...), or T{args...} for an aggregate):
  // a large record is then moved once fewer. As push_back: its id must not be in the table yet,
  // and `h` must be hash of it.
  template <class... Args>
  T& emplace_back(std::size_t h, Args&&... args) {
    // Everything that may throw comes before the record is counted, so a failure (bad_alloc, a
    // throwing constructor) leaves the table as it was.
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? kMinSlots : 2 * slots_.size());
    const auto [k, offset] = locate(size_);
    if (k == segments_.size()) {
      segments_.reserve(k + 1);
      segments_.push_back(static_cast<T*>(
          ::operator new(segment_capacity(k) * sizeof(T), std::align_val_t{alignof(T)})));
    }
    hashes_.push_back(h);
    T* record;
    try {
      record = new (segments_[k] + offset) T(std::forward<Args>(args)...);
    } catch (...) {
      hashes_.pop_back();
      throw;
    }
    ++size_;
    insert_slot(h, static_cast<std::uint32_t>(size_));
    return *record;
  }

  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < size_; ++i) fn((*this)[i]);
  }

 private:
  static constexpr std::size_t kFirstSegment = 16;  // a power of two
  static constexpr std::size_t kMinSlots = 32;      // a power of two
  static constexpr std::size_t kNone = ~std::size_t{0};

  struct Slot {
    std::uint32_t tag = 0;     // the hash's high half: most mismatches never read the record
    std::uint32_t record = 0;  // record number + 1; 0 = empty
  };

  // Segments 0..kDoublings-1 hold kFirstSegment << k records, from kFirstSegment * (2^k - 1)
  // on; the later ones kLastSegment records each.
  static constexpr std::size_t kDoublings = 5;
  static constexpr std::size_t kLastSegment = kFirstSegment << (kDoublings - 1);
  static constexpr std::size_t kDoubled = kFirstSegment * ((std::size_t{1} << kDoublings) - 1);
  static std::size_t segment_capacity(std::size_t k) {
    return k < kDoublings ? kFirstSegment << k : kLastSegment;
  }
  static std::pair<std::size_t, std::size_t> locate(std::size_t index) {
    if (index >= kDoubled) {
      const std::size_t rest = index - kDoubled;
      return {kDoublings + rest / kLastSegment, rest % kLastSegment};
    }
    const std::size_t q = index / kFirstSegment + 1;
    const std::size_t k = static_cast<std::size_t>(std::bit_width(q)) - 1;
    return {k, index - kFirstSegment * ((std::size_t{1} << k) - 1)};
  }

  static std::uint32_t tag_of(std::size_t h) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(h) >> 32);
  }

  std::size_t slot_of(std::string_view id, std::size_t h) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t tag = tag_of(h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = h & mask;; at = (at + 1) & mask) {
      const Slot& s = slots_[at];
      if (s.record == 0) return kNone;
      if (s.tag == tag && Key::of((*this)[s.record - 1]) == id) return at;
    }
  }

  void insert_slot(std::size_t h, std::uint32_t record) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t at = h & mask;
    while (slots_[at].record != 0) at = (at + 1) & mask;
    slots_[at] = Slot{tag_of(h), record};
  }

  void rehash(std::size_t count) {
    slots_.assign(count, Slot{});
    for (std::size_t i = 0; i < size_; ++i) insert_slot(hashes_[i], static_cast<std::uint32_t>(i + 1));
  }

  void release() noexcept {
    for (std::size_t i = 0; i < size_; ++i) (*this)[i].~T();
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      ::operator delete(segments_[k], segment_capacity(k) * sizeof(T), std::align_val_t{alignof(T)});
    }
    segments_.clear();
    size_ = 0;
    slots_.clear();
    hashes_.clear();
  }

  std::vector<T*> segments_;
  std::size_t size_ = 0;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  std::vector<std::size_t> hashes_;  // hash of each record's id, by record number
};

}  // namespace durable
