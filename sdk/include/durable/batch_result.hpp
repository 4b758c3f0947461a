// BatchResult: what parallel and map return (SDK-SEMANTICS.md §5).
//
// `all()` lists every item that was started, in index order; items never started (the batch
// completed early) are omitted. An item is STARTED when it had begun but was not finished when
// the batch completed (a straggler stopped by early completion, or a suspended branch).
// JSON form: {"all":[{"index":i,"status":"SUCCEEDED","result":...,"error":{...}}],
//             "completionReason":"ALL_COMPLETED"}.
#pragma once

#include <cstddef>
#include <ostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "durable/errors.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"
#include "durable/serdes.hpp"

namespace durable {

enum class BatchItemStatus { Succeeded, Failed, Started };
enum class CompletionReason { AllCompleted, MinSuccessfulReached, FailureToleranceExceeded };
// Overall status of a batch: FAILED iff any item failed.
enum class BatchStatus { Succeeded, Failed };

std::string_view to_string(BatchItemStatus status);
std::string_view to_string(CompletionReason reason);
std::string_view to_string(BatchStatus status);
// Inverse of to_string; throws std::invalid_argument naming the unknown text.
BatchItemStatus batch_item_status_from_string(std::string_view text);
CompletionReason completion_reason_from_string(std::string_view text);

template <class T>
struct BatchItem {
  std::size_t index = 0;
  BatchItemStatus status = BatchItemStatus::Started;
  std::optional<T> result{};
  std::optional<ErrorObject> error{};
  // The item's operation name (branch name, map-item-<i>, or the item namer's); not serialized.
  std::string name{};
};

template <class T>
class BatchResult {
 public:
  BatchResult() = default;
  BatchResult(std::vector<BatchItem<T>> items, CompletionReason reason)
      : all_(std::move(items)), reason_(reason) {}

  const std::vector<BatchItem<T>>& all() const { return all_; }
  CompletionReason completion_reason() const { return reason_; }

  std::vector<BatchItem<T>> succeeded() const { return with(BatchItemStatus::Succeeded); }
  std::vector<BatchItem<T>> failed() const { return with(BatchItemStatus::Failed); }
  std::vector<BatchItem<T>> started() const { return with(BatchItemStatus::Started); }

  // Results of the successful items, in index order.
  std::vector<T> get_results() const {
    std::vector<T> out;
    for (const auto& item : all_) {
      if (item.status == BatchItemStatus::Succeeded && item.result) out.push_back(*item.result);
    }
    return out;
  }
  // Errors of the failed items, in index order.
  std::vector<ErrorObject> get_errors() const {
    std::vector<ErrorObject> out;
    for (const auto& item : all_) {
      if (item.status == BatchItemStatus::Failed && item.error) out.push_back(*item.error);
    }
    return out;
  }
  // Throws the first failed item's error as ChildContextError; returns when nothing failed.
  void throw_if_error() const {
    for (const auto& item : all_) {
      if (item.status == BatchItemStatus::Failed) {
        throw ChildContextError(item.error.value_or(
            ErrorObject{"ChildContextError", "batch item " + std::to_string(item.index) +
                                                 " failed",
                        std::nullopt, std::nullopt}));
      }
    }
  }

  BatchStatus status() const { return has_failure() ? BatchStatus::Failed : BatchStatus::Succeeded; }
  bool has_failure() const { return failure_count() > 0; }
  std::size_t success_count() const { return count(BatchItemStatus::Succeeded); }
  std::size_t failure_count() const { return count(BatchItemStatus::Failed); }
  std::size_t started_count() const { return count(BatchItemStatus::Started); }
  std::size_t total_count() const { return all_.size(); }

 private:
  std::vector<BatchItem<T>> with(BatchItemStatus status) const {
    std::vector<BatchItem<T>> out;
    for (const auto& item : all_) {
      if (item.status == status) out.push_back(item);
    }
    return out;
  }
  std::size_t count(BatchItemStatus status) const {
    std::size_t n = 0;
    for (const auto& item : all_) n += item.status == status ? 1 : 0;
    return n;
  }

