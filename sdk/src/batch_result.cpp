#include "durable/batch_result.hpp"

namespace durable {

std::string_view to_string(BatchItemStatus status) {
  switch (status) {
    case BatchItemStatus::Succeeded: return "SUCCEEDED";
    case BatchItemStatus::Failed: return "FAILED";
    case BatchItemStatus::Started: return "STARTED";
  }
  return "STARTED";
}

std::string_view to_string(CompletionReason reason) {
  switch (reason) {
    case CompletionReason::AllCompleted: return "ALL_COMPLETED";
    case CompletionReason::MinSuccessfulReached: return "MIN_SUCCESSFUL_REACHED";
    case CompletionReason::FailureToleranceExceeded: return "FAILURE_TOLERANCE_EXCEEDED";
  }
  return "ALL_COMPLETED";
}

std::string_view to_string(BatchStatus status) {
  return status == BatchStatus::Failed ? "FAILED" : "SUCCEEDED";
}

BatchItemStatus batch_item_status_from_string(std::string_view text) {
  if (text == "SUCCEEDED") return BatchItemStatus::Succeeded;
  if (text == "FAILED") return BatchItemStatus::Failed;
  if (text == "STARTED") return BatchItemStatus::Started;
  throw std::invalid_argument("unknown batch item status \"" + std::string(text) + "\"");
}

CompletionReason completion_reason_from_string(std::string_view text) {
  if (text == "ALL_COMPLETED") return CompletionReason::AllCompleted;
  if (text == "MIN_SUCCESSFUL_REACHED") return CompletionReason::MinSuccessfulReached;
  if (text == "FAILURE_TOLERANCE_EXCEEDED") return CompletionReason::FailureToleranceExceeded;
  throw std::invalid_argument("unknown completion reason \"" + std::string(text) + "\"");
}

}  // namespace durable
