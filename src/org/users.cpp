#include "org/users.h"

#include <regex>

#include "auth/password.h"
#include "core/error.h"
#include "store/work.h"

namespace watchfloor::org {
namespace {
const char* kSelect =
    "SELECT id, username, full_name, title, unit_id, active, must_change_password, created_at, last_login_at FROM users";

User from_row(const store::Row& r) {
  User u;
  u.id = r.i64("id");
  u.username = r.str("username");
  u.full_name = r.str("full_name");
  u.title = r.str("title");
  u.unit_id = r.i64("unit_id");
  u.active = r.boolean("active");
  u.must_change_password = r.boolean("must_change_password");
  u.created_at = r.i64("created_at");
  u.last_login_at = r.opt_i64("last_login_at");
  return u;
}
}  // namespace

std::vector<User> Users::list(const UserQuery& q) {
  std::vector<User> out;
  auto tree = units_.tree();
  db_.read([&] {
    for (const auto& r : db_.query(std::string(kSelect) + " ORDER BY username")) {
      User u = from_row(r);
      if (q.unit && !tree->contains(*q.unit, u.unit_id)) continue;
      if (q.unit_ids) {
        bool in = false;
        for (auto root : *q.unit_ids) in = in || tree->contains(root, u.unit_id);
        if (!in) continue;
      }
      if (q.text && u.username.find(*q.text) == std::string::npos && u.full_name.find(*q.text) == std::string::npos)
        continue;
      out.push_back(std::move(u));
    }
    for (auto& u : out)
      for (const auto& g : db_.query("SELECT role, unit_id FROM role_grants WHERE user_id = ? ORDER BY role", {u.id}))
        if (auto role = auth::parse_role(g.str("role"))) u.roles.push_back({*role, g.i64("unit_id")});
  });
  return out;
}

std::optional<User> Users::get(int64_t id) {
  std::optional<User> u;
  db_.read([&] {
    auto row = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
    if (!row) return;
    u = from_row(*row);
    for (const auto& g : db_.query("SELECT role, unit_id FROM role_grants WHERE user_id = ? ORDER BY role", {id}))
      if (auto role = auth::parse_role(g.str("role"))) u->roles.push_back({*role, g.i64("unit_id")});
  });
  return u;
}

std::map<int64_t, Users::Name> Users::names(const std::vector<int64_t>& ids) {
  std::map<int64_t, Name> out;
  if (ids.empty()) return out;
  for (const auto& r : db_.query("SELECT id, username, full_name FROM users WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
                                 {nlohmann::json(ids).dump()}))
    out[r.i64("id")] = {r.str("username"), r.str("full_name")};
  return out;
}

std::optional<User> Users::by_username(const std::string& username) {
  auto row = db_.query_one("SELECT id FROM users WHERE username = ?", {username});
  return row ? get(row->i64("id")) : std::nullopt;
}

std::optional<std::string> Users::password_hash(int64_t id) {
  auto row = db_.query_one("SELECT password_hash FROM users WHERE id = ?", {id});
  return row ? std::optional(row->str("password_hash")) : std::nullopt;
}

void Users::validate(const std::optional<User>& before, const UserInput& in) {
  std::vector<core::FieldError> errs;
  auto tree = units_.tree();
  static const std::regex name_re("[a-z0-9][a-z0-9._-]{2,63}");
  std::string username = in.username ? *in.username : (before ? before->username : "");
  if (in.username) {
    if (!std::regex_match(*in.username, name_re))
      errs.push_back({"username", "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, '.', '_' hoặc '-'",
                      "The username is 3–64 characters: lower-case ASCII letters, digits, '.', '_' or '-'"});
    else if (db_.query_one("SELECT 1 FROM users WHERE username = ? AND id <> ?", {*in.username, before ? before->id : 0}))
      errs.push_back({"username", "Tên đăng nhập đã tồn tại", "This username is already taken"});
  }
  if (in.full_name && in.full_name->empty()) errs.push_back({"full_name", "Trường bắt buộc", "Required field"});
  if (in.unit_id && !tree->exists(*in.unit_id))
    errs.push_back({"unit_id", "Đơn vị không tồn tại", "The unit does not exist"});
  if (in.password) {
    auto pw = auth::check_password_policy(*in.password, username);
    errs.insert(errs.end(), pw.begin(), pw.end());
  }
  if (in.roles)
    for (size_t i = 0; i < in.roles->size(); ++i)
      if (!tree->exists((*in.roles)[i].unit_id))
        errs.push_back({"roles[" + std::to_string(i) + "].unit_id", "Đơn vị không tồn tại", "The unit does not exist"});
  if (!errs.empty()) throw core::Problem::validation(std::move(errs));
}

User Users::create(const UserInput& in) {
  std::vector<core::FieldError> missing;
  if (!in.username) missing.push_back({"username", "Trường bắt buộc", "Required field"});
  if (!in.full_name) missing.push_back({"full_name", "Trường bắt buộc", "Required field"});
  if (!in.unit_id) missing.push_back({"unit_id", "Trường bắt buộc", "Required field"});
  if (!in.password) missing.push_back({"password", "Trường bắt buộc", "Required field"});
  if (!missing.empty()) throw core::Problem::validation(std::move(missing));
  validate(std::nullopt, in);
  // Hash outside the database lock: argon2id takes tens of milliseconds on purpose.
  std::string hash = auth::hash_password(*in.password);
  int64_t id = 0;
  db_.transaction([&] {
    validate(std::nullopt, in);  // again, under the lock: the username may have been taken meanwhile
    db_.exec("INSERT INTO users(username, full_name, unit_id, title, password_hash, active, must_change_password, "
             "created_at) VALUES (?,?,?,?,?,?,?,?)",
             {*in.username, *in.full_name, *in.unit_id, in.title.value_or(""), hash, int64_t(in.active.value_or(true)),
              int64_t(in.must_change_password.value_or(false)), clock_.now_ms()});
    id = db_.last_insert_id();
    for (const auto& g : in.roles.value_or(std::vector<auth::Grant>{}))
      db_.exec("INSERT INTO role_grants(user_id, role, unit_id) VALUES (?,?,?) ON CONFLICT DO NOTHING",
               {id, std::string(auth::role_name(g.role)), g.unit_id});
  });
  return *get(id);
}

User Users::update(int64_t id, const UserInput& in) {
  auto before = get(id);
  if (!before) throw core::Problem::not_found("The user", "Người dùng");
  validate(before, in);
  std::optional<std::string> hash;
  if (in.password) hash = auth::hash_password(*in.password);
  db_.transaction([&] {
    validate(before, in);
    if (in.username) db_.exec("UPDATE users SET username = ? WHERE id = ?", {*in.username, id});
    if (in.full_name) db_.exec("UPDATE users SET full_name = ? WHERE id = ?", {*in.full_name, id});
    if (in.title) db_.exec("UPDATE users SET title = ? WHERE id = ?", {*in.title, id});
    if (in.unit_id) db_.exec("UPDATE users SET unit_id = ? WHERE id = ?", {*in.unit_id, id});
    if (in.active) db_.exec("UPDATE users SET active = ? WHERE id = ?", {int64_t(*in.active), id});
    if (in.must_change_password)
      db_.exec("UPDATE users SET must_change_password = ? WHERE id = ?", {int64_t(*in.must_change_password), id});
    if (hash) db_.exec("UPDATE users SET password_hash = ? WHERE id = ?", {*hash, id});
    if (in.roles) {
      db_.exec("DELETE FROM role_grants WHERE user_id = ?", {id});
      for (const auto& g : *in.roles)
        db_.exec("INSERT INTO role_grants(user_id, role, unit_id) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                 {id, std::string(auth::role_name(g.role)), g.unit_id});
    }
  });
  return *get(id);
}

namespace {

nlohmann::json audit_details(const UserInput& in) {
  nlohmann::json d = nlohmann::json::object();
  if (in.username) d["username"] = *in.username;
  if (in.full_name) d["full_name"] = *in.full_name;
  if (in.unit_id) d["unit_id"] = *in.unit_id;
  if (in.title) d["title"] = *in.title;
  if (in.active) d["active"] = *in.active;
  if (in.must_change_password) d["must_change_password"] = *in.must_change_password;
  if (in.password) d["password_reset"] = true;  // never the password itself
  if (in.roles) {
    d["roles"] = nlohmann::json::array();
    for (const auto& g : *in.roles) d["roles"].push_back({{"role", auth::role_name(g.role)}, {"unit_id", g.unit_id}});
  }
  return d;
}

}  // namespace

User Users::create(const UserInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto created = create(in);
    audit_.append(by.event("user.create", "user", std::to_string(created.id), created.unit_id, audit_details(in)));
    return created;
  });
}

