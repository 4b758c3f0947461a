#include "http/url_codec.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>

#include "durable/model/api_error.hpp"

namespace durable::emulator::http {
namespace {

// 9999-12-31T23:59:59Z: the latest time an ISO-8601 query value can name.
constexpr double kMaxEpochSeconds = 253402300799.0;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  auto [p, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return ec == std::errc{};
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw ApiError::invalid_parameter("Malformed percent-encoding in request path: " +
                                        std::string(text));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view target) {
  const auto query = target.find('?');
  std::string_view path = target.substr(0, query);
  std::vector<std::string> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    segments.push_back(percent_decode(path.substr(start, slash - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

Timestamp parse_query_timestamp(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return ApiError::invalid_parameter(std::string(field) +
                                       " must be an ISO-8601 date-time or epoch seconds, got '" +
                                       std::string(text) + "'");
  };
  if (text.empty()) throw bad();
  if (text.find('T') == std::string_view::npos) {
    double seconds = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || p != text.data() + text.size()) throw bad();
    // from_chars reads "nan" and "inf"; out of range the millisecond cast is undefined.
    if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxEpochSeconds) throw bad();
    return Timestamp(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0)));
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!read_int(text, 0, 4, y) || text.size() < 19 || text[4] != '-' || !read_int(text, 5, 2, mo) ||
      text[7] != '-' || !read_int(text, 8, 2, d) || text[10] != 'T' || !read_int(text, 11, 2, h) ||
      text[13] != ':' || !read_int(text, 14, 2, mi) || text[16] != ':' ||
      !read_int(text, 17, 2, s)) {
    throw bad();
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) throw bad();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '+' ? 1 : -1;
    int oh = 0, om = 0;
    if (!read_int(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_int(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      throw bad();
    }
    offset_minutes = sign * (oh * 60 + om);
    pos += 6;
  } else {
    throw bad();
  }
  if (pos != text.size()) throw bad();
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) throw bad();
  const auto days = std::chrono::sys_days(ymd);
  const auto t = std::chrono::time_point_cast<std::chrono::milliseconds>(days) +
                 std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) +
                 std::chrono::milliseconds(millis) - std::chrono::minutes(offset_minutes);
  return Timestamp(t.time_since_epoch());
}

}  // namespace durable::emulator::http
