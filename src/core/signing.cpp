#include "core/signing.h"

#include <sodium.h>

#include <stdexcept>

#include "core/base64.h"
#include "core/hash.h"
#include "core/private_files.h"

namespace watchfloor::core {
namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

SigningKey::SigningKey(const std::filesystem::path& key_file) {
  auto seed = read_or_create_key(key_file, crypto_sign_SEEDBYTES);
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  secret_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(secret_.data()),
                           bytes(seed));
  sodium_memzero(seed.data(), seed.size());
  public_b64_ = to_base64(pk);
  key_id_ = key_id_of(public_b64_);
}

std::string SigningKey::sign(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, bytes(message), message.size(), bytes(secret_));
  return to_base64(sig);
}

bool signature_valid(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (sodium_init() < 0) return false;
  auto pk = from_base64(public_key);
  auto sig = from_base64(signature);
  if (!pk || !sig || pk->size() != crypto_sign_PUBLICKEYBYTES || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(bytes(*sig), bytes(message), message.size(), bytes(*pk)) == 0;
}

std::string key_id_of(std::string_view public_key) {
  auto pk = from_base64(public_key);
  if (!pk || pk->size() != crypto_sign_PUBLICKEYBYTES) return {};
  return sha256_hex(*pk).substr(0, 16);
}

}  // namespace watchfloor::core
