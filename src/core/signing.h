#pragma once
// Ed25519 signatures (libsodium) with the installation's signing key: the audit log's checkpoints and
// evidence manifests. The key's 32-byte seed lives in a file readable by the server's user only
// (signing.key, beside secret.key); its public half is published (GET /api/v1/keys/public) so that another
// unit can check what this installation signed without trusting the installation.
#include <filesystem>
#include <string>
#include <string_view>

namespace watchfloor::core {

class SigningKey {
 public:
  // Reads the seed from `key_file`, creating it (mode 0600) when it does not exist.
  explicit SigningKey(const std::filesystem::path& key_file);
  // Base64 of the 64-byte detached signature of `message`.
  std::string sign(std::string_view message) const;
  // Base64 of the 32-byte public key, and its short name: the first 16 hex digits of its SHA-256.
  const std::string& public_key() const { return public_b64_; }
  const std::string& key_id() const { return key_id_; }

 private:
  std::string secret_;  // libsodium's 64-byte secret key (seed || public key)
  std::string public_b64_, key_id_;
};

// Whether `signature` (base64) is the signature of `message` by `public_key` (base64); false for
// anything malformed.
bool signature_valid(std::string_view public_key, std::string_view message, std::string_view signature);
// The short name of a public key (base64), as SigningKey::key_id; empty when it is not a key.
std::string key_id_of(std::string_view public_key);

}  // namespace watchfloor::core
