#include "core/random.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

#include "core/base64.h"

namespace watchfloor::core {
namespace {
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

std::string random_token(size_t bytes) {
  ensure_sodium();
  std::string buf(bytes, '\0');
  randombytes_buf(buf.data(), buf.size());
  return to_base64url(buf);
}

std::string random_password() {
  ensure_sodium();
  // No look-alikes (0/O, 1/l/I).
  static constexpr std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
  static constexpr std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view digits = "23456789";
  std::string out;
  for (int group = 0; group < 4; ++group) {
    if (group) out += '-';
    out += upper[randombytes_uniform(upper.size())];
    for (int i = 0; i < 3; ++i) out += lower[randombytes_uniform(lower.size())];
    out += digits[randombytes_uniform(digits.size())];
  }
  return out;
}

}  // namespace watchfloor::core
