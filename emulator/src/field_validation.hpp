// Field formats of the API model (lambda-durable-api.json): lengths, patterns and ranges that the
// service checks before looking at the request's meaning. Each failure is an ApiError 400
// InvalidParameterValueException whose message names the offending field.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "durable/model/operation_update.hpp"

namespace durable::emulator::detail {

inline constexpr std::size_t kMaxPayloadChars = 6291456;
inline constexpr std::int64_t kMaxDelaySeconds = 31622400;
// The largest value of the model's `integer` type (DurationSeconds and the like).
inline constexpr std::int64_t kMaxDurationSeconds = 2147483647;

// Id and ParentId: 1..64 of [a-zA-Z0-9-_].
bool is_valid_operation_id(std::string_view id);
// Number of characters (UTF-8 code points) of `text`, the unit of the model's length limits.
std::size_t char_count(std::string_view text);

// Checks every field of `updates` (named `Updates[i].<Field>` in messages).
void validate_update_fields(const std::vector<OperationUpdate>& updates);
// ClientToken: 1..64 of [\x21-\x7E].
void validate_client_token(std::string_view client_token);

}  // namespace durable::emulator::detail
