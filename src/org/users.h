#pragma once
// People (cán bộ, công chức) and the roles granted to them at units.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/policy.h"
#include "auth/sessions.h"
#include "core/clock.h"
#include "org/units.h"
#include "store/db.h"

namespace watchfloor::org {

struct User {
  int64_t id = 0;
  std::string username, full_name, title;
  int64_t unit_id = 0;
  bool active = true, must_change_password = false;
  std::vector<auth::Grant> roles;
  int64_t created_at = 0;
  std::optional<int64_t> last_login_at;
};

struct UserInput {
  std::optional<std::string> username, full_name, title, password;
  std::optional<int64_t> unit_id;
  std::optional<bool> active, must_change_password;
  std::optional<std::vector<auth::Grant>> roles;
};

struct UserQuery {
  std::optional<std::vector<int64_t>> unit_ids;  // restrict to these units (scope); nullopt: all
  std::optional<int64_t> unit;                   // only this unit's subtree
  std::optional<std::string> text;               // in username or full name
};

class Users {
 public:
  Users(store::Db& db, const core::Clock& clock, Units& units, audit::AuditLog& audit, auth::Sessions& sessions)
      : db_(db), clock_(clock), units_(units), audit_(audit), sessions_(sessions) {}
  std::vector<User> list(const UserQuery& q);
  std::optional<User> get(int64_t id);
  // Username and full name of each of `ids` that exists, in one query (naming people in a list).
  struct Name {
    std::string username, full_name;
  };
  std::map<int64_t, Name> names(const std::vector<int64_t>& ids);
  std::optional<User> by_username(const std::string& username);
  // The stored argon2id hash, for login only.
  std::optional<std::string> password_hash(int64_t id);
  // Each one unit of work with its audit entry ("user.create", "user.update"; what was set, never a
  // password). Nobody disables their own account; a password someone else sets is for one use; disabling
  // or setting a password ends the person's sessions.
  User create(const UserInput& in, const audit::Actor& by);
  User update(int64_t id, const UserInput& in, const audit::Actor& by);
  // A password the installation sets for a person (the demo's, usable at once unless `must_change`): one
  // unit of work with its audit entry ("user.update", password_reset); the person's sessions end.
  void set_password(int64_t id, const std::string& password, bool must_change, const audit::Actor& by);
  // Sensitive reads and the sign-in unlock, audited: a list of people (`query` and how many it answered,
  // at the reader's unit), another person's record, the unlock of a person's sign-in throttle.
  void listed(const nlohmann::json& query, size_t count, const auth::Principal& reader, const audit::Actor& by);
  void opened(const User& u, const audit::Actor& by);
  void unlocked(const User& u, bool was_throttled, const audit::Actor& by);
  // Signing in and out, audited ("auth.login", "auth.login_failed" with the username tried and why,
  // "auth.logout"). `from` is the request (its address); a session is created for `u`.
  auth::NewSession signed_in(const User& u, const audit::Actor& from);
  void sign_in_refused(const std::string& username, const std::optional<User>& u, const std::string& reason,
                       const audit::Actor& from);
  void sign_out(const std::string& token, const audit::Actor& by);
  // A person's own password change ("auth.password_change"): their other sessions end, `keep_token`'s stays.
  void change_password(const audit::Actor& by, const std::string& password, const std::string& keep_token);
  void password_change_refused(const audit::Actor& by, const std::string& reason);
  auth::Principal principal(const User& u) const;

 private:
  User create(const UserInput& in);
  User update(int64_t id, const UserInput& in);
  void write_password(int64_t id, const std::string& password, bool must_change);
  void record_login(int64_t id);
  void validate(const std::optional<User>& before, const UserInput& in);
  store::Db& db_;
  const core::Clock& clock_;
  Units& units_;
  audit::AuditLog& audit_;
  auth::Sessions& sessions_;
};

nlohmann::json to_json(const User& u);

}  // namespace watchfloor::org
