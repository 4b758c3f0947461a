#include "durable/operation_id.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace durable {
namespace {

constexpr const char* kRoot1 = "1ced8f5be2db23a6513eba4d819c73806424748a7bc6fa0d792cc1c7d1775a97";

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
