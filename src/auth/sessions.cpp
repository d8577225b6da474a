#include "auth/sessions.h"

#include "core/hash.h"
#include "core/random.h"

namespace watchfloor::auth {

NewSession Sessions::create(int64_t user_id, const std::string& ip) {
  NewSession s{core::random_token(32), core::random_token(24)};
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO sessions(token_hash, user_id, csrf_token, created_at, last_seen_at, ip) VALUES (?,?,?,?,?,?)",
           {core::sha256_hex(s.token), user_id, s.csrf_token, now, now, ip});
  return s;
}

std::optional<Session> Sessions::find(const std::string& token, bool touch) {
  if (token.empty() || token.size() > 100) return std::nullopt;
  std::string h = core::sha256_hex(token);
  auto row = db_.query_one("SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = ?", {h});
  if (!row) return std::nullopt;
  int64_t now = clock_.now_ms();
  int64_t idle_ms = int64_t(cfg_.session_idle_minutes) * 60'000;
  int64_t absolute_ms = int64_t(cfg_.session_absolute_hours) * 3'600'000;
  if (now - row->i64("last_seen_at") > idle_ms || now - row->i64("created_at") > absolute_ms) {
    db_.exec("DELETE FROM sessions WHERE token_hash = ?", {h});
    return std::nullopt;
  }
  // Refresh the idle clock at most once a minute, so that reads do not turn into writes.
  if (touch && now - row->i64("last_seen_at") > 60'000) db_.exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", {now, h});
  return Session{row->i64("user_id"), row->str("csrf_token"), row->i64("created_at")};
}

void Sessions::remove(const std::string& token) {
  db_.exec("DELETE FROM sessions WHERE token_hash = ?", {core::sha256_hex(token)});
}

void Sessions::remove_all_for_user(int64_t user_id, const std::string& keep) {
  db_.exec("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", {user_id, keep.empty() ? "" : core::sha256_hex(keep)});
}

}  // namespace watchfloor::auth
