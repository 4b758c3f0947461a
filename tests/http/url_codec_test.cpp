#include "http/url_codec.hpp"

#include <gtest/gtest.h>

#include "durable/model/api_error.hpp"

namespace durable::emulator::http {
namespace {

TEST(UrlCodec, SplitsBeforeDecodingSoEncodedSlashesStayInTheirSegment) {
  auto seg = split_path("/2025-12-01/durable-executions/arn%3Aaws%2Fx%2By%3D/state?Marker=1");
  ASSERT_EQ(seg.size(), 4u);
  EXPECT_EQ(seg[2], "arn:aws/x+y=");
  EXPECT_EQ(seg[3], "state");
}

TEST(UrlCodec, PlusIsNotASpaceInPaths) { EXPECT_EQ(percent_decode("a+b%20c"), "a+b c"); }

TEST(UrlCodec, EncodeDecodeRoundTrip) {
  const std::string raw = "arn:aws:lambda:us-east-1:1:function:f:$LATEST/durable-execution/n/i";
  EXPECT_EQ(percent_decode(percent_encode(raw)), raw);
  EXPECT_EQ(percent_encode("a/b"), "a%2Fb");
}

TEST(UrlCodec, MalformedEscapeIsAClientError) {
  try {
    percent_decode("abc%2");
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_NE(std::string(e.what()).find("percent-encoding"), std::string::npos);
  }
  EXPECT_THROW(percent_decode("%zz"), ApiError);
}

TEST(UrlCodec, ParsesIso8601AndEpochSeconds) {
  EXPECT_EQ(parse_query_timestamp("1970-01-01T00:00:01Z", "T").time_since_epoch().count(), 1000);
  EXPECT_EQ(parse_query_timestamp("1970-01-01T00:00:01.5Z", "T").time_since_epoch().count(), 1500);
  EXPECT_EQ(parse_query_timestamp("1970-01-01T01:00:00+01:00", "T").time_since_epoch().count(), 0);
  EXPECT_EQ(parse_query_timestamp("2.25", "T").time_since_epoch().count(), 2250);
}

TEST(UrlCodec, BadTimestampNamesTheParameter) {
  try {
    parse_query_timestamp("yesterday", "StartedAfter");
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "InvalidParameterValueException");
    EXPECT_NE(std::string(e.what()).find("StartedAfter"), std::string::npos);
  }
  EXPECT_THROW(parse_query_timestamp("2020-13-01T00:00:00Z", "T"), ApiError);
  EXPECT_THROW(parse_query_timestamp("2020-01-01T00:00:00", "T"), ApiError);
  EXPECT_THROW(parse_query_timestamp("2020-01-01T00:00:00+24:00", "T"), ApiError);
  EXPECT_THROW(parse_query_timestamp("2020-01-01T00:00:00+01:60", "T"), ApiError);
}

TEST(UrlCodec, EpochSecondsMustBeFiniteAndWithinTheCalendar) {
  for (const char* bad : {"nan", "-nan", "inf", "-inf", "infinity", "1e300", "-1e300",
                          "253402300800"}) {
    EXPECT_THROW(parse_query_timestamp(bad, "StartedAfter"), ApiError) << bad;
  }
  EXPECT_EQ(parse_query_timestamp("253402300799", "T").time_since_epoch().count(),
            253402300799000);
  EXPECT_EQ(parse_query_timestamp("-1.5", "T").time_since_epoch().count(), -1500);
}

}  // namespace
}  // namespace durable::emulator::http
