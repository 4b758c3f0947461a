#include "durable/operation_id.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "blake2b.hpp"

namespace durable {
namespace {

constexpr const char* kRoot1 = "1ced8f5be2db23a6513eba4d819c73806424748a7bc6fa0d792cc1c7d1775a97";

std::string hex(const std::array<unsigned char, 64>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

// RFC 7693, Appendix A: BLAKE2b-512("abc").
TEST(Blake2bTest, RfcAppendixAVector) {
  EXPECT_EQ(hex(detail::blake2b::digest("abc")),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
}

// The empty message (one all-zero final block), and 255 bytes 0x00..0xfe (two blocks, the second
// partial), from the BLAKE2 reference implementation's known answers.
TEST(Blake2bTest, EmptyAndMultiBlockMessages) {
  EXPECT_EQ(hex(detail::blake2b::digest("")),
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
            "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
  std::string bytes;
  for (int i = 0; i < 255; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(hex(detail::blake2b::digest(bytes)),
            "5b21c5fd8868367612474fa2e70e9cfa2201ffeee8fafab5797ad58fefa17c9b"
            "5b107da4a3db6320baaf2c8617d5a51df914ae88da3867c2d41f0cc14fa67928");
}

// Fed in pieces of every size, the hash is the same as in one piece (block boundaries inside
// update()).
TEST(Blake2bTest, PiecewiseUpdatesMatchOneShot) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes += static_cast<char>(i * 7);
  const auto whole = detail::blake2b::digest(bytes);
  for (std::size_t piece = 1; piece <= 129; piece += 16) {
    detail::blake2b::Blake2b512 hash;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      hash.update(bytes.data() + at, std::min(piece, bytes.size() - at));
    }
    const auto h = hash.finish();
    std::array<unsigned char, 64> out{};
    for (std::size_t i = 0; i < 64; ++i) out[i] = static_cast<unsigned char>(h[i / 8] >> (8 * (i % 8)));
    EXPECT_EQ(hex(out), hex(whole)) << "piece " << piece;
  }
}

TEST(OperationIdTest, RootContextVectorsFromProtocol) {
  EXPECT_EQ(operation_id(std::nullopt, 1), kRoot1);
  EXPECT_EQ(operation_id(std::nullopt, 2),
            "c5faca15ac2f93578b39ef4b6bbb871bdedce4ddd584fd31f0bb66fade3947e6");
}

TEST(OperationIdTest, ChildContextUsesParentIdAsPrefix) {
  EXPECT_EQ(operation_id(kRoot1, 1),
            "974bfc6321e227b0ff101342eaf19b336f002dc6cc99c18f0941a7755cc20fc4");
}

TEST(OperationIdTest, MapItemZeroIsZeroBased) {
  EXPECT_EQ(operation_id(kRoot1, 0),
            "1712f93e2f51df042e2b933907d75accfe34a48fe4a42a24e0b08131bc72d591");
}

// Inputs of exactly one block (128 bytes), just over it, and of three blocks; expected values
// from Python's hashlib.blake2b (BLAKE2b-512) of the raw strings.
TEST(OperationIdTest, LongPrefixesCrossBlockBoundaries) {
  EXPECT_EQ(operation_id(std::string(126, 'a'), 1),
            "57da936e4e59e96a22325156fcf4819a7df62ccc20cdba013d7c4efa76772940");
  EXPECT_EQ(operation_id(std::string(127, 'a'), 1),
            "21240c9565c055ff14f805bbc320d076690416cd7db05a9f199f3e70a13c188f");
  EXPECT_EQ(operation_id(std::string(254, 'a'), 1),
            "0f2562efd384f4853ea4ed751d4008ccd6d2bc7255c373f4f074c5f4fe8c5090");
}

TEST(OperationIdTest, PrefixIsJoinedWithDash) {
  // id("1", 1) hashes "1-1", which differs from the root op 11 ("11") and root op 1 ("1").
  EXPECT_NE(operation_id("1", 1), operation_id(std::nullopt, 11));
  EXPECT_NE(operation_id("1", 1), operation_id(std::nullopt, 1));
  // An empty prefix still adds the dash: "-1" is not "1".
  EXPECT_NE(operation_id("", 1), operation_id(std::nullopt, 1));
}

TEST(OperationIdTest, IsDeterministicLowercaseHexOf64Chars) {
  for (std::uint64_t n : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{123456789},
                          std::numeric_limits<std::uint64_t>::max()}) {
    const std::string id = operation_id("prefix", n);
    EXPECT_EQ(id.size(), kOperationIdLength);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(id, operation_id("prefix", n));
  }
}

TEST(OperationIdTest, DistinctPositionsGiveDistinctIds) {
  std::set<std::string> ids;
  for (std::uint64_t n = 0; n < 1000; ++n) ids.insert(operation_id(kRoot1, n));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(OperationIdTest, ConcurrentCallsAgree) {
  const std::string expected = operation_id(kRoot1, 7);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (operation_id(kRoot1, 7) != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace durable
