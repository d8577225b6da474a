#include "supervision/directory.h"

#include <map>

#include "supervision/shared.h"

namespace watchfloor::supervision {

std::shared_ptr<const DirectoryReader::Kept> DirectoryReader::kept() {
  // The version, the units and the people in one snapshot. A version read inside a transaction that changed them and
  // was then rolled back is never seen again: the triggers write a random number, not a count that the next change
  // would reach once more.
  std::shared_ptr<const Kept> out;
  db_.read([&] {
    int64_t version = db_.query_one("SELECT version FROM directory_version")->i64("version");
    {
      std::lock_guard lock(mu_);
      if (kept_ && version == kept_->version) {
        out = kept_;
        return;
      }
    }
    auto fresh = std::make_shared<Kept>();
    fresh->version = version;
    fresh->units = units_.list();
    auto people = std::make_shared<std::vector<Person>>();
    std::map<int64_t, size_t> index;
    for (const auto& r : db_.query("SELECT id, full_name, unit_id FROM users WHERE active = 1 ORDER BY id")) {
      index[r.i64("id")] = people->size();
      people->push_back({r.i64("id"), r.str("full_name"), r.i64("unit_id"), {}});
    }
    for (const auto& r : db_.query("SELECT user_id, role, unit_id FROM role_grants ORDER BY user_id, role, unit_id"))
      if (auto it = index.find(r.i64("user_id")); it != index.end())
        if (auto role = auth::parse_role(r.str("role"))) (*people)[it->second].grants.push_back({*role, r.i64("unit_id")});
    fresh->people = std::move(people);
    std::lock_guard lock(mu_);
    kept_ = out = std::move(fresh);
  });
  return out;
}

Directory DirectoryReader::read(int64_t now) {
  Directory d;
  auto k = kept();
  d.units = k->units;
  d.people = k->people;
  for (const auto& s : duty_.shifts_at(now)) d.on_duty[s.unit_id] = on_duty_of(s);
  return d;
}

}  // namespace watchfloor::supervision
