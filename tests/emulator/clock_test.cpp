#include <gtest/gtest.h>

#include "durable/emulator/clock.hpp"

namespace durable::emulator {
namespace {

using std::chrono::milliseconds;

TEST(VirtualClockTest, StartsWhereToldAndMovesOnlyForward) {
  VirtualClock clock(Timestamp(milliseconds(1000)));
  EXPECT_TRUE(clock.is_virtual());
  EXPECT_EQ(clock.now(), Timestamp(milliseconds(1000)));
  clock.advance(milliseconds(500));
  EXPECT_EQ(clock.now(), Timestamp(milliseconds(1500)));
  clock.advance(milliseconds(-100));
  EXPECT_EQ(clock.now(), Timestamp(milliseconds(1500)));
  clock.advance_to(Timestamp(milliseconds(1200)));
  EXPECT_EQ(clock.now(), Timestamp(milliseconds(1500)));
  clock.advance_to(Timestamp(milliseconds(9000)));
  EXPECT_EQ(clock.now(), Timestamp(milliseconds(9000)));
}

TEST(VirtualClockTest, DefaultStartsNearWallClock) {
  VirtualClock clock;
  auto wall = std::chrono::system_clock::now();
  auto diff = std::chrono::duration_cast<milliseconds>(wall - clock.now()).count();
  EXPECT_LT(std::abs(diff), 5000);
}

TEST(SystemClockTest, FollowsWallClock) {
  SystemClock clock;
  EXPECT_FALSE(clock.is_virtual());
  auto a = clock.now();
  auto wall = std::chrono::system_clock::now();
  EXPECT_LT(std::abs(std::chrono::duration_cast<milliseconds>(wall - a).count()), 5000);
  EXPECT_GE(clock.now(), a);
}

}  // namespace
}  // namespace durable::emulator
