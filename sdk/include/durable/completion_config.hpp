// CompletionConfig: when a parallel or map operation stops (SDK-SEMANTICS.md §4, §5).
#pragma once

#include <cstddef>
#include <optional>

namespace durable {

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