User Users::update(int64_t id, const UserInput& asked, const audit::Actor& by) {
  if (id == by.user_id && asked.active && !*asked.active)
    throw core::Problem::field("active", "Không thể tự khóa tài khoản của mình", "You cannot disable your own account");
  UserInput in = asked;
  if (in.password && id != by.user_id) in.must_change_password = true;  // a one-time password
  return store::Work::run(db_, [&](store::Work&) {
    auto after = update(id, in);
    if ((in.active && !*in.active) || in.password) sessions_.remove_all_for_user(id);
    audit_.append(by.event("user.update", "user", std::to_string(id), after.unit_id, audit_details(in)));
    return after;
  });
}

void Users::listed(const nlohmann::json& query, size_t count, const auth::Principal& reader, const audit::Actor& by) {
  audit_.append(by.event("user.read_list", "user", "*", reader.unit_id, {{"query", query}, {"count", count}}));
}

void Users::opened(const User& u, const audit::Actor& by) {
  if (u.id != by.user_id) audit_.append(by.event("user.read", "user", std::to_string(u.id), u.unit_id));
}

void Users::unlocked(const User& u, bool was_throttled, const audit::Actor& by) {
  audit_.append(by.event("user.unlock", "user", std::to_string(u.id), u.unit_id,
                         {{"username", u.username}, {"was_throttled", was_throttled}}));
}

