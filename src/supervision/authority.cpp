#include "supervision/authority.h"

#include <fmt/format.h>

#include <algorithm>

namespace watchfloor::supervision {

bool leads(const Directory& dir, int64_t user, const org::Unit& unit) {
  auto people = leadership_of(dir, unit);
  return std::any_of(people.begin(), people.end(), [&](const Person* p) { return p->user_id == user; });
}

std::optional<Refusal> may_approve_plan(const Directory& dir, int64_t user, int64_t plan_unit) {
  const org::Unit* owner = leadership_unit(dir, plan_unit);  // the plan's unit's leadership approves it
  if (owner && leads(dir, user, *owner)) return std::nullopt;
  std::string vi = owner ? owner->name_vi : "", en = owner ? owner->name_en : "";
  return Refusal{fmt::format("Kế hoạch giám sát trọng điểm do lãnh đạo đơn vị chủ trì ({}) phê duyệt (Điều 16 khoản 4 điểm b)", vi),
                 fmt::format("A key-point plan is approved by the leadership of the unit that owns it ({}) (Art. 16(4)(b))", en)};
}

std::optional<Refusal> may_record_directive(const Directory& dir, int64_t user, int64_t task_unit, bool has_reference) {
  const org::Unit* hq = dir.nearest_with(task_unit, "leadership_focal_point");
  const Person* p = dir.person(user);
  bool hq_leader = p && std::any_of(p->grants.begin(), p->grants.end(), [](const auto& g) { return g.role == auth::Role::hq_leader; });
  if (hq_leader || (hq && leads(dir, user, *hq))) return std::nullopt;
  if (hq) {
    auto focal = focal_point_people(dir, *hq);
    bool at_focal = std::any_of(focal.begin(), focal.end(), [&](const Person* x) { return x->user_id == user; });
    if (at_focal && has_reference) return std::nullopt;
    if (at_focal)
      return Refusal{"Đầu mối nhập chỉ đạo thay Lãnh đạo phải ghi số văn bản hoặc nội dung chỉ đạo, ngày và người chỉ đạo",
                     "The focal point entering a direction on a leader's behalf must give its number or instruction, date and who gave it"};
  }
  return Refusal{"Nhiệm vụ giám sát trọng điểm theo chỉ đạo trực tiếp chỉ do Lãnh đạo cấp trên, hoặc đầu mối (Phòng Tổng hợp - Văn phòng) "
                 "thay mặt Lãnh đạo, lập (Điều 16 khoản 4 điểm c)",
                 "A task recording a direct instruction of headquarters leadership is created only by a headquarters leader, or by "
                 "the focal point (General Affairs Division of the Office) on a leader's behalf (Art. 16(4)(c))"};
}

}  // namespace watchfloor::supervision
