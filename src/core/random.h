#pragma once
#include <string>
#include <string_view>

namespace watchfloor::core {

// Cryptographically random token, URL-safe base64 without padding.
std::string random_token(size_t bytes = 32);
// A password that people can read aloud: groups of letters and digits, meets the password policy.
std::string random_password();

}  // namespace watchfloor::core
