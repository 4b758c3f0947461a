#include "durable/testing/conformance/bindings.hpp"

#include <regex>
#include <stdexcept>

#include "durable/testing/conformance/values.hpp"

namespace durable::testing::conformance {

Bindings::Bindings(std::uint64_t seed) : rng_state_(seed ^ 0x9E3779B97F4A7C15ULL) {}

void Bindings::define_variables(const Json& variables) {
  if (variables.is_null()) return;
  if (!variables.is_object()) {
    throw std::invalid_argument("Variables must be a mapping of NAME: value, got " +
                                variables.dump());
  }
  static const std::regex kGen(R"(^\$\{GEN_STR:([^}]*)\}$)");
  // Generated values first, literals second, so a literal may refer to any generated variable
  // whatever the key order.
  for (auto it = variables.begin(); it != variables.end(); ++it) {
    const Json& v = it.value();
    std::smatch m;
    const std::string text = v.is_string() ? v.get<std::string>() : std::string();
    if (!v.is_string() || !std::regex_match(text, m, kGen)) continue;
    int n = 0;
    try {
      std::size_t used = 0;
      n = std::stoi(m[1].str(), &used);
      if (used != m[1].str().size()) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n <= 0) {
      throw std::invalid_argument("Variables." + it.key() +
                                  ": ${GEN_STR:N} needs a positive N, got '" + m[1].str() + "'");
    }
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string generated;
    for (int i = 0; i < n; ++i) {
      // splitmix64: tiny, seedable, good enough for unique test strings.
      std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      z ^= z >> 31;
      generated.push_back(kAlphabet[z % 36]);
    }
    values_[it.key()] = generated;
  }
  for (auto it = variables.begin(); it != variables.end(); ++it) {
    const Json& v = it.value();
    if (v.is_string() && std::regex_match(v.get<std::string>(), kGen)) continue;
    values_[it.key()] = v.is_string() ? Json(substitute(v.get<std::string>())) : v;
  }
}

bool Bindings::bind_or_check(const std::string& name, const Json& value) {
  auto it = values_.find(name);
  if (it == values_.end()) {
    values_.emplace(name, value);
    return true;
  }
  return python_equal(it->second, value);
}

std::optional<Json> Bindings::lookup(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Bindings::substitute(const std::string& text) const {
  static const std::regex kRef(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kRef);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const auto pos = static_cast<std::size_t>(m.position(0));
    out.append(text, last, pos - last);
    auto found = values_.find(m[1].str());
    if (found == values_.end()) {
      out += m[0].str();
    } else if (found->second.is_string()) {
      out += found->second.get<std::string>();
    } else {
      out += found->second.dump();
    }
    last = pos + static_cast<std::size_t>(m.length(0));
  }
  out.append(text, last, std::string::npos);
  return out;
}

Json Bindings::substitute_all(const Json& value) const {
  if (value.is_string()) return substitute(value.get<std::string>());
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) out.push_back(substitute_all(item));
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = substitute_all(it.value());
    return out;
  }
  return value;
}

}  // namespace durable::testing::conformance
