#pragma once
// Small text helpers: protocol tokens (header values, schemes, extensions, URL parameter names) and
// UTF-8 text cut to a length.
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

// The longest prefix of `s` of at most `max_bytes` that does not cut a UTF-8 character in two (a cut
// one would make the JSON that carries it invalid).
inline std::string utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

}  // namespace watchfloor::core
