#include "http/request_guard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "durable/model/api_error.hpp"

namespace durable::emulator::http {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo"));            // é
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));            // €
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));        // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));        // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));
}

TEST(Utf8Test, RefusesMalformedText) {
  for (const std::string bad : {"\xff", "\xfe", "\x80", "\xc3", "\xc3\x28", "\xc0\xaf",
                                "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x82\x82\xac",
                                "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82",
                                "ok\xf0\x9f\x98"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(Utf8Test, RequireNamesTheFieldWithoutQuotingTheBytes) {
  try {
    require_utf8("a\xff", "CallbackId");
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(e.code(), "InvalidParameterValueException");
    EXPECT_EQ(std::string(e.what()), "Invalid value for CallbackId: must be valid UTF-8 text.");
  }
  EXPECT_NO_THROW(require_utf8("fine", "CallbackId"));
}

// A ContentReader that delivers `pieces` one by one, then reports `result`.
httplib::ContentReader reader_of(std::vector<std::string> pieces, bool result = true) {
  return httplib::ContentReader(
      [pieces, result](httplib::ContentReceiver receive) {
        for (const auto& p : pieces) {
          if (!receive(p.data(), p.size())) return false;
        }
        return result;
      },
      [](httplib::MultipartContentHeader, httplib::ContentReceiver) { return false; });
}

TEST(CappedBodyTest, KeepsABodyUpToTheCap) {
  auto body = read_capped_body(reader_of({"abc", "def"}), 6);
  EXPECT_EQ(body.body, "abcdef");
  EXPECT_FALSE(body.too_large);
  EXPECT_TRUE(body.complete);
}

TEST(CappedBodyTest, DropsEverythingPastTheCapButReadsOn) {
  auto body = read_capped_body(reader_of({"abc", "def", "g", "h"}), 6);
  EXPECT_TRUE(body.too_large);
  EXPECT_TRUE(body.complete);  // read to the end: the connection stays in step
  EXPECT_TRUE(body.body.empty());
}

TEST(CappedBodyTest, ReportsABodyThatCouldNotBeRead) {
  auto body = read_capped_body(reader_of({"ab"}, false), 6);
  EXPECT_FALSE(body.complete);
}

TEST(LongPollLimitTest, HandsOutAtMostMaxPlacesAndTakesThemBack) {
  LongPollLimit limit(2);
  {
    auto a = limit.try_acquire();
    auto b = limit.try_acquire();
    EXPECT_TRUE(a);
    EXPECT_TRUE(b);
    EXPECT_FALSE(limit.try_acquire());
    EXPECT_EQ(limit.waiting(), 2u);
    try {
      limit.acquire_or_throw("synchronous Invokes");
      FAIL() << "expected ApiError";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.http_status(), 429);
      EXPECT_EQ(e.code(), "TooManyRequestsException");
      EXPECT_NE(std::string(e.what()).find("2 synchronous Invokes"), std::string::npos);
    }
  }
  EXPECT_EQ(limit.waiting(), 0u);
  auto moved = limit.try_acquire();
  auto owner = std::move(moved);
  EXPECT_FALSE(moved);
  EXPECT_TRUE(owner);
  EXPECT_EQ(limit.waiting(), 1u);
}

}  // namespace
}  // namespace durable::emulator::http
