#include "durable/testing/conformance/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <regex>

namespace durable::testing::conformance {

RequirementError::RequirementError(std::string source, std::string field,
                                   const std::string& message)
    : std::runtime_error(source + (field.empty() ? std::string() : ": field '" + field + "'") +
                         ": " + message),
      source_(std::move(source)),
      field_(std::move(field)) {}

namespace {

std::string strip_underscores(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// YAML 1.1 scalar resolution as PyYAML's SafeLoader does it (sexagesimal numbers and timestamps
// are left as strings: no requirement uses them and keeping the text is the safer reading).
Json resolve_plain(const std::string& s) {
  static const std::regex kNull("^(~|null|Null|NULL|)$");
  static const std::regex kTrue("^(yes|Yes|YES|true|True|TRUE|on|On|ON)$");
  static const std::regex kFalse("^(no|No|NO|false|False|FALSE|off|Off|OFF)$");
  static const std::regex kDec("^[-+]?(0|[1-9][0-9_]*)$");
  static const std::regex kBin("^[-+]?0b[0-1_]+$");
  static const std::regex kOct("^[-+]?0[0-7_]+$");
  static const std::regex kHex("^[-+]?0x[0-9a-fA-F_]+$");
  static const std::regex kFloat(
      "^[-+]?([0-9][0-9_]*\\.[0-9_]*|\\.[0-9][0-9_]*)([eE][-+][0-9]+)?$");
  static const std::regex kInf("^[-+]?\\.(inf|Inf|INF)$");
  static const std::regex kNan("^\\.(nan|NaN|NAN)$");
  if (std::regex_match(s, kNull)) return nullptr;
  if (std::regex_match(s, kTrue)) return true;
  if (std::regex_match(s, kFalse)) return false;
  auto parse_int = [&](int base, std::size_t prefix) -> Json {
    std::string digits = strip_underscores(s);
    bool negative = false;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
      negative = digits[0] == '-';
      digits.erase(0, 1);
    }
    digits.erase(0, prefix);
    try {
      long long v = std::stoll(digits, nullptr, base);
      return negative ? -v : v;
    } catch (const std::out_of_range&) {
      // Beyond int64: Python keeps it exact; a double is the closest for decimals, and other bases
      // keep their text rather than a wrong value.
      if (base == 10) return std::stod(strip_underscores(s));
      return s;
    }
  };
  if (std::regex_match(s, kDec)) return parse_int(10, 0);
  if (std::regex_match(s, kBin)) return parse_int(2, 2);
  if (std::regex_match(s, kHex)) return parse_int(16, 2);
  if (std::regex_match(s, kOct)) return parse_int(8, 1);
  if (std::regex_match(s, kFloat)) {
    try {
      return std::stod(strip_underscores(s));
    } catch (const std::exception&) {
      return s;  // e.g. an exponent beyond double range: keep the text rather than guess
    }
  }
  if (std::regex_match(s, kInf)) {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  if (std::regex_match(s, kNan)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

Json convert(const YAML::Node& node, const std::string& source, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?"; only plain scalars are resolved.
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      return resolve_plain(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      std::size_t i = 0;
      for (const auto& item : node) {
        out.push_back(convert(item, source, path + "[" + std::to_string(i++) + "]"));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          throw RequirementError(source, path, "mapping keys must be scalars");
        }
        const std::string key = kv.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        out[key] = convert(kv.second, source, child);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Json yaml_to_json(std::string_view text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw RequirementError(source, "", std::string("invalid YAML: ") + e.what());
  }
  return convert(root, source, "");
}

}  // namespace durable::testing::conformance
