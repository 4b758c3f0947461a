#include "durable/testing/conformance/values.hpp"

#include <charconv>
#include <cmath>
#include <regex>
#include <stdexcept>

namespace durable::testing::conformance {

namespace {

bool is_numberish(const Json& v) { return v.is_number() || v.is_boolean(); }

double as_double(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  return v.get<double>();
}

// Integers compare exactly when both sides are integral, so large ids do not collapse through
// double rounding.
bool numbers_equal(const Json& a, const Json& b) {
  auto integral = [](const Json& v) { return v.is_number_integer() || v.is_boolean(); };
  auto as_int = [](const Json& v) -> long double {
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
    return static_cast<long double>(v.get<std::int64_t>());
  };
  if (integral(a) && integral(b)) return as_int(a) == as_int(b);
  return as_double(a) == as_double(b);
}

std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == 0.0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const auto e_pos = sci.find('e');
  std::string mantissa = sci.substr(0, e_pos);
  const int exponent = std::stoi(sci.substr(e_pos + 1));
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
      const auto int_len = static_cast<std::size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out = digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int abs_exp = exponent < 0 ? -exponent : exponent;
    out += std::string("e") + (exponent < 0 ? "-" : "+") + (abs_exp < 10 ? "0" : "") +
           std::to_string(abs_exp);
  }
  return negative ? "-" + out : out;
}

std::string repr_string(const std::string& s) {
  // Python picks single quotes unless the text holds a single quote and no double quote.
  const bool use_double = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  const char quote = use_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

std::string repr(const Json& v) {
  if (v.is_string()) return repr_string(v.get<std::string>());
  return python_str(v);
}

}  // namespace

bool python_equal(const Json& a, const Json& b) {
  if (is_numberish(a) && is_numberish(b)) return numbers_equal(a, b);
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !python_equal(it.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!python_equal(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

std::string python_str(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "None";
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::number_integer:
      return std::to_string(value.get<std::int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(value.get<std::uint64_t>());
    case Json::value_t::number_float:
      return float_repr(value.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        out += repr(item);
      }
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += repr_string(it.key()) + ": " + repr(it.value());
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

std::string python_json_dumps(const Json& value) {
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ", ";
      out += python_json_dumps(value[i]);
    }
    return out + "]";
  }
  if (value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += Json(it.key()).dump(-1, ' ', true) + ": " + python_json_dumps(it.value());
    }
    return out + "}";
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    return float_repr(d);
  }
  return value.dump(-1, ' ', true);
}

std::optional<std::string> placeholder_name(const std::string& text) {
  static const std::regex kName(R"(^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$)");
  std::smatch m;
  if (std::regex_match(text, m, kName)) return m[1].str();
  return std::nullopt;
}

std::optional<std::string> placeholder_regex(const std::string& text) {
  if (text.size() >= 5 && text.rfind("${/", 0) == 0 && text.compare(text.size() - 2, 2, "/}") == 0) {
    return text.substr(3, text.size() - 5);
  }
  return std::nullopt;
}

bool regex_search(const std::string& pattern, const std::string& subject) {
  // Python's global inline flags at the start, e.g. "(?i)": ECMAScript has no inline groups, so
  // they become syntax options. Only flags with an ECMAScript equivalent are accepted.
  auto flags = std::regex::ECMAScript;
  std::string body = pattern;
  if (body.size() >= 4 && body.compare(0, 2, "(?") == 0) {
    const auto close = body.find(')');
    const std::string letters = close == std::string::npos ? "" : body.substr(2, close - 2);
    if (!letters.empty() && letters.find_first_not_of("imsxauL") == std::string::npos) {
      for (char c : letters) {
        if (c == 'i') {
          flags |= std::regex::icase;
        } else if (c == 'm') {
          flags |= std::regex::multiline;
        } else if (c != 'u') {
          throw std::invalid_argument("invalid regex /" + pattern + "/: inline flag '" +
                                      std::string(1, c) + "' has no ECMAScript equivalent");
        }
      }
      body = body.substr(close + 1);
    }
  }
  std::regex re;
  try {
    re = std::regex(body, flags);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("invalid regex /" + pattern + "/: " + e.what());
  }
  return std::regex_search(subject, re);
}

}  // namespace durable::testing::conformance