auth::NewSession Users::signed_in(const User& u, const audit::Actor& from) {
  return store::Work::run(db_, [&](store::Work&) {
    auto session = sessions_.create(u.id, from.ip);
    record_login(u.id);
    audit::Actor who(u.id, u.username, from.request_id, from.ip);
    audit_.append(who.event("auth.login", "user", std::to_string(u.id), u.unit_id));
    return session;
  });
}

void Users::sign_in_refused(const std::string& username, const std::optional<User>& u, const std::string& reason,
                            const audit::Actor& from) {
  audit_.append(from.event("auth.login_failed", "user", u ? std::to_string(u->id) : username,
                           u ? std::optional(u->unit_id) : std::nullopt, {{"username", username}, {"reason", reason}}));
}

void Users::sign_out(const std::string& token, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work&) {
    sessions_.remove(token);
    auto u = get(by.user_id);
    audit_.append(by.event("auth.logout", "user", std::to_string(by.user_id), u ? std::optional(u->unit_id) : std::nullopt));
  });
}

void Users::change_password(const audit::Actor& by, const std::string& password, const std::string& keep_token) {
  store::Work::run(db_, [&](store::Work&) {
    write_password(by.user_id, password, false);
    sessions_.remove_all_for_user(by.user_id, keep_token);  // other sessions of this user end; this one stays
    auto u = get(by.user_id);
    audit_.append(by.event("auth.password_change", "user", std::to_string(by.user_id), u ? std::optional(u->unit_id) : std::nullopt));
  });
}

void Users::password_change_refused(const audit::Actor& by, const std::string& reason) {
  auto u = get(by.user_id);
  audit_.append(by.event("auth.password_change_failed", "user", std::to_string(by.user_id),
                         u ? std::optional(u->unit_id) : std::nullopt, {{"reason", reason}}));
}

void Users::set_password(int64_t id, const std::string& password, bool must_change, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work&) {
    auto u = get(id);
    if (!u) throw core::Problem::not_found("The user", "Người dùng");
    write_password(id, password, must_change);
    sessions_.remove_all_for_user(id);
    audit_.append(by.event("user.update", "user", std::to_string(id), u->unit_id, {{"password_reset", true}}));
  });
}

void Users::write_password(int64_t id, const std::string& password, bool must_change) {
  std::string hash = auth::hash_password(password);
  db_.exec("UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?", {hash, int64_t(must_change), id});
}

void Users::record_login(int64_t id) { db_.exec("UPDATE users SET last_login_at = ? WHERE id = ?", {clock_.now_ms(), id}); }

auth::Principal Users::principal(const User& u) const { return auth::Principal{u.id, u.username, u.unit_id, u.roles, {}}; }

nlohmann::json to_json(const User& u) {
  auto roles = nlohmann::json::array();
  for (const auto& g : u.roles) roles.push_back({{"role", auth::role_name(g.role)}, {"unit_id", g.unit_id}});
  return {{"id", u.id},
          {"username", u.username},
          {"full_name", u.full_name},
          {"unit_id", u.unit_id},
          {"title", u.title},
          {"active", u.active},
          {"must_change_password", u.must_change_password},
          {"roles", roles},
          {"created_at", core::iso8601(u.created_at)},
          {"last_login_at", u.last_login_at ? nlohmann::json(core::iso8601(*u.last_login_at)) : nlohmann::json()}};
}

}  // namespace watchfloor::org
