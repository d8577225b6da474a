#include "auth/password.h"

#include <sodium.h>

#include <cctype>
#include <stdexcept>

namespace watchfloor::auth {
namespace {
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_dummy(std::string_view password) {
  static const std::string dummy = hash_password("watchfloor-dummy-password");
  verify_password(dummy, password);
}

std::vector<core::FieldError> check_password_policy(std::string_view pw, std::string_view username,
                                                    const std::string& field) {
  std::vector<core::FieldError> errs;
  size_t chars = 0;
  bool lower = false, upper = false, digit = false, symbol = false;
  for (unsigned char c : pw) {
    chars += (c & 0xC0) != 0x80;
    if (std::islower(c)) lower = true;
    else if (std::isupper(c)) upper = true;
    else if (std::isdigit(c)) digit = true;
    else symbol = true;  // includes any non-ASCII letter
  }
  if (chars < 12) errs.push_back({field, "Mật khẩu phải có ít nhất 12 ký tự", "The password must have at least 12 characters"});
  if (chars > 256) errs.push_back({field, "Mật khẩu dài tối đa 256 ký tự", "The password must have at most 256 characters"});
  if (lower + upper + digit + symbol < 3)
    errs.push_back({field, "Mật khẩu phải gồm ít nhất 3 loại: chữ thường, chữ hoa, chữ số, ký hiệu",
                    "The password must mix at least 3 of: lower case, upper case, digits, symbols"});
  std::string lowered;
  for (unsigned char c : pw) lowered += static_cast<char>(std::tolower(c));
  if (!username.empty() && lowered.find(username) != std::string::npos)
    errs.push_back({field, "Mật khẩu không được chứa tên đăng nhập", "The password must not contain the username"});
  return errs;
}

}  // namespace watchfloor::auth
