#pragma once
// Login sessions (phiên đăng nhập): a random token in an HttpOnly cookie; only its SHA-256 is stored.
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "store/db.h"

namespace watchfloor::auth {

struct NewSession {
  std::string token;  // goes to the client once, never stored or logged
  std::string csrf_token;
};

struct Session {
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
};

class Sessions {
 public:
  Sessions(store::Db& db, const core::Clock& clock, const core::SecurityConfig& cfg)
      : db_(db), clock_(clock), cfg_(cfg) {}
  NewSession create(int64_t user_id, const std::string& ip);
  // The live session for a token; expired sessions (idle or absolute timeout) are removed and not returned.
  // `touch` = false checks without counting as activity (a console that only listens stays idle).
  std::optional<Session> find(const std::string& token, bool touch = true);
  void remove(const std::string& token);
  // Ends every session of the user except the one with token `keep` (if given).
  void remove_all_for_user(int64_t user_id, const std::string& keep = {});

 private:
  store::Db& db_;
  const core::Clock& clock_;
  core::SecurityConfig cfg_;
};

}  // namespace watchfloor::auth
