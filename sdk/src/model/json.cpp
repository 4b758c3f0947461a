// The out-of-line JSON text conversions of durable/model/json.hpp.
#include "durable/model/json.hpp"

#include <charconv>

namespace durable::detail {

std::string dump_json(const Json& value) { return value.dump(); }

Json parse_json(std::string_view text) { return Json::parse(text); }

std::string json_integer_text(std::int64_t v) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

std::string json_unsigned_text(std::uint64_t v) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

namespace {
// Characters nlohmann writes inside a string as they are (no escape, no UTF-8 to check).
bool plain_string_char(char c) { return c >= 0x20 && c <= 0x7E && c != '"' && c != '\\'; }
}  // namespace

std::string json_string_text(std::string_view s) {
  for (char c : s) {
    if (!plain_string_char(c)) return Json(s).dump();
  }
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

std::optional<std::int64_t> json_integer_value(std::string_view text) {
  // JSON: -?(0|[1-9][0-9]*), nothing around it (nlohmann would skip whitespace: the full parse
  // handles that, and every other form).
  std::size_t digits = text.size();
  std::size_t first = 0;
  if (!text.empty() && text[0] == '-') {
    first = 1;
    --digits;
  }
  if (digits == 0 || (text[first] == '0' && digits > 1)) return std::nullopt;
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::string> json_plain_string_value(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::nullopt;
  const std::string_view inner = text.substr(1, text.size() - 2);
  for (char c : inner) {
    if (!plain_string_char(c)) return std::nullopt;
  }
  return std::string(inner);
}

}  // namespace durable::detail

// The definitions of the extern templates declared in durable/model/json.hpp.
template class nlohmann::basic_json<>;
template class std::vector<nlohmann::json>;
template class std::map<std::string, nlohmann::json, std::less<>>;
