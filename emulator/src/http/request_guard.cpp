#include "http/request_guard.hpp"

#include <string>

#include "durable/model/api_error.hpp"

namespace durable::emulator::http {

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t extra = 0;
    unsigned char lo = 0x80;  // the allowed range of the second byte (RFC 3629 table)
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= extra) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
    }
    p += extra + 1;
  }
  return true;
}

void require_utf8(std::string_view text, std::string_view field) {
  if (!is_valid_utf8(text)) {
    throw ApiError::invalid_parameter("Invalid value for " + std::string(field) +
                                      ": must be valid UTF-8 text.");
  }
}

CappedBody read_capped_body(const httplib::ContentReader& reader, std::size_t cap) {
  CappedBody out;
  out.complete = reader([&](const char* data, std::size_t n) {
    if (out.too_large || out.body.size() + n > cap) {
      out.too_large = true;
      return true;  // keep reading, drop the bytes
    }
    out.body.append(data, n);
    return true;
  });
  if (out.too_large) out.body.clear();
  return out;
}

LongPollLimit::Slot LongPollLimit::try_acquire() {
  std::size_t now = waiting_.load();
  while (now < max_) {
    if (waiting_.compare_exchange_weak(now, now + 1)) return Slot(this);
  }
  return Slot();
}

LongPollLimit::Slot LongPollLimit::acquire_or_throw(std::string_view what) {
  Slot slot = try_acquire();
  if (!slot) {
    throw ApiError("TooManyRequestsException", 429,
                   "Too many requests waiting: " + std::to_string(max_) + " " + std::string(what) +
                       " already wait for their results; retry later");
  }
  return slot;
}

}  // namespace durable::emulator::http
