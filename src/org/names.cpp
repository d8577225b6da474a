// People and units travel with their names so that the console shows people and units, not numbers.
#include "org/names.h"

#include <functional>
#include <map>
#include <set>

namespace watchfloor::org {

using nlohmann::json;

json with_names(Users& users, Units& units, json j) {
  static const std::set<std::string> person = {
      "author_id",   "set_by",       "issued_by",    "outcome_by",   "prepared_by", "accepted_by",     "user_id",
      "user_out",    "user_in",      "user_a",       "user_b",       "created_by",  "submitted_by",    "approved_by",
      "published_by", "by",          "reported_by",  "acknowledged_by", "proposed_by", "decided_by",   "executed_by",
      "responded_by", "concluded_by", "closed_by",  "holder_id",    "released_by",
      "forwarded_by", "directed_by",  "relayed_by",   "requester_id", "revoked_by",  "ended_by"};
  std::map<int64_t, std::optional<User>> people;
  std::map<int64_t, std::optional<Unit>> seen_units;
  auto ends_with = [](const std::string& k, const std::string& suffix) {
    return k.size() >= suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::function<void(json&)> walk = [&](json& v) {
    if (v.is_array()) {
      for (auto& x : v) walk(x);
    } else if (v.is_object()) {
      json added = json::object();
      for (auto& [k, x] : v.items()) {
        if (person.count(k) && x.is_number_integer()) {
          int64_t id = x.get<int64_t>();
          if (!people.count(id)) people[id] = users.get(id);
          if (const auto& u = people[id]) {
            added[k == "user_id" ? "full_name" : k == "holder_id" ? "holder_name" : k == "requester_id" ? "requester_name" : k + "_name"] = u->full_name;
            if (k == "user_id") added["username"] = u->username;
          }
        } else if (ends_with(k, "unit_id") && x.is_number_integer()) {
          int64_t id = x.get<int64_t>();
          if (!seen_units.count(id)) seen_units[id] = units.get(id);
          if (const auto& u = seen_units[id]) {
            std::string base = k.substr(0, k.size() - 2);  // "to_unit_id" -> "to_unit_"
            added[base + "name"] = u->name_vi;
            added[base + "name_en"] = u->name_en;
          }
        } else {
          walk(x);
        }
      }
      for (auto& [k, x] : added.items())
        if (!v.contains(k)) v[k] = x;
    }
  };
  walk(j);
  return j;
}

}  // namespace watchfloor::org
