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

// The default SerDes of BatchResult<T>. It writes exactly the text Json(batch).dump() gives (the
// to_json above, keys in nlohmann's sorted order) without building the JSON tree, which for a
// large map cost more than running its items; it decodes through from_json.
template <class T>
class BatchResultJsonSerDes final : public SerDes<BatchResult<T>> {
 public:
  std::string serialize(const BatchResult<T>& batch, const SerDesContext&) const override {
    std::string out = "{\"all\":[";
    bool first = true;
    for (const auto& item : batch.all()) {
      out += first ? "{\"error\":" : ",{\"error\":";
      first = false;
      out += item.error ? dump_json(Json(*item.error)) : std::string("null");
      out += ",\"index\":";
      out += std::to_string(item.index);
      out += ",\"result\":";
      if (!item.result) {
        out += "null";
      } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        out += std::to_string(*item.result);  // the digits nlohmann writes
      } else {
        out += dump_json(Json(*item.result));
      }
      out += ",\"status\":\"";
      out += to_string(item.status);
      out += "\"}";
    }
    out += "],\"completionReason\":\"";
    out += to_string(batch.completion_reason());
    out += "\"}";
    return out;
  }
  BatchResult<T> deserialize(std::string_view data, const SerDesContext&) const override {
    if (data.empty()) return Json(nullptr).template get<BatchResult<T>>();
    return parse_json(data).template get<BatchResult<T>>();
  }
};

}  // namespace detail

}  // namespace durable
