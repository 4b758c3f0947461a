#include "durable/operation_id.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <string>

#include "blake2b.hpp"

namespace durable {

std::string operation_id(std::optional<std::string_view> prefix, std::uint64_t n) {
  std::array<char, 20> digits{};  // 2^64-1 has 20 decimal digits
  const auto conv = std::to_chars(digits.data(), digits.data() + digits.size(), n);

  detail::blake2b::Blake2b512 hash;
  if (prefix) {
    hash.update(prefix->data(), prefix->size());
    hash.update("-", 1);
  }
  hash.update(digits.data(), static_cast<std::size_t>(conv.ptr - digits.data()));
  const std::array<std::uint64_t, 8> h = hash.finish();

  // The first 32 digest bytes (little-endian words), as lowercase hex, two digits per lookup.
  static constexpr auto kHexPairs = [] {
    constexpr char kHex[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (std::size_t b = 0; b < 256; ++b) {
      pairs[2 * b] = kHex[b >> 4];
      pairs[2 * b + 1] = kHex[b & 0x0f];
    }
    return pairs;
  }();
  std::string id(kOperationIdLength, '\0');
  char* out = id.data();
  for (std::size_t w = 0; w < kOperationIdLength / 16; ++w) {
    std::uint64_t word = h[w];
    for (std::size_t k = 0; k < 8; ++k, word >>= 8) {
      std::memcpy(out, &kHexPairs[2 * (word & 0xff)], 2);
      out += 2;
    }
  }
  return id;
}

}  // namespace durable
