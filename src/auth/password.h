#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace watchfloor::auth {

// argon2id (libsodium, interactive limits) in the PHC string format.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// Spends the same time as a real verification, so that unknown usernames are not revealed by timing.
void verify_dummy(std::string_view password);

// At least 12 characters, not the username, at least three of: lower case, upper case, digit, symbol.
// Returns the problems (empty when acceptable), attributed to `field`.
std::vector<core::FieldError> check_password_policy(std::string_view password, std::string_view username,
                                                    const std::string& field = "password");

}  // namespace watchfloor::auth