  std::vector<BatchItem<T>> all_;
  CompletionReason reason_ = CompletionReason::AllCompleted;
};

// Test-output printers: `#1 FAILED ErrorObject{...}` for an item; for a batch
// `BatchResult{ALL_COMPLETED, [#0 SUCCEEDED 1, #1 FAILED ErrorObject{...}]}`. A result prints with
// its own operator<< if it has one, else as compact JSON, else as "<value>".
template <class T>
std::ostream& operator<<(std::ostream& os, const BatchItem<T>& item) {
  os << '#' << item.index << ' ' << item.status;
  if (!item.name.empty()) os << " \"" << item.name << '"';
  if (item.result) {
    if constexpr (requires(std::ostream& out, const T& value) { out << value; }) {
      if constexpr (std::is_same_v<T, Json>) {
        os << ' ' << item.result->dump(-1, ' ', false, Json::error_handler_t::replace);
      } else {
        os << ' ' << *item.result;
      }
    } else if constexpr (requires(const T& value) { Json(value); }) {
      os << ' ' << Json(*item.result).dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
      os << " <value>";
    }
  }
  if (item.error) os << ' ' << *item.error;
  return os;
}
template <class T>
std::ostream& operator<<(std::ostream& os, const BatchResult<T>& batch) {
  os << "BatchResult{" << batch.completion_reason() << ", [";
  const char* separator = "";
  for (const auto& item : batch.all()) {
    os << separator << item;
    separator = ", ";
  }
  return os << "]}";
}

template <class T>
  requires requires(const T& v, const Json& j) {
    Json(v);
    j.template get<T>();
  }
void to_json(Json& json, const BatchResult<T>& batch) {
  Json all = Json::array();
  for (const auto& item : batch.all()) {
    Json entry = {{"index", item.index}, {"status", std::string(to_string(item.status))}};
    entry["result"] = item.result ? Json(*item.result) : Json(nullptr);
    entry["error"] = item.error ? Json(*item.error) : Json(nullptr);
    all.push_back(std::move(entry));
  }
  json = Json{{"all", std::move(all)},
              {"completionReason", std::string(to_string(batch.completion_reason()))}};
}

template <class T>
  requires requires(const T& v, const Json& j) {
    Json(v);
    j.template get<T>();
  }
void from_json(const Json& json, BatchResult<T>& batch) {
  if (!json.is_object() || !json.contains("all") || !json.at("all").is_array()) {
    throw std::invalid_argument("BatchResult JSON needs an \"all\" array");
  }
  std::vector<BatchItem<T>> items;
  for (const auto& entry : json.at("all")) {
    BatchItem<T> item;
    item.index = entry.at("index").get<std::size_t>();
    item.status = batch_item_status_from_string(entry.at("status").get<std::string>());
    if (entry.contains("result") && !entry.at("result").is_null()) {
      item.result = entry.at("result").get<T>();
    }
    if (entry.contains("error") && !entry.at("error").is_null()) {
      item.error = entry.at("error").get<ErrorObject>();
    }
    items.push_back(std::move(item));
  }
  batch = BatchResult<T>(std::move(items),
                         completion_reason_from_string(json.at("completionReason").get<std::string>()));
}

namespace detail {

// Value types whose JSON round trip is the identity, so a batch that was just run may return the
// BatchResult it built instead of decoding its own encoding again.
template <class T>
inline constexpr bool kJsonRoundTripIsIdentity =
    std::is_integral_v<T> || std::is_same_v<T, std::string>;

// The JSON form of a BatchResult with the item type erased, compiled once in the library
// (batch_result.cpp), so that the default SerDes below costs a user's translation unit little
// more than the item type's own JSON conversion. Any thread.
//
// One item as encode_batch_json writes it: `result` is the JSON text of the item's result
// (exactly dump_json(Json(result))), nullopt for "result":null; `error` may be null.
struct BatchJsonEntry {
  std::size_t index = 0;
  BatchItemStatus status = BatchItemStatus::Started;
  std::optional<std::string> result;
  const ErrorObject* error = nullptr;
};
// Exactly Json(batch).dump() of the to_json above (keys in nlohmann's sorted order), written
// without building the JSON tree: for a large map that cost more than running its items.
// Throws what dump_json throws for an error holding invalid UTF-8.
std::string encode_batch_json(const std::vector<BatchJsonEntry>& entries, CompletionReason reason);
// One item as decode_batch_json reads it; `result` absent when the item's result is null.
struct DecodedBatchEntry {
  std::size_t index = 0;
  BatchItemStatus status = BatchItemStatus::Started;
  std::optional<Json> result;
  std::optional<ErrorObject> error;
};
struct DecodedBatch {
  std::vector<DecodedBatchEntry> entries;
  CompletionReason reason = CompletionReason::AllCompleted;
};
// Reads what from_json above reads, with its errors: "" decodes like JSON null, which (like any
// non-object, or an object without an "all" array) is std::invalid_argument; malformed JSON,
// missing members and wrong member types throw nlohmann's exceptions; unknown status or
// completion reason names throw std::invalid_argument.
DecodedBatch decode_batch_json(std::string_view text);

// The default SerDes of BatchResult<T>: the JSON form above, through the type-erased codec; the
// item results go through JsonSerDes<T>::encode and Json::get<T>, the instantiations the
// item type needs anyway.
template <class T>
class BatchResultJsonSerDes final : public SerDes<BatchResult<T>> {
 public:
  std::string serialize(const BatchResult<T>& batch, const SerDesContext&) const override {
    std::vector<BatchJsonEntry> entries;
    entries.reserve(batch.all().size());
    for (const auto& item : batch.all()) {
      BatchJsonEntry entry;
      entry.index = item.index;
      entry.status = item.status;
      if (item.result) entry.result = JsonSerDes<T>::encode(*item.result);
      if (item.error) entry.error = &*item.error;
      entries.push_back(std::move(entry));
    }
    return encode_batch_json(entries, batch.completion_reason());
  }
  BatchResult<T> deserialize(std::string_view data, const SerDesContext&) const override {
    DecodedBatch decoded = decode_batch_json(data);
    std::vector<BatchItem<T>> items;
    items.reserve(decoded.entries.size());
    for (auto& entry : decoded.entries) {
      BatchItem<T> item;
      item.index = entry.index;
      item.status = entry.status;
      if (entry.result) item.result = entry.result->template get<T>();
      item.error = std::move(entry.error);
      items.push_back(std::move(item));
    }
    return BatchResult<T>(std::move(items), decoded.reason);
  }
};

}  // namespace detail

}  // namespace durable
