#include "core/secret_box.h"

#include <sodium.h>

#include <stdexcept>

#include "core/base64.h"
#include "core/private_files.h"

namespace watchfloor::core {

SecretBox::SecretBox(const std::filesystem::path& key_file) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  key_ = read_or_create_key(key_file, crypto_secretbox_KEYBYTES);
}

std::string SecretBox::seal(const std::string& plaintext) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return to_base64(box);
}

std::string SecretBox::open(const std::string& sealed) const {
  auto decoded = from_base64(sealed);
  if (!decoded) throw std::runtime_error("sealed secret: not base64");
  std::string box = std::move(*decoded);
  if (box.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) throw std::runtime_error("sealed secret: too short");
  std::string plain(box.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 box.size() - crypto_secretbox_NONCEBYTES, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0)
    throw std::runtime_error("sealed secret: wrong key or changed");
  return plain;
}

}  // namespace watchfloor::core
