#pragma once
// Message digests (OpenSSL's libcrypto, which uses the CPU's SHA extensions where present: the
// recorder hashes every byte it writes).
#include <memory>
#include <string>
#include <string_view>

namespace watchfloor::core {

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex();  // lower-case hex of everything updated so far; the object is spent afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Whether a secret someone sent equals the expected one, in time that depends on neither: both are
// hashed first, so that not even the length of the expected secret shows in the timing.
bool secrets_equal(std::string_view given, std::string_view expected);
// Lower-case hex MD5 — only where a protocol demands it (RTSP Digest authentication, RFC 2617).
std::string md5_hex(std::string_view data);

}  // namespace watchfloor::core
