// CompletionConfig: when a parallel or map operation stops (SDK-SEMANTICS.md §4, §5).
#pragma once

#include <cstddef>
#include <optional>

namespace durable {

// How the fields combine (as the TypeScript SDK, and the Python SDK except for min_successful
// alone, which Python treats as fail-fast):
//  * no field set: the first failure stops the batch (FAILURE_TOLERANCE_EXCEEDED);
//  * otherwise each set tolerance is its own limit and exceeding either stops the batch; an
//    unset tolerance is no limit, so min_successful alone tolerates every failure;
//  * the batch also completes when every started item finished (ALL_COMPLETED) or once
//    min_successful items succeeded (MIN_SUCCESSFUL_REACHED); a tolerance exceeded wins.
struct CompletionConfig {
  // The batch completes as soon as this many items succeeded (must be 1..item count).
  std::optional<std::size_t> min_successful{};
  // The batch stops once more than this many items failed.
  std::optional<std::size_t> tolerated_failure_count{};
  // The batch stops once more than this percentage (0..100) of all items failed.
  std::optional<double> tolerated_failure_percentage{};

  // Done at the first success.
  static CompletionConfig first_successful() { return {1, std::nullopt, std::nullopt}; }
  // Every item must succeed: the first failure stops the batch.
  static CompletionConfig all_successful() { return {std::nullopt, 0, 0.0}; }
  // Runs every item whatever fails.
  static CompletionConfig all_completed() { return {std::nullopt, std::nullopt, 100.0}; }

  // True when no criterion is set; such a batch stops at its first failure (fail fast).
  bool empty() const {
    return !min_successful && !tolerated_failure_count && !tolerated_failure_percentage;
  }
};

}  // namespace durable
