#include "field_validation.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "durable/model/api_error.hpp"

namespace durable::emulator::detail {
namespace {

[[noreturn]] void bad_field(const std::string& field, const std::string& rule) {
  throw ApiError::invalid_parameter("Invalid value for " + field + ": " + rule);
}

// [a-zA-Z0-9-_] as a table: every checkpointed update has its ids checked.
constexpr std::array<bool, 256> kIdChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[static_cast<std::size_t>(c)] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
  return t;
}();

bool is_id_char(char c) { return kIdChars[static_cast<unsigned char>(c)]; }

// The same test for eight bytes at once: the result has a byte's high bit set for each byte of
// `word` that is not in [a-zA-Z0-9-_]. The sums below never carry from one byte into the next:
// every byte is below 0x80 once its high bit is masked off, and nothing added exceeds 0x80.
constexpr std::uint64_t non_id_bytes(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t low7 = word & ~kHigh;
  // High bit set where the byte is >= lo, and where it is > hi.
  const auto at_least = [low7](std::uint64_t lo) { return (low7 + kOnes * (128 - lo)) & kHigh; };
  const auto above = [low7](std::uint64_t hi) { return (low7 + kOnes * (127 - hi)) & kHigh; };
  const auto in_range = [&](std::uint64_t lo, std::uint64_t hi) { return at_least(lo) & ~above(hi); };
  // High bit set where the byte equals c.
  const auto equal = [low7](std::uint64_t c) {
    return ~((low7 ^ (kOnes * c)) + kOnes * 0x7F) & kHigh;
  };
  const std::uint64_t ok = in_range('0', '9') | in_range('A', 'Z') | in_range('a', 'z') |
                           equal('-') | equal('_');
  return (word & kHigh) | (~ok & kHigh);
}

// A template so the predicate inlines: ids are checked several times per checkpointed update.
template <class Pred>
bool all_chars(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7E; }
bool is_tenant_char(char c) {
  return is_id_char(c) || c == '.' || c == ':' || c == '/' || c == '=' || c == '+' || c == '@' ||
         c == ' ';
}
bool is_visible_ascii(char c) { return c >= 0x21 && c <= 0x7E; }

// The field name comes from `field()`, called only to report an error: these run for every
// checkpointed update.
template <class Field>
void check_payload(const Field& field, const std::optional<std::string>& payload) {
  // A payload within the limit in bytes is within it in characters too.
  if (payload && payload->size() > kMaxPayloadChars && char_count(*payload) > kMaxPayloadChars) {
    bad_field(field(), "must be at most 6291456 characters.");
  }
}

template <class Field>
void check_delay(const Field& field, const std::optional<std::int64_t>& seconds) {
  if (seconds && (*seconds < 1 || *seconds > kMaxDelaySeconds)) {
    bad_field(field(),
              "must be between 1 and 31622400 seconds, got " + std::to_string(*seconds) + ".");
  }
}

// DurationSeconds: a model `integer` (32 bits) of at least 0. The upper bound also keeps the
// seconds-to-milliseconds conversion of a timer from overflowing.
template <class Field>
void check_duration(const Field& field, const std::optional<std::int64_t>& seconds) {
  if (seconds && (*seconds < 0 || *seconds > kMaxDurationSeconds)) {
    bad_field(field(),
              "must be between 0 and 2147483647 seconds, got " + std::to_string(*seconds) + ".");
  }
}

}  // namespace

bool is_valid_operation_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  // Eight characters per step (every checkpointed update has one or two 64-character ids); the
  // last size % 8 through the table.
  std::uint64_t bad = 0;
  std::size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, id.data() + i, sizeof word);
    bad |= non_id_bytes(word);
  }
  return bad == 0 && all_chars(id.substr(i), [](char c) { return is_id_char(c); });
}

std::size_t char_count(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    // Continuation bytes (10xxxxxx) do not start a character.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void validate_update_fields(const std::vector<OperationUpdate>& updates) {
  // The previous update's id and parent id, already found valid: a batch repeats them often (a
  // step's START and SUCCEED, the items of one context), and comparing is cheaper than checking.
  std::string_view valid_id;
  std::string_view valid_parent;
  const auto known_valid = [&](std::string_view id) {
    return !id.empty() && (id == valid_id || id == valid_parent);
  };
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const OperationUpdate& u = updates[i];
    // The field's path, built only for an error message.
    const auto at = [i] { return "Updates[" + std::to_string(i) + "]."; };
    if (!known_valid(u.id) && !is_valid_operation_id(u.id)) {
      bad_field(at() + "Id", "must be 1 to 64 characters of [a-zA-Z0-9-_].");
    }
    if (u.parent_id && !known_valid(*u.parent_id) && !is_valid_operation_id(*u.parent_id)) {
      bad_field(at() + "ParentId", "must be 1 to 64 characters of [a-zA-Z0-9-_].");
    }
    valid_id = u.id;
    valid_parent = u.parent_id ? std::string_view(*u.parent_id) : std::string_view();
    if (u.name && (u.name->empty() || u.name->size() > 256 ||
                   !all_chars(*u.name, is_printable_ascii))) {
      bad_field(at() + "Name", "must be 1 to 256 printable ASCII characters.");
    }
    if (u.sub_type && (u.sub_type->empty() || u.sub_type->size() > 32 ||
                       !all_chars(*u.sub_type, is_id_char))) {
      bad_field(at() + "SubType", "must be 1 to 32 characters of [a-zA-Z0-9-_].");
    }
    check_payload([&] { return at() + "Payload"; }, u.payload);
    if (u.step_options) {
      check_delay([&] { return at() + "StepOptions.NextAttemptDelaySeconds"; },
                  u.step_options->next_attempt_delay_seconds);
    }
    if (u.wait_options)
      check_delay([&] { return at() + "WaitOptions.WaitSeconds"; }, u.wait_options->wait_seconds);
    if (u.callback_options) {
      check_duration([&] { return at() + "CallbackOptions.TimeoutSeconds"; },
                     u.callback_options->timeout_seconds);
      check_duration([&] { return at() + "CallbackOptions.HeartbeatTimeoutSeconds"; },
                     u.callback_options->heartbeat_timeout_seconds);
    }
    if (u.chained_invoke_options) {
      const auto& o = *u.chained_invoke_options;
      if (o.function_name.empty() || o.function_name.size() > 256) {
        bad_field(at() + "ChainedInvokeOptions.FunctionName", "must be 1 to 256 characters.");
      }
      if (o.tenant_id && (o.tenant_id->empty() || o.tenant_id->size() > 256 ||
                          !all_chars(*o.tenant_id, is_tenant_char))) {
        bad_field(at() + "ChainedInvokeOptions.TenantId",
                  "must be 1 to 256 characters of [a-zA-Z0-9._:/=+-@ ].");
      }
    }
  }
}

void validate_client_token(std::string_view client_token) {
  if (client_token.empty() || client_token.size() > 64 ||
      !all_chars(client_token, is_visible_ascii)) {
    bad_field("ClientToken", "must be 1 to 64 visible ASCII characters.");
  }
}

}  // namespace durable::emulator::detail
