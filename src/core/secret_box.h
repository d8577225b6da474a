#pragma once
// Secrets at rest (camera credentials): XSalsa20-Poly1305 (libsodium secretbox) with one key per
// installation, kept in a file readable by the server's user only. Sealed text is base64 of
// nonce || ciphertext; opening checks the tag, so a tampered value is refused, not misread.
#include <filesystem>
#include <string>

namespace watchfloor::core {

class SecretBox {
 public:
  // Reads the key from `key_file`, creating it (mode 0600) with a random key when it does not exist.
  explicit SecretBox(const std::filesystem::path& key_file);
  std::string seal(const std::string& plaintext) const;
  // Throws std::runtime_error when the value was not sealed with this key or was changed.
  std::string open(const std::string& sealed) const;

 private:
  std::string key_;
};

}  // namespace watchfloor::core
