#include "supervision/routing.h"

#include <fmt/format.h>

#include <algorithm>

namespace watchfloor::supervision {
namespace {

using auth::Role;

struct Builder {
  const Directory& dir;
  Routing out;

  void add(const Person& p, int64_t unit, const std::string& role, bool approver, const std::string& vi,
           const std::string& en) {
    for (auto& r : out.recipients)
      if (r.user_id == p.user_id) {  // one line per person: the first role, every reason
        r.approver = r.approver || approver;
        r.reason_vi += "; " + vi;
        r.reason_en += "; " + en;
        return;
      }
    out.recipients.push_back({p.user_id, unit, role, approver, vi, en});
  }
  void warn(std::string code, std::string vi, std::string en) {
    out.warnings.push_back({std::move(code), std::move(vi), std::move(en)});
  }
};

const char* kLeaderPositions[] = {"shift_leader", "deputy_leader"};


bool is_leader_position(const std::string& pos) {
  return std::find(std::begin(kLeaderPositions), std::end(kLeaderPositions), pos) != std::end(kLeaderPositions);
}

// The leadership of `unit` (its nearest unit with a leadership designation).
void add_leadership(Builder& b, const org::Unit& owner, const std::string& role, const std::string& vi,
                    const std::string& en) {
  auto people = leadership_of(b.dir, owner);
  for (const auto* p : people) b.add(*p, owner.id, role, true, vi, en);
  if (people.empty())
    b.warn("no_leadership", fmt::format("Không có lãnh đạo nào của {} trong hệ thống để nhận báo cáo", owner.name_vi),
           fmt::format("No leader of {} is on record to receive the report", owner.name_en));
}

}  // namespace

const org::Unit* Directory::unit(int64_t id) const {
  for (const auto& u : units)
    if (u.id == id) return &u;
  return nullptr;
}

const Person* Directory::person(int64_t id) const {
  for (const auto& p : *people)
    if (p.user_id == id) return &p;
  return nullptr;
}

const org::Unit* Directory::nearest_with(int64_t unit_id, const std::string& kind) const {
  const org::Unit* u = unit(unit_id);
  for (int depth = 0; u && depth < 64; ++depth) {
    if (u->designations.count(kind)) return u;
    u = u->parent_id ? unit(*u->parent_id) : nullptr;
  }
  return nullptr;
}

std::vector<const Person*> Directory::holding(int64_t at, const std::vector<Role>& roles) const {
  std::vector<const Person*> out;
  for (const auto& p : *people) {
    bool match = std::any_of(p.grants.begin(), p.grants.end(), [&](const auto& g) {
      return std::find(roles.begin(), roles.end(), g.role) != roles.end() && (g.unit_id == at || p.home_unit == at);
    });
    if (match) out.push_back(&p);
  }
  return out;
}

const OnDuty* Directory::shift_for(const org::Unit& watch_unit) const {
  if (auto it = on_duty.find(watch_unit.id); it != on_duty.end()) return &it->second;
  if (auto d = watch_unit.designations.find("duty_watch"); d != watch_unit.designations.end())
    if (auto it = on_duty.find(d->second); it != on_duty.end()) return &it->second;
  return nullptr;
}

Routing route_case(const RouteInput& in, const Directory& dir) {
  Builder b{dir, {}};
  const org::Unit* watch = dir.nearest_with(in.unit_id, "duty_watch");
  const OnDuty* shift = watch ? dir.shift_for(*watch) : nullptr;
  if (shift)
    for (const auto& [user, pos] : shift->members)
      if (user == in.reporter_id) b.out.reporter_on_duty = true;

  if (in.method == "keypoint_plan") {
    // 16.4(b): the leadership of the unit that owns the plan, who may request coordination (Appendix V).
    b.out.clause = "16.4.b";
    const org::Unit* owner = dir.nearest_with(in.plan_unit_id.value_or(in.unit_id), "leadership");
    if (owner) {
      b.out.handling_unit_id = owner->id;
      add_leadership(b, *owner, "leadership", fmt::format("Lãnh đạo {}, đơn vị chủ trì kế hoạch giám sát trọng điểm", owner->name_vi),
                     fmt::format("Leadership of {}, the unit that owns the key-point plan", owner->name_en));
    } else {
      b.out.handling_unit_id = in.unit_id;
      b.warn("no_leadership", "Đơn vị chủ trì kế hoạch chưa được chỉ định lãnh đạo", "The plan's unit has no leadership designated");
    }
    b.out.explanation_vi = "Giám sát trọng điểm theo chuyên đề, kế hoạch: báo cáo lãnh đạo đơn vị chủ trì để xử lý và "
                           "phối hợp với các đơn vị liên quan (mẫu Phụ lục V).";
    b.out.explanation_en = "Key-point supervision by theme or plan: reported to the leadership of the unit that owns the plan, "
                           "who handle it and coordinate with related units (Appendix V form).";
  } else if (in.method == "keypoint_directive") {
    // 16.4(c): to headquarters leadership through the designated focal point (General Affairs Division),
    // which forwards it (relay.h); the leadership is not told beside it.
    b.out.clause = "16.4.c";
    const org::Unit* hq = dir.nearest_with(in.unit_id, "leadership_focal_point");
    if (hq) {
      b.out.handling_unit_id = hq->id;
      int64_t focal = hq->designations.at("leadership_focal_point");
      const org::Unit* focal_unit = dir.unit(focal);
      std::string focal_vi = focal_unit ? focal_unit->name_vi : "", focal_en = focal_unit ? focal_unit->name_en : "";
      auto relays = focal_point_people(dir, *hq);
      for (const auto* p : relays)
        b.add(*p, focal, "focal_point", false, fmt::format("{}: đầu mối báo cáo Lãnh đạo {}", focal_vi, hq->name_vi),
              fmt::format("{}: focal point reporting to the leadership of {}", focal_en, hq->name_en));
      if (!relays.empty()) {
        b.out.focal_unit_id = focal;
      } else {
        b.warn("no_focal_point", fmt::format("Không có cán bộ nào của {} (đầu mối) trong hệ thống: báo cáo thẳng Lãnh đạo", focal_vi),
               fmt::format("Nobody of {} (the focal point) is on record: reported to the leadership directly", focal_en));
        add_leadership(b, *hq, "hq_leadership", fmt::format("Lãnh đạo {}: cho ý kiến chỉ đạo", hq->name_vi),
                       fmt::format("Leadership of {}: for direction", hq->name_en));
      }
      b.out.explanation_vi = fmt::format(
          "Giám sát trọng điểm theo chỉ đạo trực tiếp của Lãnh đạo {0}: báo cáo Lãnh đạo {0} qua đầu mối {1} để xin ý kiến "
          "chỉ đạo. Đầu mối chuyển báo cáo đến lãnh đạo trong thời hạn theo mức độ; quá hạn thì chuyển lãnh đạo đơn vị đầu mối, "
          "sau đó gửi thẳng Lãnh đạo {0}. Ý kiến chỉ đạo được chuyển lại đơn vị qua đầu mối.",
          hq->name_vi, focal_vi);
      b.out.explanation_en = fmt::format(
          "Key-point supervision on the direct instruction of the leadership of {0}: reported to the leadership of {0} through the "
          "focal point, {1}, for direction. The focal point forwards it to the leaders within a deadline set by severity; when it "
          "lapses, the focal point's leadership is asked, then the leadership of {0} receives it directly. The direction returns "
          "to the units through the focal point.",
          hq->name_en, focal_en);
    } else {
      b.out.handling_unit_id = in.unit_id;
      b.warn("no_focal_point", "Chưa chỉ định đầu mối báo cáo lãnh đạo cấp trên", "No focal point to headquarters leadership is designated");
      b.out.explanation_vi = "Giám sát trọng điểm theo chỉ đạo trực tiếp của lãnh đạo cấp trên: chưa chỉ định đầu mối báo cáo.";
      b.out.explanation_en = "Key-point supervision on the direct instruction of headquarters leadership: no focal point is designated.";
    }
  } else {
    // 16.4(a): regular supervision or a task of the duty watch -> the unit's duty watch, its shift on duty now.
    b.out.clause = "16.4.a";
    b.out.explanation_vi = "Giám sát thường xuyên, liên tục hoặc theo nhiệm vụ của trực ban: báo cáo trực ban đơn vị để xử lý "
                           "trong ca theo quy định về trực ban; vụ việc chưa xong được bàn giao sang ca sau.";
    b.out.explanation_en = "Regular supervision or a task given by the duty watch: reported to the unit's duty watch, handled "
                           "within the shift under the duty rules; carried by the handover while open.";
    if (!watch) {
      b.out.handling_unit_id = in.unit_id;
      b.warn("no_duty_watch", "Đơn vị chưa được chỉ định trực ban", "No duty watch is designated for the unit");
    } else {
      b.out.handling_unit_id = watch->id;
      if (shift) {
        b.out.shift_id = shift->shift_id;
        for (const auto& [user, pos] : shift->members) {
          const Person* p = dir.person(user);
          if (!p) continue;
          if (leads_shift(*shift, user, pos))
            b.add(*p, watch->id, "shift_leader", true, fmt::format("Lãnh đạo ca trực ngày {}, {}", shift->date, watch->name_vi),
                  fmt::format("Shift leader on duty ({}), {}", shift->date, watch->name_en));
          else
            b.add(*p, watch->id, "duty_watch", false, fmt::format("Ca trực ngày {}, {}", shift->date, watch->name_vi),
                  fmt::format("On duty ({}), {}", shift->date, watch->name_en));
        }
      } else {
        // Nobody rostered now: the unit's duty officers and shift leaders, and a warning (coverage alert).
        for (const auto* p : dir.holding(watch->id, {Role::shift_leader, Role::duty_officer}))
          b.add(*p, watch->id, "duty_watch", p->grants.end() != std::find_if(p->grants.begin(), p->grants.end(), [](const auto& g) {
                  return g.role == Role::shift_leader;
                }),
                fmt::format("Trực ban {} (không có ca trực theo lịch lúc này)", watch->name_vi),
                fmt::format("Duty watch of {} (no rostered shift at this time)", watch->name_en));
        b.warn("nobody_on_duty", fmt::format("{} không có ca trực theo lịch vào lúc này", watch->name_vi),
               fmt::format("{} has no rostered shift on duty at this time", watch->name_en));
        // The next level up the channel is told at once, not after the escalation timer.
        auto above = next_level(dir, *watch);
        for (const auto& [p, approver] : above.people)
          b.add(*p, above.unit->id, above.role, approver,
                fmt::format("Không có ca trực tại {}: báo ngay {}", watch->name_vi, above.unit->name_vi),
                fmt::format("Nobody on duty at {}: {} is told at once", watch->name_en, above.unit->name_en));
      }
    }
  }

  // Art. 8: an officer on duty reports to the shift leader at the same time as taking the measure.
  if (b.out.reporter_on_duty && shift && watch) {
    if (!b.out.shift_id) b.out.shift_id = shift->shift_id;
    for (const auto& [user, pos] : shift->members)
      if (is_leader_position(pos) && user != in.reporter_id)
        if (const Person* p = dir.person(user))
          b.add(*p, watch->id, "shift_leader", b.out.clause == "16.4.a" && pos == "shift_leader",
                "Điều 8: cán bộ trực ban đồng thời báo cáo lãnh đạo ca trực", "Art. 8: the officer on duty reports to the shift leader at the same time");
  }
  // Art. 8: passenger baggage also goes to the leader of the operational team on site.
  if (in.subject == "passenger_baggage") {
    const org::Unit* team = in.site_unit_id ? dir.unit(*in.site_unit_id) : nullptr;
    std::vector<const Person*> leaders;
    if (team) leaders = dir.holding(team->id, {Role::unit_leader, Role::shift_leader});
    for (const auto* p : leaders)
      b.add(*p, team->id, "team_leader", false,
            fmt::format("Điều 8: lãnh đạo {} tại hiện trường (hành lý của hành khách)", team->name_vi),
            fmt::format("Art. 8: leader of {} on site (passenger baggage)", team->name_en));
    if (team && leaders.empty())
      b.warn("no_team_leader", fmt::format("Không có lãnh đạo nào của {} trong hệ thống: thông báo trực tiếp", team->name_vi),
             fmt::format("No leader of {} is on record: notify them directly", team->name_en));
  }
  // The reporter is never their own recipient.
  std::erase_if(b.out.recipients, [&](const Recipient& r) { return r.user_id == in.reporter_id; });
  // Someone must be able to approve the handling: if nobody it reached can, the handling unit's
  // leadership is on it too. A 16.4(c) case reaches its approvers through the focal point.
  bool approvable = b.out.focal_unit_id || std::any_of(b.out.recipients.begin(), b.out.recipients.end(),
                                                         [](const Recipient& r) { return r.approver; });
  if (!approvable)
    if (const org::Unit* handling = dir.unit(b.out.handling_unit_id)) {
      add_leadership(b, *leadership_unit(dir, handling->id), "leadership",
                     fmt::format("Lãnh đạo {}: không người nhận nào khác có thẩm quyền duyệt phương án xử lý", handling->name_vi),
                     fmt::format("Leadership of {}: nobody else it reached may approve the handling", handling->name_en));
      std::erase_if(b.out.recipients, [&](const Recipient& r) { return r.user_id == in.reporter_id; });
    }

  char point = b.out.clause.back();
  b.out.clause_vi = fmt::format("Điều 16 khoản 4 điểm {}", point);
  b.out.clause_en = fmt::format("Article 16(4)({})", point);
  return b.out;
}

bool leads_shift(const OnDuty& shift, int64_t user, const std::string& pos) {
  if (pos == "shift_leader") return true;
  if (pos != "deputy_leader" ||
      std::any_of(shift.members.begin(), shift.members.end(), [](const auto& m) { return m.second == "shift_leader"; }))
    return false;
  return !shift.acting_leader || *shift.acting_leader == user;
}

std::vector<const Person*> leadership_of(const Directory& dir, const org::Unit& unit) {
  std::vector<const Person*> people = dir.holding(unit.id, {Role::unit_leader, Role::hq_leader});
  if (auto it = unit.designations.find("leadership"); it != unit.designations.end())
    for (const auto* p : dir.holding(it->second, {Role::unit_leader, Role::hq_leader}))
      if (std::find(people.begin(), people.end(), p) == people.end()) people.push_back(p);
  return people;
}

const org::Unit* leadership_unit(const Directory& dir, int64_t unit) {
  const org::Unit* owner = dir.nearest_with(unit, "leadership");
  return owner ? owner : dir.unit(unit);
}

std::vector<const Person*> focal_point_people(const Directory& dir, const org::Unit& hq) {
  auto it = hq.designations.find("leadership_focal_point");
  if (it == hq.designations.end()) return {};
  return dir.holding(it->second, {Role::office_officer, Role::unit_leader, Role::supervision_officer, Role::duty_officer});
}

NextLevel next_level(const Directory& dir, const org::Unit& watch_unit) {
  NextLevel out;
  const org::Unit* u = &watch_unit;
  for (int depth = 0; u->parent_id && depth < 64; ++depth) {
    const org::Unit* above = dir.nearest_with(*u->parent_id, "duty_watch");
    if (!above) break;
    if (const OnDuty* s = dir.shift_for(*above)) {
      out.unit = above;
      out.role = "duty_watch_above";
      for (const auto& [user, pos] : s->members)
        if (const Person* p = dir.person(user)) out.people.push_back({p, leads_shift(*s, user, pos)});
      return out;
    }
    u = above;
  }
  // Headquarters (or nobody on duty anywhere above): the focal point.
  if (const org::Unit* hq = dir.nearest_with(watch_unit.id, "leadership_focal_point")) {
    const org::Unit* focal = dir.unit(hq->designations.at("leadership_focal_point"));
    if (!focal || focal->id == watch_unit.id) return out;
    out.unit = focal;
    out.role = "focal_point";
    for (const auto* p : focal_point_people(dir, *hq)) out.people.push_back({p, false});
  }
  return out;
}

std::vector<int64_t> resolve_role_at(const Directory& dir, int64_t unit_id, const std::string& role) {
  std::vector<int64_t> out;
  const org::Unit* u = dir.unit(unit_id);
  if (!u) return out;
  if (role == "shift_leader" || role == "duty_officer") {
    if (const OnDuty* s = dir.shift_for(*u)) {
      for (const auto& [user, pos] : s->members)
        if (role == "duty_officer" ? true : is_leader_position(pos)) out.push_back(user);
      return out;
    }
    return out;  // nobody rostered: the caller moves on and raises a coverage alert
  }
  auto r = auth::parse_role(role);
  if (!r) return out;
  for (const auto* p : dir.holding(unit_id, {*r})) out.push_back(p->user_id);
  if (*r == Role::unit_leader || *r == Role::hq_leader)
    if (auto it = u->designations.find("leadership"); it != u->designations.end())
      for (const auto* p : dir.holding(it->second, {*r}))
        if (std::find(out.begin(), out.end(), p->user_id) == out.end()) out.push_back(p->user_id);
  return out;
}

}  // namespace watchfloor::supervision
