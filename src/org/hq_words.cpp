#include "org/hq_words.h"

#include <algorithm>
#include <string_view>

namespace watchfloor::org {
namespace {

// What each structure calls its headquarters and its provincial level.
struct Level {
  std::string_view root_kind, short_vi, short_en, province_kind;
};
constexpr Level kLevels[] = {
    {"headquarters", "Tổng cục", "General Department", "provincial_department"},  // Decision 888/QĐ-TCHQ, 2017
    {"customs_department", "Cục", "Customs Department", "regional_branch"},       // from 2025, Ministry of Finance
};

const Unit* find(const std::vector<Unit>& units, std::optional<int64_t> id) {
  if (!id) return nullptr;
  auto it = std::find_if(units.begin(), units.end(), [&](const Unit& u) { return u.id == *id; });
  return it == units.end() ? nullptr : &*it;
}

const Unit* root_of(const std::vector<Unit>& units) {
  const Unit* root = nullptr;
  for (const auto& u : units) {
    if (u.parent_id || u.external) continue;
    if (u.designations.count("leadership_focal_point")) return &u;
    if (!root) root = &u;
  }
  return root;
}

}  // namespace

HqWords hq_words(const std::vector<Unit>& units) {
  const Unit* root = root_of(units);
  const Level* level = &kLevels[0];
  for (const auto& l : kLevels)
    if (root && root->kind == l.root_kind) level = &l;

  HqWords w;
  w.name_vi = root ? root->name_vi : "Tổng cục Hải quan";
  w.name_en = root ? root->name_en : "General Department of Vietnam Customs";
  w.short_vi = level->short_vi;
  w.short_en = level->short_en;
  w.leadership_vi = "Lãnh đạo " + w.short_vi;
  w.leadership_en = w.short_en + " leadership";
  if (root)
    if (auto d = root->designations.find("leadership_focal_point"); d != root->designations.end())
      if (const Unit* focal = find(units, d->second)) {
        w.focal_point_vi = focal->name_vi;
        w.focal_point_en = focal->name_en;
        // "Phòng Tổng hợp" alone says nothing: name the office it belongs to, unless that is headquarters itself.
        if (const Unit* office = find(units, focal->parent_id); office && office != root) {
          w.focal_point_vi += ", " + office->name_vi;
          w.focal_point_en += ", " + office->name_en;
        }
      }
  w.province_kind = level->province_kind;
  for (const auto& k : unit_kinds())
    if (k.id == level->province_kind) {
      w.province_vi = k.name_vi;
      w.province_en = k.name_en;
    }
  return w;
}

std::vector<NamedTerm> with_hq_words(const std::vector<Term>& terms, const HqWords& w) {
  std::vector<NamedTerm> out;
  for (const auto& t : terms) {
    NamedTerm n{std::string(t.id), std::string(t.name_vi), std::string(t.name_en)};
    if (t.id == "hq_leader") {
      n.name_vi = w.leadership_vi;
      n.name_en = w.short_en + " leader";
    } else if (t.id == "leadership_focal_point") {
      n.name_vi = "Đầu mối báo cáo " + w.leadership_vi;
      n.name_en = "Focal point reporting to the " + w.leadership_en;
    }
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace watchfloor::org
