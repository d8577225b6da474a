#include "core/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace watchfloor::core {

namespace {

std::string to_hex(const unsigned char* d, unsigned n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size_t(n) * 2, '\0');
  for (unsigned i = 0; i < n; ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 15];
  }
  return out;
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (!EVP_Digest(data.data(), data.size(), d, &n, md, nullptr)) throw std::runtime_error("digest failed");
  return to_hex(d, n);
}

}  // namespace

struct Sha256::Ctx {
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(c); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->c || !EVP_DigestInit_ex(ctx_->c, EVP_sha256(), nullptr)) throw std::runtime_error("SHA-256 init failed");
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  if (!EVP_DigestUpdate(ctx_->c, data.data(), data.size())) throw std::runtime_error("SHA-256 update failed");
}

std::string Sha256::hex() {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (!EVP_DigestFinal_ex(ctx_->c, d, &n)) throw std::runtime_error("SHA-256 final failed");
  return to_hex(d, n);
}

std::string sha256_hex(std::string_view data) { return digest_hex(EVP_sha256(), data); }
std::string md5_hex(std::string_view data) { return digest_hex(EVP_md5(), data); }

bool secrets_equal(std::string_view given, std::string_view expected) {
  unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
  unsigned na = 0, nb = 0;
  if (!EVP_Digest(given.data(), given.size(), a, &na, EVP_sha256(), nullptr) ||
      !EVP_Digest(expected.data(), expected.size(), b, &nb, EVP_sha256(), nullptr))
    throw std::runtime_error("digest failed");
  return na == nb && CRYPTO_memcmp(a, b, na) == 0;
}

}  // namespace watchfloor::core
