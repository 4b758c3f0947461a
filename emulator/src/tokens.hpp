// Opaque strings the emulator hands out and later has to recognise: checkpoint tokens
// (PROTOCOL.md §9.4), callback ids (§8.1) and page markers.
//
// Tokens and callback ids grant access (a checkpoint, completing a callback), so each carries 128
// random bits from the kernel's CSPRNG (getrandom(2)) that appear nowhere else: knowing an execution's ARN, its
// request ids (History shows them) or its operation ids is not enough to make one. The service
// keeps the one it issued and accepts only that exact string (compared in constant time).
// Threads: all functions may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace durable::emulator::detail {

std::string base64_encode(std::string_view bytes);
// std::nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

// Fills `out[0, size)` from the kernel's CSPRNG (getrandom(2); blocks only until the kernel's
// generator is first seeded). Throws std::runtime_error naming the error if the generator fails;
// it never falls back to a weaker source.
void random_bytes(unsigned char* out, std::size_t size);
// `bytes` random bytes from random_bytes() as lower-case hex. Throws as random_bytes() does.
std::string random_hex(std::size_t bytes);
// Equal strings, compared in time that does not depend on where they differ.
bool secrets_equal(std::string_view a, std::string_view b);

// base64 of {"arn":..,"inv":..,"key":..,"seq":..}, `key` being the invocation's secret (128
// random bits, see new_token_key()): valid only for one invocation and one sequence.
std::string make_checkpoint_token(const std::string& arn, std::uint64_t sequence,
                                  const std::string& invocation_id, const std::string& key);
// A fresh invocation secret for checkpoint tokens.
std::string new_token_key();
// The same token in two parts: the JSON text up to the sequence number, which is fixed for an
// invocation and worth keeping, and the token for one sequence number after it.
std::string checkpoint_token_prefix(const std::string& arn, const std::string& invocation_id,
                                    const std::string& key);
std::string make_checkpoint_token(std::string_view prefix, std::uint64_t sequence);
// The same token again, with the base64 text of the prefix's leading whole 3-byte groups made
// once per invocation instead of on every checkpoint: `encoded_head` must be
// encode_token_head(prefix).
std::string encode_token_head(std::string_view prefix);
std::string make_checkpoint_token(std::string_view prefix, std::string_view encoded_head,
                                  std::uint64_t sequence);

// base64 of {"arn":..,"key":..,"op":..} with a fresh 128-bit random key: routes a callback back
// to its execution and operation; only the id issued (and stored on the operation) is accepted.
std::string make_callback_id(const std::string& arn, const std::string& operation_id);
struct CallbackRef {
  std::string durable_execution_arn;
  std::string operation_id;
};
// std::nullopt when `callback_id` does not have make_callback_id's shape. A parsed id still has
// to equal the one stored on the operation.
std::optional<CallbackRef> parse_callback_id(std::string_view callback_id);

// State page marker "<sequence>:<index>".
std::string make_state_marker(std::uint64_t sequence, std::size_t index);
// The index of a marker issued at `sequence`; std::nullopt when malformed or from another sequence.
std::optional<std::size_t> parse_state_marker(std::string_view marker, std::uint64_t sequence);

// Plain decimal index marker used by history and list paging; std::nullopt when not a number.
std::optional<std::size_t> parse_index_marker(std::string_view marker);

}  // namespace durable::emulator::detail
