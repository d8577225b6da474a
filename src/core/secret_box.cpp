#include "core/secret_box.h"

#include <sodium.h>

#include <fstream>
#include <stdexcept>

#include "core/private_files.h"

namespace watchfloor::core {
namespace {

std::string to_base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

std::string from_base64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    throw std::runtime_error("sealed secret: not base64");
  out.resize(len);
  return out;
}

}  // namespace

SecretBox::SecretBox(const std::filesystem::path& key_file) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  std::ifstream in(key_file, std::ios::binary);
  if (in) {
    key_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (key_.size() != crypto_secretbox_KEYBYTES)
      throw std::runtime_error("secret key file " + key_file.string() + " has the wrong size");
    return;
  }
  key_.resize(crypto_secretbox_KEYBYTES);
  crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key_.data()));
  create_private_directories(key_file.parent_path());
  auto tmp = key_file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    make_private(tmp);
    out.write(key_.data(), static_cast<std::streamsize>(key_.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, key_file);
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
  std::string box = from_base64(sealed);
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
