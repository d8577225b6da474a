// The demo's living duty watch: a published roster for Hải Phòng covering this month and the next,
// the shift on duty now with focus items, log entries and an order, and tomorrow's shift. Run at
// every demo start, so a demo started again weeks later is still on duty.
#include <fmt/format.h>

#include "app/installation.h"
#include "core/log.h"
#include "duty/duty.h"

namespace watchfloor::app {
namespace {

int64_t user_id(Installation& inst, const std::string& username) {
  auto u = inst.users.by_username(username);
  if (!u) throw std::runtime_error("demo user missing: " + username);
  return u->id;
}

}  // namespace

void ensure_demo_duty(Installation& inst, duty::Duty& duty) {
  auto unit = inst.units.by_code("HP");
  if (!unit) return;
  int64_t now = inst.clock.now_ms();
  std::string today = duty::local_date_of(now, unit->time_zone);
  // Covered for the coming two weeks already? Then leave the roster alone.
  if (duty.coverage(unit->id, now, now + 14 * 86'400'000LL).empty()) return;

  // From the shift that covers this moment (it started at 08:00 today, or yesterday before 08:00) to
  // the end of next month; past days are not invented.
  auto tmpl = duty.template_for(unit->id);
  std::string first = duty::local_date_of(now - tmpl.start_minute * 60'000LL, unit->time_zone);
  std::string last = duty::add_days(duty::add_days(today.substr(0, 8) + "01", 62).substr(0, 8) + "01", -1);
  if (auto covered = duty.shift_at(unit->id, now)) first = duty::add_days(covered->date, 1);  // an older demo roster
  auto u = [&](const char* name) { return user_id(inst, name); };
  duty::Rotation rotation;
  rotation.kind = "daily_rotation";
  rotation.anchor_date = first;
  rotation.teams = {
      {{u("truongca.hp"), "shift_leader"}, {u("phophong.hp"), "deputy_leader"}, {u("vanphong.hp"), "office_officer"},
       {u("canbo.hp"), "supervision_officer"}, {u("canbo.hpkv1"), "supervision_officer"}, {u("trucban.hp"), "duty_officer"}},
      {{u("truongca2.hp"), "shift_leader"}, {u("phophong2.hp"), "deputy_leader"}, {u("vanphong2.hp"), "office_officer"},
       {u("canbo2.hp"), "supervision_officer"}, {u("canbo3.hp"), "supervision_officer"}},
  };
  duty::RosterInput in;
  in.unit_id = unit->id;
  in.period_from = first;
  in.period_to = last;
  in.rotation = rotation;
  int64_t office = u("vanphong.hp"), leader = u("lanhdao.hp");
  inst.db->transaction([&] {
    auto r = duty.create_roster(in, office);
    duty.submit(r.id, office);
    duty.approve(r.id, leader, std::nullopt);
    duty.publish(r.id, office);
    inst.audit.append(inst.system_event("roster.publish", "roster", std::to_string(r.id), unit->id, {{"demo", true}}));

    auto shift = duty.shift_at(unit->id, now);
    if (!shift || !duty.log(shift->id).empty()) return;
    auto lead = [&]() -> int64_t {
      for (const auto& m : shift->members)
        if (m.position == "shift_leader") return m.user_id;
      return shift->members.front().user_id;
    }();
    auto officer = [&]() -> int64_t {
      for (const auto& m : shift->members)
        if (m.position == "supervision_officer") return m.user_id;
      return lead;
    }();
    for (const auto& m : shift->members) duty.check_in(shift->id, m.user_id);
    duty.add_focus(shift->id, lead, "Giám sát chặt container hàng đông lạnh tạm nhập tái xuất qua cảng Hải Phòng khu vực I",
                   "leadership_direction");
    duty.add_focus(shift->id, lead, "Theo dõi tờ khai luồng đỏ của doanh nghiệp có dấu hiệu rủi ro về xuất xứ", "channel_direction");
    duty.add_log(shift->id, officer, "equipment_status", "Đầu ca: 42/44 camera hoạt động; camera cổng B và bãi số 3 mất tín hiệu.",
                 nlohmann::json::object(), std::nullopt);
    duty.add_log(shift->id, officer, "information_received",
                 "Tiếp nhận thông tin container TGHU 812345-6 có sai lệch trọng lượng so với khai báo.", nlohmann::json::object(),
                 std::nullopt);
    duty::Order order;
    order.kind = "stop_goods";
    order.target_type = "container";
    order.target_ref = "TGHU 812345-6";
    order.receiving_unit_id = inst.units.by_code("HP-CKKV1") ? std::optional(inst.units.by_code("HP-CKKV1")->id) : std::nullopt;
    order.instructions = "Dừng đưa container qua khu vực giám sát, phối hợp soi chiếu và báo cáo kết quả.";
    duty.add_order(shift->id, lead, order);
    duty.add_log(shift->id, lead, "instruction_given",
                 "Lãnh đạo ca trực chỉ đạo dừng đưa container TGHU 812345-6 qua khu vực giám sát, chờ soi chiếu.",
                 nlohmann::json::object(), std::nullopt);
  });
  core::log_info(fmt::format("demo: published the Hải Phòng duty roster {} to {}", first, last));
}

}  // namespace watchfloor::app
