// Pieces of the rest-json wire format the HTTP server needs: percent-decoding of path segments
// and ISO-8601 query timestamps. Each throws ApiError 400 InvalidParameterValueException with a
// message naming the offending text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "durable/model/json.hpp"

namespace durable::emulator::http {

// Decodes %XX escapes; '+' stays '+' (paths are not form-encoded). Throws on a truncated or
// non-hex escape.
std::string percent_decode(std::string_view text);
// Encodes everything except unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string percent_encode(std::string_view text);
// Splits the raw request target's path ("/a/b%2Fc?x=1") into decoded segments, dropping the
// query and the leading empty segment. The split happens before decoding, so %2F stays inside
// its segment as the API model's URI labels require.
std::vector<std::string> split_path(std::string_view target);
// Parses YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), or a plain number of epoch seconds
// (finite, at most 9999-12-31T23:59:59Z either side of the epoch: nan and inf are refused).
// `field` names the parameter in the error message.
Timestamp parse_query_timestamp(std::string_view text, std::string_view field);

}  // namespace durable::emulator::http
