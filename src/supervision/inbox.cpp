#include "supervision/inbox.h"

#include <map>

#include "core/error.h"
#include "store/work.h"
#include "supervision/shared.h"

namespace watchfloor::supervision {

using core::Problem;

std::vector<Notification> Inbox::list(int64_t user, bool unread_only, std::optional<int64_t> before, int64_t limit) {
  // The person's newest ids first, from the index (user_id, id) alone, then their rows. Asked in one query, PostgreSQL
  // guesses from the person's share of all notifications how soon the newest ids meet theirs, and when the newest
  // 130,000 of 7 million were for others (a national centre, a person off duty for a while) it read them all: 5 s.
  std::string sql = " WHERE id IN (SELECT id FROM notifications WHERE user_id = ?";
  std::vector<store::Value> params{user};
  if (unread_only) sql += " AND read_at IS NULL";
  if (before) sql += " AND id < ?", params.emplace_back(*before);
  params.emplace_back(limit);
  std::vector<Notification> out;
  for (const auto& r : db_.query(kNotificationSelect + sql + " ORDER BY id DESC LIMIT ?) ORDER BY id DESC", params))
    out.push_back(notification_from_row(r));
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

void Inbox::notify(std::vector<int64_t> users, const std::string& kind, const Case& c, std::optional<int64_t> coordination_id,
                   const std::string& vi, const std::string& en) {
  add(std::move(users), {0, 0, 0, kind, vi, en, c.severity, c.id, coordination_id, std::nullopt, std::nullopt});
}

void Inbox::notify_request(std::vector<int64_t> users, const std::string& kind, int64_t request_id, const std::string& vi,
                           const std::string& en) {
  add(std::move(users), {0, 0, 0, kind, vi, en, "medium", std::nullopt, std::nullopt, std::nullopt, request_id});
}

void Inbox::add(std::vector<int64_t> users, Notification n) {
  each_once(users);  // two units notifying at once lock their unread counts in one order
  if (users.empty()) return;
  n.created_at = clock_.now_ms();
  std::vector<store::Value> rows, counts;
  for (int64_t u : users) {
    rows.insert(rows.end(), {u, n.kind, store::opt(n.case_id), store::opt(n.coordination_id), store::opt(n.data_request_id), n.title_vi,
                             n.title_en, n.severity, n.created_at});
    counts.insert(counts.end(), {u, int64_t{1}});
  }
  std::map<int64_t, int64_t> ids, unread;
  for (const auto& r : store::insert_rows(db_, "INSERT INTO notifications(user_id, kind, case_id, coordination_id, data_request_id, "
                                               "title_vi, title_en, severity, created_at) VALUES ",
                                          9, rows, {}, "id, user_id"))
    ids[r.i64("user_id")] = r.i64("id");
  // The count of unread items is kept, not recounted: a write costs the same at 100k cases as at 1k.
  for (const auto& r : store::insert_rows(db_, "INSERT INTO inbox_counts(user_id, unread) VALUES ", 2, counts,
                                          "ON CONFLICT(user_id) DO UPDATE SET unread = inbox_counts.unread + 1", "user_id, unread"))
    unread[r.i64("user_id")] = r.i64("unread");
  for (int64_t u : users) {
    Notification one = n;
    one.id = ids.at(u);
    one.user_id = u;
    events::Event e;
    e.topic = "inbox.notification";
    e.read_action = auth::Action::authenticated;
    e.only_user = u;
    e.payload = {{"notification", to_json(one)}, {"unread", unread.at(u)}};
    publish(bus_, std::move(e));
  }
}

}  // namespace watchfloor::supervision
