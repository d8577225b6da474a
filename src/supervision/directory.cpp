#include "supervision/directory.h"

#include <map>

#include "supervision/shared.h"

namespace watchfloor::supervision {

std::shared_ptr<const std::vector<Person>> DirectoryReader::people() {
  // The version and the people in one snapshot. A version read inside a transaction that changed people and was
  // then rolled back is never seen again: the triggers write a random number, not a count that the next change
  // would reach once more.
  std::shared_ptr<const std::vector<Person>> out;
  db_.read([&] {
    int64_t version = db_.query_one("SELECT version FROM directory_version")->i64("version");
    {
      std::lock_guard lock(mu_);
      if (people_ && version == version_) {
        out = people_;
        return;
      }
    }
    auto people = std::make_shared<std::vector<Person>>();
    std::map<int64_t, size_t> index;
    for (const auto& r : db_.query("SELECT id, full_name, unit_id FROM users WHERE active = 1 ORDER BY id")) {
      index[r.i64("id")] = people->size();
      people->push_back({r.i64("id"), r.str("full_name"), r.i64("unit_id"), {}});
    }
    for (const auto& r : db_.query("SELECT user_id, role, unit_id FROM role_grants ORDER BY user_id, role, unit_id"))
      if (auto it = index.find(r.i64("user_id")); it != index.end())
        if (auto role = auth::parse_role(r.str("role"))) (*people)[it->second].grants.push_back({*role, r.i64("unit_id")});
    std::lock_guard lock(mu_);
    version_ = version;
    people_ = out = people;
  });
  return out;
}

Directory DirectoryReader::read(int64_t now) {
  Directory d;
  d.units = units_.list();
  d.people = people();
  for (const auto& r : db_.query("SELECT DISTINCT unit_id FROM shifts WHERE starts_at <= ? AND ends_at > ?", {now, now}))
    if (auto s = duty_.shift_at(r.i64("unit_id"), now)) d.on_duty[s->unit_id] = on_duty_of(*s);
  return d;
}

}  // namespace watchfloor::supervision
