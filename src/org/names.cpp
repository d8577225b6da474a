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
  auto ends_with = [](const std::string& k, const std::string& suffix) {
    return k.size() >= suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto is_person = [&](const std::string& k, const json& x) { return person.count(k) && x.is_number_integer(); };
  auto is_unit = [&](const std::string& k, const json& x) { return ends_with(k, "unit_id") && x.is_number_integer(); };
  // Visits every object of `v`, however deep (not inside a person's or a unit's id).
  std::function<void(json&, const std::function<void(json&)>&)> objects = [&](json& v, const auto& visit) {
    if (v.is_array()) {
      for (auto& x : v) objects(x, visit);
    } else if (v.is_object()) {
      visit(v);
      for (auto& [k, x] : v.items())
        if (!is_person(k, x) && !is_unit(k, x)) objects(x, visit);
    }
  };
  // First every id, then their names in one query each (a list of a hundred cases names its people at once).
  std::set<int64_t> people_ids, unit_ids;
  objects(j, [&](json& o) {
    for (auto& [k, x] : o.items()) {
      if (is_person(k, x)) people_ids.insert(x.get<int64_t>());
      else if (is_unit(k, x)) unit_ids.insert(x.get<int64_t>());
    }
  });
  auto people = users.names({people_ids.begin(), people_ids.end()});
  auto unit_names = units.names({unit_ids.begin(), unit_ids.end()});
  objects(j, [&](json& o) {
    json added = json::object();
    for (auto& [k, x] : o.items()) {
      if (is_person(k, x)) {
        auto u = people.find(x.get<int64_t>());
        if (u == people.end()) continue;
        added[k == "user_id" ? "full_name" : k == "holder_id" ? "holder_name" : k == "requester_id" ? "requester_name" : k + "_name"] = u->second.full_name;
        if (k == "user_id") added["username"] = u->second.username;
      } else if (is_unit(k, x)) {
        auto u = unit_names.find(x.get<int64_t>());
        if (u == unit_names.end()) continue;
        std::string base = k.substr(0, k.size() - 2);  // "to_unit_id" -> "to_unit_"
        added[base + "name"] = u->second.first;
        added[base + "name_en"] = u->second.second;
      }
    }
    for (auto& [k, x] : added.items())
      if (!o.contains(k)) o[k] = x;
  });
  return j;
}

}  // namespace watchfloor::org
