#include "durable/operation_id.hpp"

#include <array>
#include <charconv>
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

  // The first 32 digest bytes (little-endian words), as lowercase hex.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(kOperationIdLength, '\0');
  for (std::size_t i = 0; i < kOperationIdLength / 2; ++i) {
    const auto byte = static_cast<unsigned>((h[i / 8] >> (8 * (i % 8))) & 0xff);
    id[2 * i] = kHex[byte >> 4];
    id[2 * i + 1] = kHex[byte & 0x0f];
  }
  return id;
}

}  // namespace durable
