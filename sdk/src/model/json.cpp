// The out-of-line JSON text conversions of durable/model/json.hpp.
#include "durable/model/json.hpp"

namespace durable::detail {

std::string dump_json(const Json& value) { return value.dump(); }

Json parse_json(std::string_view text) { return Json::parse(text); }

}  // namespace durable::detail

// The definitions of the extern templates declared in durable/model/json.hpp.
template class nlohmann::basic_json<>;
template class std::vector<nlohmann::json>;
template class std::map<std::string, nlohmann::json, std::less<>>;
