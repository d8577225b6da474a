#include "audit/refusals.h"

#include <vector>

#include "core/log.h"
#include "core/clock.h"

namespace watchfloor::audit {

void RefusalLog::note(const Refusal& r) {
  int64_t now = clock_.now_ms();
  int64_t minute = now / 60'000;
  std::lock_guard lock(mu_);
  Key key{minute, r.actor_id ? r.actor : std::string(), r.ip, r.method, r.route, r.status, r.reason, r.subject};
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= max_keys_) {
      key = Key{minute, "*", "*", r.method, r.route, r.status, r.reason, ""};
      it = pending_.find(key);
    }
    if (it == pending_.end()) {
      Refusal first = r;
      if (std::get<1>(key) == "*") first = Refusal{std::nullopt, "*", std::nullopt, "*", r.method, r.route, r.status, r.reason, ""};
      it = pending_.emplace(key, Count{std::move(first), 0, now, now}).first;
    }
  }
  ++it->second.count;
  it->second.last_ms = now;
}

int RefusalLog::flush(bool all) {
  int64_t minute = clock_.now_ms() / 60'000;
  std::vector<Count> ready;
  {
    std::lock_guard lock(mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (!all && std::get<0>(it->first) >= minute) {
        ++it;
        continue;
      }
      ready.push_back(std::move(it->second));
      it = pending_.erase(it);
    }
  }
  int written = 0;
  for (const auto& c : ready) {
    Event e;
    e.actor_id = c.first.actor_id;
    if (c.first.actor_id || c.first.actor == "*") e.actor = c.first.actor;
    e.unit_id = c.first.unit_id;
    e.action = "access.refused";
    e.object_type = "route";
    e.object_id = c.first.method + " " + c.first.route;
    e.details = {{"status", c.first.status},
                 {"reason", c.first.reason},
                 {"count", c.count},
                 {"first_at", core::iso8601(c.first_ms)},
                 {"last_at", core::iso8601(c.last_ms)}};
    if (!c.first.subject.empty()) e.details["subject"] = c.first.subject;
    e.request_id = "aggregate";
    e.ip = c.first.ip;
    try {
      audit_.append(e);
      ++written;
    } catch (const std::exception& ex) {
      // The database is failing: the counts are lost, the reason is not.
      core::log_error(std::string("audit of refused requests failed: ") + ex.what());
    }
  }
  return written;
}

}  // namespace watchfloor::audit
