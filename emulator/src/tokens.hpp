// Opaque strings the emulator hands out and later has to recognise: checkpoint tokens
// (PROTOCOL.md §9.4), callback ids (§8.1) and page markers. All are plain functions of their
// inputs, so a token can be checked by comparing it with the one currently issued.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace durable::emulator::detail {

std::string base64_encode(std::string_view bytes);
// std::nullopt when `text` is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

// base64 of {"arn":..,"seq":..,"inv":..}: valid only for one invocation and one sequence.
std::string make_checkpoint_token(const std::string& arn, std::uint64_t sequence,
                                  const std::string& invocation_id);
// The same token in two parts: the JSON text up to the sequence number, which is fixed for an
// invocation and worth keeping, and the token for one sequence number after it.
std::string checkpoint_token_prefix(const std::string& arn, const std::string& invocation_id);
std::string make_checkpoint_token(std::string_view prefix, std::uint64_t sequence);

// base64 of {"arn":..,"op":..}: routes a callback back to its execution and operation.
std::string make_callback_id(const std::string& arn, const std::string& operation_id);
struct CallbackRef {
  std::string durable_execution_arn;
  std::string operation_id;
};
// std::nullopt when `callback_id` was not minted by make_callback_id.
std::optional<CallbackRef> parse_callback_id(std::string_view callback_id);

// State page marker "<sequence>:<index>".
std::string make_state_marker(std::uint64_t sequence, std::size_t index);
// The index of a marker issued at `sequence`; std::nullopt when malformed or from another sequence.
std::optional<std::size_t> parse_state_marker(std::string_view marker, std::uint64_t sequence);

// Plain decimal index marker used by history and list paging; std::nullopt when not a number.
std::optional<std::size_t> parse_index_marker(std::string_view marker);

}  // namespace durable::emulator::detail
