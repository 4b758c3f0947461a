// Checks every request passes at the HTTP boundary, before anything reaches the Service: text
// must be UTF-8 (the store keeps strings that later go into JSON documents, so one bad byte
// would break every later History and State answer), bodies are read with a cap whatever their
// transfer encoding, and the number of requests parked in long polls is bounded.
//
// Each check that fails throws ApiError 400 InvalidParameterValueException naming the field,
// except where noted.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

namespace durable::emulator::http {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);
// Throws ApiError 400 InvalidParameterValueException "<field> must be valid UTF-8 ..." when
// `text` is not. The message never quotes the bad text.
void require_utf8(std::string_view text, std::string_view field);

// A request body read through a ContentReader. Bytes past `cap` are read and dropped (so the
// connection stays usable and memory stays bounded, chunked or not); `too_large` says so.
struct CappedBody {
  std::string body;
  bool too_large = false;  // more than the cap arrived: answer 413 RequestTooLargeException
  bool complete = true;    // false: the body could not be read (malformed chunking, timeout)
};
CappedBody read_capped_body(const httplib::ContentReader& reader, std::size_t cap);

// Counts requests parked in a long poll (a synchronous Invoke waiting for its execution). Each
// holds a connection thread, so without a cap they could take them all.
// Any thread.
class LongPollLimit {
 public:
  explicit LongPollLimit(std::size_t max) : max_(max) {}

  // Holds one place while alive; empty when the limit was reached.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(LongPollLimit* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->waiting_.fetch_sub(1);
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    LongPollLimit* owner_ = nullptr;
  };

  // A place, or an empty Slot when `max` requests already wait.
  Slot try_acquire();
  // Throws ApiError 429 TooManyRequestsException naming `what` when the limit was reached.
  Slot acquire_or_throw(std::string_view what);
  std::size_t waiting() const { return waiting_.load(); }
  std::size_t max() const { return max_; }

 private:
  const std::size_t max_;
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace durable::emulator::http
