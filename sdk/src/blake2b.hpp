// BLAKE2b-512 as RFC 7693 specifies it (unkeyed, 64-byte digest), written here rather than taken
// from OpenSSL: operation ids are hashed several times per operation, OpenSSL's first digest
// fetch alone costs milliseconds of provider set-up per process (and loading libcrypto costs every
// process start-up time), and its EVP layer costs more per call than the compression itself for
// these short (< 128 byte) inputs. Internal to the SDK (operation_id.cpp); tested against the
// RFC's vectors. Any thread; one object per hash.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace durable::detail::blake2b {

inline constexpr std::array<std::uint64_t, 8> kIv = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

// Message word schedule of the 12 rounds (rounds 10 and 11 repeat rows 0 and 1).
inline constexpr std::uint8_t kSigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

constexpr std::uint64_t rotr(std::uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

// Always inlined (as is round): GCC otherwise keeps some of the 96 calls per compression out of
// line, each then reading and writing its four words through memory.
[[gnu::always_inline]] inline void mix(std::uint64_t* v, int a, int b, int c, int d,
                                       std::uint64_t x, std::uint64_t y) {
  v[a] = v[a] + v[b] + x;
  v[d] = rotr(v[d] ^ v[a], 32);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 24);
  v[a] = v[a] + v[b] + y;
  v[d] = rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 63);
}

// One hash: update() any number of times, then finish() once, which returns the state words
// h[0..8); their little-endian bytes are the digest.
class Blake2b512 {
 public:
  Blake2b512() : h_(kIv) {
    // Parameter block: digest length 64, no key, fanout 1, depth 1.
    h_[0] ^= 0x01010000ULL ^ 64ULL;
  }

  void update(const char* data, std::size_t size) {
    while (size > 0) {
      if (filled_ == kBlockBytes) {
        // Only compressed once more input follows: the final block is compressed differently.
        counter_ += kBlockBytes;
        compress(false);
        filled_ = 0;
      }
      const std::size_t take = std::min(size, kBlockBytes - filled_);
      std::memcpy(block_.data() + filled_, data, take);
      filled_ += take;
      data += take;
      size -= take;
    }
  }

  std::array<std::uint64_t, 8> finish() {
    counter_ += filled_;
    std::memset(block_.data() + filled_, 0, kBlockBytes - filled_);
    compress(true);
    return h_;
  }

 private:
  static constexpr std::size_t kBlockBytes = 128;

  void compress(bool last) {
    std::uint64_t m[16];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(m, block_.data(), sizeof m);
    } else {
      for (std::size_t i = 0; i < 16; ++i) {
        std::uint64_t w = 0;
        for (std::size_t k = 0; k < 8; ++k) {
          w |= static_cast<std::uint64_t>(static_cast<unsigned char>(block_[i * 8 + k]))
               << (8 * k);
        }
        m[i] = w;
      }
    }
    std::uint64_t v[16];
    for (std::size_t i = 0; i < 8; ++i) {
      v[i] = h_[i];
      v[i + 8] = kIv[i];
    }
    v[12] ^= counter_;  // the high half of the 128-bit byte counter stays 0 for inputs < 2^64
    if (last) v[14] = ~v[14];
    // One call per round, so that each round's schedule is a constant: the message words are
    // read directly instead of through the table (an operation id costs one compression).
    round<0>(v, m);
    round<1>(v, m);
    round<2>(v, m);
    round<3>(v, m);
    round<4>(v, m);
    round<5>(v, m);
    round<6>(v, m);
    round<7>(v, m);
    round<8>(v, m);
    round<9>(v, m);
    round<10>(v, m);
    round<11>(v, m);
    for (std::size_t i = 0; i < 8; ++i) h_[i] ^= v[i] ^ v[i + 8];
  }

  template <std::size_t R>
  [[gnu::always_inline]] static void round(std::uint64_t* v, const std::uint64_t* m) {
    constexpr const std::uint8_t* s = kSigma[R];
    mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }

  std::array<std::uint64_t, 8> h_;
  std::array<char, kBlockBytes> block_{};
  std::size_t filled_ = 0;
  std::uint64_t counter_ = 0;
};

// The 64-byte digest of `data`.
inline std::array<unsigned char, 64> digest(std::string_view data) {
  Blake2b512 hash;
  hash.update(data.data(), data.size());
  const std::array<std::uint64_t, 8> h = hash.finish();
  std::array<unsigned char, 64> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>((h[i / 8] >> (8 * (i % 8))) & 0xff);
  }
  return out;
}

}  // namespace durable::detail::blake2b
