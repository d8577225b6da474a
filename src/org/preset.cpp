#include "org/preset.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/json_body.h"

namespace watchfloor::org {
namespace {

// Re-raises a validation problem with every field prefixed by the unit's place in the file.
[[noreturn]] void rethrow_prefixed(const core::Problem& p, const std::string& prefix) {
  if (p.errors().empty()) throw p;
  std::vector<core::FieldError> errs;
  for (auto e : p.errors()) {
    if (e.field == "parent_id") e.field = "parent";  // the file's name for it
    e.field = prefix + "." + e.field;
    errs.push_back(std::move(e));
  }
  throw core::Problem::validation(std::move(errs));
}

}  // namespace

ImportResult import_org(Units& units, const nlohmann::json& doc, const std::string& name, const audit::Actor& by) {
  core::JsonBody top(doc, {"preset", "name_vi", "name_en", "units"});
  const auto* list = top.raw("units");
  const auto* preset = top.raw("preset");
  if (!list || !list->is_array()) top.error("units", "Phải là một mảng đơn vị", "Must be an array of units");
  top.finish();

  ImportResult res;
  units.work([&](store::Work&) {
    for (size_t i = 0; i < list->size(); ++i) {
      std::string prefix = fmt::format("units[{}]", i);
      core::JsonBody b((*list)[i],
                       {"code", "parent", "kind", "name_vi", "name_en", "time_zone", "place", "has_camera_room",
                        "must_run_24x7", "external", "designations"},
                       prefix);
      UnitInput in;
      in.code = b.string("code", core::Need::required, 40);
      in.kind = b.string("kind", core::Need::required);
      in.name_vi = b.string("name_vi", core::Need::required, 200);
      in.name_en = b.string("name_en", core::Need::required, 200);
      in.time_zone = b.string("time_zone", core::Need::optional);
      in.place = b.string("place", core::Need::optional, 100);
      in.has_camera_room = b.boolean("has_camera_room", core::Need::optional);
      in.must_run_24x7 = b.boolean("must_run_24x7", core::Need::optional);
      in.external = b.boolean("external", core::Need::optional);
      if (const auto* parent = b.raw("parent"); parent && !parent->is_null()) {
        if (!parent->is_string()) {
          b.error(b.path("parent"), "Phải là mã đơn vị", "Must be a unit code");
        } else if (auto p = units.by_code(parent->get<std::string>())) {
          in.parent_id = std::optional<int64_t>(p->id);
        } else {
          b.error(b.path("parent"), "Đơn vị cấp trên phải có trong tệp, trước đơn vị này, hoặc đã có sẵn",
                  "The parent must exist already or come earlier in the file");
        }
      } else {
        in.parent_id = std::optional<int64_t>();
      }
      b.finish();
      try {
        if (auto existing = units.by_code(*in.code)) {
          units.update(existing->id, in);
          ++res.updated;
        } else {
          units.create(in);
          ++res.created;
        }
      } catch (const core::Problem& p) {
        rethrow_prefixed(p, prefix);
      }
    }
    // Second pass: designations may point to units later in the file.
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& item = (*list)[i];
      auto d = item.find("designations");
      if (d == item.end() || d->is_null()) continue;
      std::string prefix = fmt::format("units[{}].designations", i);
      if (!d->is_object()) throw core::Problem::field(prefix, "Phải là một đối tượng", "Must be an object");
      UnitInput in;
      for (const auto& [kind, target] : d->items()) {
        if (target.is_null()) { in.designations[kind] = std::nullopt; continue; }
        auto t = target.is_string() ? units.by_code(target.get<std::string>()) : std::nullopt;
        if (!t)
          throw core::Problem::field(prefix + "." + kind, "Không tìm thấy đơn vị có mã này",
                                     "No unit has this code");
        in.designations[kind] = t->id;
      }
      try {
        units.update(units.by_code(item.at("code").get<std::string>())->id, in);
      } catch (const core::Problem& p) {
        rethrow_prefixed(p, fmt::format("units[{}]", i));
      }
    }
    units.audit_.append(by.event("org.import", "organisation", name, std::nullopt,
                                 {{"preset", preset && preset->is_string() ? *preset : nlohmann::json()},
                                  {"created", res.created},
                                  {"updated", res.updated}}));
    // The other servers sharing the store drop their cached tree on it (Units listens for "unit." and "org.").
    units.bus_.publish_on_commit("org.imported", std::nullopt, auth::Action::unit_read,
                                 {{"created", res.created}, {"updated", res.updated}});
  });
  return res;
}

nlohmann::json export_org(Units& units) {
  auto all = units.list();
  std::map<int64_t, std::string> code_of;
  for (const auto& u : all) code_of[u.id] = u.code;
  // Parents before children: walk the tree from the roots.
  std::multimap<std::optional<int64_t>, const Unit*> children;
  for (const auto& u : all) children.emplace(u.parent_id, &u);
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::optional<int64_t>> queue = {std::nullopt};
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    auto [b, e] = children.equal_range(queue[qi]);
    for (auto it = b; it != e; ++it) {
      const Unit& u = *it->second;
      nlohmann::json d = nlohmann::json::object();
      for (const auto& [kind, target] : u.designations) d[kind] = code_of[target];
      out.push_back({{"code", u.code},
                     {"parent", u.parent_id ? nlohmann::json(code_of[*u.parent_id]) : nlohmann::json()},
                     {"kind", u.kind},
                     {"name_vi", u.name_vi},
                     {"name_en", u.name_en},
                     {"time_zone", u.time_zone},
                     {"place", u.place},
                     {"has_camera_room", u.has_camera_room},
                     {"must_run_24x7", u.must_run_24x7},
                     {"external", u.external},
                     {"designations", d}});
      queue.push_back(u.id);
    }
  }
  return {{"preset", "export"}, {"units", out}};
}

}  // namespace watchfloor::org
