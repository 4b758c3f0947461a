// Operation ids: the deterministic, position-derived identifiers of durable operations
// (PROTOCOL.md §7.1, the Python scheme).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace durable {

// Length of every id produced by operation_id(): 64 lowercase hex characters.
inline constexpr std::size_t kOperationIdLength = 64;

// Returns the id of the operation at 1-based position `n` of a context (or of item `n`, 0-based,
// of a map/parallel whose id is `prefix`).
//   raw = prefix ? *prefix + "-" + decimal(n) : decimal(n)
//   id  = lowercase_hex(BLAKE2b-512(raw))[0:64]
// The root context passes no prefix; a child context passes its own operation id. The result is a
// pure function of its inputs, so replay recomputes exactly the ids the first run checkpointed;
// nothing is checkpointed here. Safe to call from any thread concurrently; never throws except
// std::bad_alloc.
std::string operation_id(std::optional<std::string_view> prefix, std::uint64_t n);

}  // namespace durable
