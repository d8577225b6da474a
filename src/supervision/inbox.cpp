#include "supervision/inbox.h"

#include "core/error.h"
#include "store/work.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {

using core::Problem;

std::vector<Notification> Inbox::list(int64_t user, bool unread_only, std::optional<int64_t> before, int64_t limit) {
  std::string sql = std::string(kNotificationSelect) + " WHERE user_id = ?";
  std::vector<store::Value> params{user};
  if (unread_only) sql += " AND read_at IS NULL";
  if (before) sql += " AND id < ?", params.emplace_back(*before);
  params.emplace_back(limit);
  std::vector<Notification> out;
  for (const auto& r : db_.query(sql + " ORDER BY id DESC LIMIT ?", params)) out.push_back(notification_from_row(r));
  return out;
}

int64_t Inbox::unread(int64_t user) {
  auto r = db_.query_one("SELECT unread FROM inbox_counts WHERE user_id = ?", {user});
  return r ? r->i64("unread") : 0;
}

void Inbox::mark_read(int64_t user, std::optional<int64_t> id) {
  store::Work::run(db_, [&](store::Work&) {
    int64_t now = clock_.now_ms();
    int64_t read = 0;
    if (id) {
      if (!db_.query_one("SELECT 1 FROM notifications WHERE id = ? AND user_id = ?", {*id, user}))
        throw Problem::not_found("The notification", "Thông báo");
      read = db_.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", {now, *id});
    } else {
      read = db_.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", {now, user});
    }
    uncount(user, read);
  });
}

void Inbox::mark_case_read(int64_t user, int64_t case_id) {
  uncount(user, db_.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND case_id = ? AND read_at IS NULL",
                         {clock_.now_ms(), user, case_id}));
}

void Inbox::uncount(int64_t user, int64_t read) {
  if (read > 0) db_.exec("UPDATE inbox_counts SET unread = MAX(unread - ?, 0) WHERE user_id = ?", {read, user});
}

void Inbox::notify(int64_t user, const std::string& kind, const Case& c, std::optional<int64_t> coordination_id,
                   const std::string& vi, const std::string& en) {
  add({0, user, 0, kind, vi, en, c.severity, c.id, coordination_id, std::nullopt, std::nullopt});
}

void Inbox::notify_request(int64_t user, const std::string& kind, int64_t request_id, const std::string& vi,
                           const std::string& en) {
  add({0, user, 0, kind, vi, en, "medium", std::nullopt, std::nullopt, std::nullopt, request_id});
}

void Inbox::add(Notification n) {
  n.created_at = clock_.now_ms();
  db_.exec("INSERT INTO notifications(user_id, kind, case_id, coordination_id, data_request_id, title_vi, title_en, severity, "
           "created_at) VALUES (?,?,?,?,?,?,?,?,?)",
           {n.user_id, n.kind, store::opt(n.case_id), store::opt(n.coordination_id), store::opt(n.data_request_id), n.title_vi,
            n.title_en, n.severity, n.created_at});
  n.id = db_.last_insert_id();
  events::Event e;
  e.topic = "inbox.notification";
  e.read_action = auth::Action::authenticated;
  e.only_user = n.user_id;
  e.payload = {{"notification", to_json(n)}};
  // The count of unread items is kept, not recounted: a write costs the same at 100k cases as at 1k.
  e.payload["unread"] = db_.query("INSERT INTO inbox_counts(user_id, unread) VALUES (?, 1) "
                                  "ON CONFLICT(user_id) DO UPDATE SET unread = inbox_counts.unread + 1 RETURNING unread",
                                  {n.user_id})
                            .at(0)
                            .i64("unread");
  publish(bus_, std::move(e));
}

}  // namespace watchfloor::supervision
