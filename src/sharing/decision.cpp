#include "sharing/decision.h"

#include <fmt/format.h>

#include <algorithm>

#include "org/hq_words.h"

namespace watchfloor::sharing {
namespace {

using supervision::Directory;

bool contains(const Directory& dir, int64_t ancestor, int64_t unit) {
  const org::Unit* u = dir.unit(unit);
  for (size_t depth = 0; u && depth < 64; ++depth) {
    if (u->id == ancestor) return true;
    u = u->parent_id ? dir.unit(*u->parent_id) : nullptr;
  }
  return false;
}

const org::Unit* top_of(const Directory& dir, int64_t unit) {
  const org::Unit* u = dir.unit(unit);
  for (size_t depth = 0; u && u->parent_id && depth < 64; ++depth) u = dir.unit(*u->parent_id);
  return u;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string vn_date(const std::string& iso) {  // 2024-03-01 -> 01/03/2024
  return iso.size() == 10 ? iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) : iso;
}

const char* basis_kind_vi(const std::string& k) {
  if (k == "regulation") return "Quy chế phối hợp";
  if (k == "agreement") return "Thỏa thuận phối hợp";
  return "Văn bản chỉ đạo";
}

const char* basis_kind_en(const std::string& k) {
  if (k == "regulation") return "Coordination regulation";
  if (k == "agreement") return "Coordination agreement";
  return "Direction";
}

const char* type_vi(const std::string& t) {
  if (t == "live") return "xem trực tiếp";
  if (t == "recordings") return "dữ liệu ghi hình";
  if (t == "snapshots") return "ảnh chụp";
  return "thông tin vụ việc";
}

const char* type_en(const std::string& t) {
  if (t == "live") return "live view";
  if (t == "recordings") return "recordings";
  if (t == "snapshots") return "snapshots";
  return "case data";
}

// What of the request the relationship does not cover (empty: it covers all of it).
std::vector<Reason> uncovered(const Relationship& r, const Ask& a, const Directory& dir) {
  std::vector<Reason> out;
  for (const auto& t : a.data_types)
    if (!has(r.data_types, t))
      out.push_back({"type_not_covered", fmt::format("{} không bao gồm {}", r.basis_vi(), type_vi(t)),
                     fmt::format("{} does not cover {}", r.basis_en(), type_en(t))});
  std::vector<int64_t> covered = r.unit_ids.empty() ? std::vector<int64_t>{r.unit_id} : r.unit_ids;
  auto covers = [&](int64_t unit) { return std::any_of(covered.begin(), covered.end(), [&](int64_t c) { return contains(dir, c, unit); }); };
  if (!std::all_of(a.camera_units.begin(), a.camera_units.end(), covers))
    out.push_back({"cameras_not_covered", fmt::format("{} không bao gồm camera của đơn vị được yêu cầu", r.basis_vi()),
                   fmt::format("{} does not cover the cameras of a unit asked for", r.basis_en())});
  if (a.case_unit && !covers(*a.case_unit))
    out.push_back({"case_not_covered", fmt::format("{} không bao gồm vụ việc của đơn vị được yêu cầu", r.basis_vi()),
                   fmt::format("{} does not cover the cases of the unit asked for", r.basis_en())});
  if (a.mode == "download" && !r.download)
    out.push_back({"download_not_covered", fmt::format("{} chỉ cho phép xem, không cho phép tải về", r.basis_vi()),
                   fmt::format("{} allows viewing only, not downloading", r.basis_en())});
  return out;
}

std::vector<Reason> beyond_scale(const Ask& a, const Limits& l, bool outside_customs) {
  std::vector<Reason> out;
  auto n = static_cast<int64_t>(a.camera_units.size());
  if (n > l.max_cameras)
    out.push_back({"too_many_cameras", fmt::format("{} camera, vượt quy mô thông thường ({} camera)", n, l.max_cameras),
                   fmt::format("{} cameras, beyond the ordinary scale ({} cameras)", n, l.max_cameras)});
  if (a.range_ms && *a.range_ms > l.max_range_hours * 3'600'000) {
    double hours = static_cast<double>(*a.range_ms) / 3.6e6;
    out.push_back({"range_too_long",
                   fmt::format("dữ liệu ghi hình {:.0f} giờ, vượt quy mô thông thường ({} giờ)", hours, l.max_range_hours),
                   fmt::format("{:.0f} hours of recordings, beyond the ordinary scale ({} hours)", hours, l.max_range_hours)});
  }
  if (a.access_days > l.max_access_days)
    out.push_back({"access_too_long",
                   fmt::format("thời hạn khai thác {} ngày, vượt quy mô thông thường ({} ngày)", a.access_days, l.max_access_days),
                   fmt::format("access for {} days, beyond the ordinary scale ({} days)", a.access_days, l.max_access_days)});
  if (outside_customs && has(a.data_types, "live"))
    out.push_back({"outside_live", "đơn vị ngoài ngành Hải quan xem trực tiếp", "live view by an agency outside customs"});
  if (outside_customs && a.mode == "download")
    out.push_back({"outside_download", "đơn vị ngoài ngành Hải quan tải dữ liệu về", "download by an agency outside customs"});
  return out;
}

template <class F>
std::string joined(const std::vector<Reason>& rs, F field) {
  std::string s;
  for (const auto& r : rs) s += (s.empty() ? "" : "; ") + field(r);
  return s;
}

}  // namespace

bool Relationship::in_force(const std::string& today) const {
  return !ended_at && valid_from <= today && (!valid_to || today <= *valid_to);
}

std::string Relationship::basis_vi() const {
  return fmt::format("{} số {} ngày {}", basis_kind_vi(basis_kind), basis_number, vn_date(basis_date));
}

std::string Relationship::basis_en() const {
  return fmt::format("{} No. {} of {}", basis_kind_en(basis_kind), basis_number, basis_date);
}

int64_t operating_unit(const Directory& dir, int64_t camera_unit) {
  const org::Unit* u = dir.unit(camera_unit);
  for (size_t depth = 0; u && u->parent_id && depth < 64; ++depth) {
    if (u->designations.count("supervision_section") && u->designations.count("leadership")) return u->id;
    u = dir.unit(*u->parent_id);
  }
  const org::Unit* top = top_of(dir, camera_unit);
  if (!top) return camera_unit;
  auto op = top->designations.find("system_operator");
  return op != top->designations.end() ? op->second : top->id;
}

SharingRoute route_request(const Ask& ask, const std::vector<Relationship>& relationships, const Limits& limits,
                           const Directory& dir, const std::string& today) {
  SharingRoute out;
  // One operating unit for all the data asked for; data of several units is the sector's.
  const org::Unit* requester = dir.unit(ask.requester_unit);
  // The units whose data is asked for: the cameras', and the case's for case data.
  std::vector<int64_t> data_units = ask.camera_units;
  if (ask.case_unit) data_units.push_back(*ask.case_unit);
  const org::Unit* top = top_of(dir, data_units.empty() ? ask.requester_unit : data_units.front());
  int64_t op = 0;
  bool one = !data_units.empty();
  for (int64_t cu : data_units) {
    int64_t o = operating_unit(dir, cu);
    if (op != 0 && op != o) one = false;
    op = o;
  }
  if (!one) {
    auto so = top ? top->designations.find("system_operator") : std::map<std::string, int64_t>::const_iterator{};
    op = top && so != top->designations.end() ? so->second : (top ? top->id : ask.requester_unit);
  }
  out.operating_unit_id = op;
  const org::Unit* operating = dir.unit(op);
  bool outside = requester && requester->external;

  // The relationships between the requester and the operating unit in force today, the one covering all first.
  const Relationship* basis = nullptr;
  std::vector<Reason> gaps;
  for (const auto& r : relationships) {
    if (!r.in_force(today) || !contains(dir, r.partner_unit_id, ask.requester_unit) || !contains(dir, r.unit_id, op)) continue;
    auto missing = uncovered(r, ask, dir);
    if (missing.empty()) {
      basis = &r;
      break;
    }
    if (gaps.empty()) gaps = std::move(missing);
  }
  auto scale = beyond_scale(ask, limits, outside);
  std::string op_vi = operating ? operating->name_vi : "", op_en = operating ? operating->name_en : "";

  if (basis && scale.empty()) {
    const org::Unit* decider = supervision::leadership_unit(dir, op);
    out.route = "operating_unit";
    out.decider_unit_id = decider ? decider->id : op;
    out.relationship_id = basis->id;
    out.basis_vi = basis->basis_vi();
    out.basis_en = basis->basis_en();
    std::string d_vi = decider ? decider->name_vi : op_vi, d_en = decider ? decider->name_en : op_en;
    out.explanation_vi = fmt::format(
        "Yêu cầu thuộc phạm vi {} và có quy mô thông thường: Lãnh đạo {} (đơn vị quản lý dữ liệu) xem xét, quyết định "
        "trên cơ sở quan hệ phối hợp công tác (khoản 3 Điều 16).",
        out.basis_vi, d_vi);
    out.explanation_en = fmt::format(
        "The request lies within {} and is of ordinary scale: the leadership of {} (which operates the data) decides on "
        "the basis of the working relationship (Article 16(3)).",
        out.basis_en, d_en);
    return out;
  }

  // Headquarters leadership, through the focal point (as Art. 16.4(c)).
  auto words = org::hq_words(dir.units);
  out.route = "hq_leadership";
  out.decider_unit_id = top ? top->id : op;
  if (top)
    if (auto f = top->designations.find("leadership_focal_point"); f != top->designations.end()) out.focal_unit_id = f->second;
  if (!basis && gaps.empty())
    out.reasons.push_back({"no_relationship",
                           fmt::format("chưa có quan hệ phối hợp công tác còn hiệu lực giữa {} và {}",
                                       requester ? requester->name_vi : "đơn vị yêu cầu", op_vi),
                           fmt::format("no working relationship in force between {} and {}",
                                       requester ? requester->name_en : "the requesting unit", op_en)});
  for (auto& g : gaps) out.reasons.push_back(std::move(g));
  for (auto& s : scale) out.reasons.push_back(std::move(s));
  if (basis) {
    out.relationship_id = basis->id;
    out.basis_vi = basis->basis_vi();
    out.basis_en = basis->basis_en();
  } else {
    out.basis_vi = fmt::format("Sự chỉ đạo của {} (khoản 3 Điều 16)", words.leadership_vi);
    out.basis_en = fmt::format("Direction of the {} (Article 16(3))", words.leadership_en);
  }
  std::string via_vi = words.focal_point_vi.empty() ? "" : " qua " + words.focal_point_vi;
  std::string via_en = words.focal_point_en.empty() ? "" : " through " + words.focal_point_en;
  out.explanation_vi = fmt::format("Vì {}: trình {}{} xem xét, chỉ đạo (khoản 3 Điều 16; điểm c khoản 4 Điều 16).",
                                   joined(out.reasons, [](const Reason& r) { return r.vi; }), words.leadership_vi, via_vi);
  out.explanation_en = fmt::format("As {}: to the {}{} for direction (Article 16(3); Article 16(4)(c)).",
                                   joined(out.reasons, [](const Reason& r) { return r.en; }), words.leadership_en, via_en);
  return out;
}

}  // namespace watchfloor::sharing
