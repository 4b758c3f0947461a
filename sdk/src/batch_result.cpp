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

namespace detail {

std::string encode_batch_json(const std::vector<BatchJsonEntry>& entries, CompletionReason reason) {
  std::string out = "{\"all\":[";
  bool first = true;
  for (const auto& entry : entries) {
    out += first ? "{\"error\":" : ",{\"error\":";
    first = false;
    out += entry.error != nullptr ? dump_json(Json(*entry.error)) : std::string("null");
    out += ",\"index\":";
    out += std::to_string(entry.index);
    out += ",\"result\":";
    out += entry.result ? std::string_view(*entry.result) : std::string_view("null");
    out += ",\"status\":\"";
    out += to_string(entry.status);
    out += "\"}";
  }
  out += "],\"completionReason\":\"";
  out += to_string(reason);
  out += "\"}";
  return out;
}

DecodedBatch decode_batch_json(std::string_view text) {
  const Json json = text.empty() ? Json(nullptr) : parse_json(text);
  if (!json.is_object() || !json.contains("all") || !json.at("all").is_array()) {
    throw std::invalid_argument("BatchResult JSON needs an \"all\" array");
  }
  DecodedBatch decoded;
  decoded.entries.reserve(json.at("all").size());
  for (const auto& item : json.at("all")) {
    DecodedBatchEntry entry;
    entry.index = item.at("index").get<std::size_t>();
    entry.status = batch_item_status_from_string(item.at("status").get<std::string>());
    if (item.contains("result") && !item.at("result").is_null()) entry.result = item.at("result");
    if (item.contains("error") && !item.at("error").is_null()) {
      entry.error = item.at("error").get<ErrorObject>();
    }
    decoded.entries.push_back(std::move(entry));
  }
  decoded.reason = completion_reason_from_string(json.at("completionReason").get<std::string>());
  return decoded;
}

}  // namespace detail

}  // namespace durable
