#include "core/request_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

#include "core/hash.h"

namespace watchfloor::core {
namespace {

std::string signature_of(std::string_view key, std::string_view method, std::string_view target, std::string_view date) {
  std::string message;
  message.reserve(method.size() + target.size() + date.size() + 2);
  message.append(method).append("\n").append(target).append("\n").append(date);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), mac, &n))
    throw std::runtime_error("HMAC-SHA256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size_t(n) * 2, '\0');
  for (unsigned i = 0; i < n; ++i) {
    out[2 * i] = kHex[mac[i] >> 4];
    out[2 * i + 1] = kHex[mac[i] & 15];
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sign_request(std::string_view key, std::string_view method,
                                                              std::string_view target, int64_t now_ms) {
  std::string date = std::to_string(now_ms);
  std::string signature = signature_of(key, method, target, date);
  return {{kSignatureDateHeader, std::move(date)}, {kSignatureHeader, std::move(signature)}};
}

bool request_signed(std::string_view key, std::string_view method, std::string_view target, std::string_view date,
                    std::string_view signature, int64_t now_ms) {
  // An empty key would make every signature computable by anyone.
  if (key.empty() || date.empty() || signature.empty()) return false;
  // Digits only: the date is signed as sent, and "+5" or " 5" must not pass for 5.
  int64_t at = 0;
  auto [end, ec] = std::from_chars(date.data(), date.data() + date.size(), at);
  if (ec != std::errc() || end != date.data() + date.size() || date.front() == '-') return false;
  if (at > now_ms + kSignatureSkewMs || at < now_ms - kSignatureSkewMs) return false;
  return secrets_equal(signature, signature_of(key, method, target, date));
}

}  // namespace watchfloor::core
