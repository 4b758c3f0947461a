#include "tokens.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "durable/model/json.hpp"

namespace durable::emulator::detail {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  // Sized once and filled by index: a token is encoded on every checkpoint.
  std::string out((bytes.size() + 2) / 3 * 4, '\0');
  const auto byte = [&bytes](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  std::size_t i = 0;
  std::size_t o = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out[o++] = kAlphabet[(n >> 18) & 63];
    out[o++] = kAlphabet[(n >> 12) & 63];
    out[o++] = kAlphabet[(n >> 6) & 63];
    out[o++] = kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = byte(i) << 16;
    if (rest == 2) n |= byte(i + 1) << 8;
    out[o++] = kAlphabet[(n >> 18) & 63];
    out[o++] = kAlphabet[(n >> 12) & 63];
    out[o++] = rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out[o++] = '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::array<int, 4> s{};
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        s[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      s[k] = sextet(c);
      if (s[k] < 0) return std::nullopt;
    }
    auto n = (static_cast<std::uint32_t>(s[0]) << 18) | (static_cast<std::uint32_t>(s[1]) << 12) |
             (static_cast<std::uint32_t>(s[2]) << 6) | static_cast<std::uint32_t>(s[3]);
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

namespace {

// Appends `text` as a JSON string literal. Tokens are minted on every checkpoint, so this avoids
// building a JSON document just to print three members.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain_from = 0;  // characters that need no escape are appended in runs
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (c != '"' && c != '\\' && u >= 0x20) continue;
    out.append(text.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  out.append(text.substr(plain_from));
  out += '"';
}

}  // namespace

void random_bytes(unsigned char* out, std::size_t size) {
  // getrandom(2) with no flags reads the kernel's CSPRNG (the urandom source once it is seeded;
  // before that it blocks rather than return weak bytes). Requests up to 256 bytes are never
  // split, larger ones may be, and a signal may interrupt a blocked call: loop until filled.
  while (size > 0) {
    const ssize_t got = ::getrandom(out, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("the kernel random generator (getrandom) failed: ") +
                               std::strerror(errno));
    }
    out += got;
    size -= static_cast<std::size_t>(got);
  }
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<unsigned char> raw(bytes);
  random_bytes(raw.data(), raw.size());
  std::string out(bytes * 2, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xF];
  }
  return out;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  // The lengths are not secret (every token of an execution has the same shape); the contents
  // are, so every byte is looked at and the differences are OR-ed together with no
  // data-dependent branch, eight bytes at a time (a checkpoint token is compared on every
  // checkpoint). The empty asm makes the accumulator opaque to the optimizer, so it cannot turn
  // the loop back into an early exit.
  if (a.size() != b.size()) return false;
  std::uint64_t diff = 0;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    diff |= x ^ y;
    asm volatile("" : "+r"(diff));
  }
  for (; i < a.size(); ++i) {
    diff |= static_cast<std::uint64_t>(static_cast<unsigned char>(a[i]) ^
                                       static_cast<unsigned char>(b[i]));
    asm volatile("" : "+r"(diff));
  }
  return diff == 0;
}

std::string new_token_key() { return random_hex(16); }

std::string checkpoint_token_prefix(const std::string& arn, const std::string& invocation_id,
                                    const std::string& key) {
  // Same text as the compact JSON {"arn":..,"inv":..,"key":..,"seq":..} (members sorted).
  std::string json;
  json.reserve(arn.size() + invocation_id.size() + key.size() + 56);
  json += "{\"arn\":";
  append_json_string(json, arn);
  json += ",\"inv\":";
  append_json_string(json, invocation_id);
  json += ",\"key\":";
  append_json_string(json, key);
  json += ",\"seq\":";
  return json;
}

std::string make_checkpoint_token(std::string_view prefix, std::uint64_t sequence) {
  std::string json;
  json.reserve(prefix.size() + 24);
  json += prefix;
  json += std::to_string(sequence);
  json += '}';
  return base64_encode(json);
}

std::string encode_token_head(std::string_view prefix) {
  return base64_encode(prefix.substr(0, prefix.size() / 3 * 3));
}

std::string make_checkpoint_token(std::string_view prefix, std::string_view encoded_head,
                                  std::uint64_t sequence) {
  // base64 encodes each 3-byte group on its own, so the head's text is a prefix of the token's.
  const std::size_t head = prefix.size() / 3 * 3;
  char tail[2 + 20 + 1];  // at most two bytes of the prefix, the sequence's digits, '}'
  std::size_t n = prefix.size() - head;
  std::memcpy(tail, prefix.data() + head, n);
  n = static_cast<std::size_t>(std::to_chars(tail + n, tail + sizeof tail - 1, sequence).ptr - tail);
  tail[n++] = '}';
  std::string token;
  const std::string encoded_tail = base64_encode(std::string_view(tail, n));
  token.reserve(encoded_head.size() + encoded_tail.size());
  token += encoded_head;
  token += encoded_tail;
  return token;
}

std::string make_checkpoint_token(const std::string& arn, std::uint64_t sequence,
                                  const std::string& invocation_id, const std::string& key) {
  return make_checkpoint_token(checkpoint_token_prefix(arn, invocation_id, key), sequence);
}

std::string make_callback_id(const std::string& arn, const std::string& operation_id) {
  Json j{{"arn", arn}, {"key", random_hex(16)}, {"op", operation_id}};
  return base64_encode(j.dump());
}

std::optional<CallbackRef> parse_callback_id(std::string_view callback_id) {
  auto raw = base64_decode(callback_id);
  if (!raw) return std::nullopt;
  Json j = Json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto arn = j.find("arn");
  auto key = j.find("key");
  auto op = j.find("op");
  if (arn == j.end() || key == j.end() || op == j.end() || !arn->is_string() ||
      !key->is_string() || !op->is_string()) {
    return std::nullopt;
  }
  if (j.size() != 3) return std::nullopt;
  return CallbackRef{arn->get<std::string>(), op->get<std::string>()};
}

std::string make_state_marker(std::uint64_t sequence, std::size_t index) {
  return std::to_string(sequence) + ":" + std::to_string(index);
}

std::optional<std::size_t> parse_state_marker(std::string_view marker, std::uint64_t sequence) {
  auto colon = marker.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto seq = parse_u64(marker.substr(0, colon));
  auto index = parse_u64(marker.substr(colon + 1));
  if (!seq || !index || *seq != sequence) return std::nullopt;
  return static_cast<std::size_t>(*index);
}

std::optional<std::size_t> parse_index_marker(std::string_view marker) {
  auto v = parse_u64(marker);
  if (!v) return std::nullopt;
  return static_cast<std::size_t>(*v);
}

}  // namespace durable::emulator::detail
