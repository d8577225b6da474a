#pragma once
// Base64 (RFC 4648) through libsodium: the standard alphabet with padding for what people and other
// programs read (sealed secrets, signatures, public keys), the URL-safe one without padding for tokens.
#include <optional>
#include <string>
#include <string_view>

namespace watchfloor::core {

std::string to_base64(std::string_view bytes);
std::string to_base64url(std::string_view bytes);
// Standard alphabet, with or without padding; nullopt when `text` is not base64.
std::optional<std::string> from_base64(std::string_view text);

}  // namespace watchfloor::core
