#pragma once
// The inbox (hộp thư): each person's notifications about the cases and coordination requests that
// concern them, and the kept count of those unread. The other classes of the module notify through it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "events/bus.h"
#include "store/db.h"
#include "supervision/records.h"

namespace watchfloor::supervision {

class Inbox {
 public:
  Inbox(store::Db& db, const core::Clock& clock, events::Bus& bus) : db_(db), clock_(clock), bus_(bus) {}

  // `user`'s notifications, newest first.
  std::vector<Notification> list(int64_t user, bool unread_only, std::optional<int64_t> before = std::nullopt, int64_t limit = 200);
  int64_t unread(int64_t user);
  void mark_read(int64_t user, std::optional<int64_t> notification_id);  // nullopt: all

  // Within the caller's unit of work (store/work.h):
  // tells `users` (each once) about the case (and the coordination request); "inbox.notification" goes out to each
  // after the commit. The notifications of one call are written together (one round trip on PostgreSQL).
  void notify(std::vector<int64_t> users, const std::string& kind, const Case& c, std::optional<int64_t> coordination_id,
              const std::string& vi, const std::string& en);
  // tells `users` about a data request or its grant (sharing/); severity "medium".
  void notify_request(std::vector<int64_t> users, const std::string& kind, int64_t request_id, const std::string& vi,
                      const std::string& en);
  // `user`'s notifications about the case are read (acknowledging a case reads them).
  void mark_case_read(int64_t user, int64_t case_id);

 private:
  // `n` to each of `users`.
  void add(std::vector<int64_t> users, Notification n);
  // `read` notifications of `user` were marked read.
  void uncount(int64_t user, int64_t read);

  store::Db& db_;
  const core::Clock& clock_;
  events::Bus& bus_;
};

}  // namespace watchfloor::supervision
