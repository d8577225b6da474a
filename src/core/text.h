#pragma once
// Small text helpers for protocol tokens (header values, schemes, extensions, URL parameter names).
#include <string>
#include <string_view>

namespace watchfloor::core {

// ASCII lower case; bytes outside A–Z (UTF-8 included) are kept as they are.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace watchfloor::core
