// The demo's living duty watch: a published roster for Hải Phòng covering this month and the next,
// the shift on duty now with focus items, log entries and an order, and tomorrow's shift; and the 24/7
// watch of the Anti-Smuggling Investigation Department, staffed by its Online Customs Supervision
// Division (Art. 16.1, 16.2.1), on duty now too. Run at every demo start, so a demo started again
// weeks later is still on duty.
#include <fmt/format.h>

#include <functional>

#include "store/work.h"
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

// The days a demo roster covers: from the shift that covers this moment (it started at 08:00 today, or
// yesterday before 08:00) to the end of next month; past days are not invented. nullopt when the coming
// two weeks are covered already (leave the roster alone).
std::optional<std::pair<std::string, std::string>> days_to_cover(duty::Duty& duty, const org::Unit& unit, int64_t now) {
  if (duty.coverage(unit.id, now, now + 14 * 86'400'000LL).empty()) return std::nullopt;
  std::string today = duty::local_date_of(now, unit.time_zone);
  auto tmpl = duty.template_for(unit.id);
  std::string first = duty::local_date_of(now - tmpl.start_minute * 60'000LL, unit.time_zone);
  std::string last = duty::add_days(duty::add_days(today.substr(0, 8) + "01", 62).substr(0, 8) + "01", -1);
  if (auto covered = duty.shift_at(unit.id, now)) first = duty::add_days(covered->date, 1);  // an older demo roster
  return std::pair{first, last};
}

// Publishes a roster of `teams` taking turns daily over `days`, drafted by `office` and approved by
// `leader`, and hands the shift on duty now to `fill` when nothing is logged in it yet: one transaction.
void publish_roster(Installation& inst, duty::Duty& duty, const org::Unit& unit, const std::pair<std::string, std::string>& days,
                    std::vector<std::vector<duty::Member>> teams, int64_t office, int64_t leader,
                    const std::function<void(const duty::Shift&)>& fill) {
  duty::RosterInput in;
  in.unit_id = unit.id;
  in.period_from = days.first;
  in.period_to = days.second;
  duty::Rotation rotation;
  rotation.kind = "daily_rotation";
  rotation.anchor_date = days.first;
  rotation.teams = std::move(teams);
  in.rotation = std::move(rotation);
  store::Work::run(*inst.db, [&](store::Work&) {
    auto r = duty.create_roster(in, office);
    duty.submit(r.id, office);
    duty.approve(r.id, leader, std::nullopt);
    duty.publish(r.id, office);
    inst.audit.append(audit::Actor::system("demo").event("roster.publish", "roster", std::to_string(r.id), unit.id,
                                                         {{"demo", true}}));
    auto shift = duty.shift_at(unit.id, inst.clock.now_ms());
    if (!shift || !duty.log(shift->id).empty()) return;
    for (const auto& m : shift->members) duty.check_in(shift->id, m.user_id);
    fill(*shift);
  });
}

// The department's 24/7 watch (must_run_24x7), run by the Online Customs Supervision Division in its
// monitoring room: two teams of the division on alternate days, each a shift leader, a duty officer and
// two supervision officers around the clock (its own template: no office-hours phase).
void ensure_sector_duty(Installation& inst, duty::Duty& duty) {
  auto unit = inst.units.by_code("DTCBL");
  if (!unit) return;
  const char* const people[] = {"truongca.gstt", "truongca.dtcbl", "trucban.dtcbl", "trucban2.dtcbl",
                                "canbo.gstt",    "canbo2.gstt",    "canbo3.gstt",   "canbo4.gstt"};
  for (const char* name : people)
    if (!inst.users.by_username(name)) {  // a demo installation older than these people
      core::log_info(fmt::format("demo: no {} in this demo installation; the sector duty watch is not rostered", name));
      return;
    }
  int64_t now = inst.clock.now_ms();
  if (!inst.db->query_one("SELECT 1 FROM shift_templates WHERE unit_id = ?", {unit->id})) {
    duty::ShiftTemplate t;
    t.phases = {{"round_the_clock", "Cả ngày", "Round the clock", 0, 24 * 60,
                 {{"shift_leader", 1}, {"duty_officer", 1}, {"supervision_officer", 2}}}};
    duty.set_template(unit->id, t, audit::Actor::system("demo"));
  }
  auto days = days_to_cover(duty, *unit, now);
  if (!days) return;
  auto u = [&](const char* name) { return user_id(inst, name); };
  publish_roster(inst, duty, *unit, *days,
                 {{{u("truongca.gstt"), "shift_leader"}, {u("trucban.dtcbl"), "duty_officer"},
                   {u("canbo.gstt"), "supervision_officer"}, {u("canbo2.gstt"), "supervision_officer"}},
                  {{u("truongca.dtcbl"), "shift_leader"}, {u("trucban2.dtcbl"), "duty_officer"},
                   {u("canbo3.gstt"), "supervision_officer"}, {u("canbo4.gstt"), "supervision_officer"}}},
                 u("tonghop.vp"), u("lanhdao.dtcbl"), [&](const duty::Shift& shift) {
                   int64_t lead = shift.members.front().user_id;
                   duty.add_focus(shift.id, lead,
                                  "Giám sát trực tuyến 24/7 hình ảnh camera các cửa khẩu, cảng biển trọng điểm toàn ngành",
                                  "leadership_direction");
                   duty.add_log(shift.id, shift.members.back().user_id, "equipment_status",
                                "Đầu ca: kiểm tra kết nối camera của Cục Hải quan Hải Phòng và Lạng Sơn; hệ thống hoạt động bình thường.",
                                nlohmann::json::object(), std::nullopt);
                 });
  core::log_info(fmt::format("demo: published the sector duty roster of {} {} to {}", unit->code, days->first, days->second));
}

}  // namespace

void ensure_demo_duty(Installation& inst, duty::Duty& duty) {
  ensure_sector_duty(inst, duty);
  auto unit = inst.units.by_code("HP");
  if (!unit) return;
  int64_t now = inst.clock.now_ms();
  auto days = days_to_cover(duty, *unit, now);
  if (!days) return;
  std::string first = days->first, last = days->second;
  auto u = [&](const char* name) { return user_id(inst, name); };
  publish_roster(inst, duty, *unit, *days,
                 {{{u("truongca.hp"), "shift_leader"}, {u("phophong.hp"), "deputy_leader"}, {u("vanphong.hp"), "office_officer"},
                   {u("canbo.hp"), "supervision_officer"}, {u("canbo.hpkv1"), "supervision_officer"}, {u("trucban.hp"), "duty_officer"}},
                  {{u("truongca2.hp"), "shift_leader"}, {u("phophong2.hp"), "deputy_leader"}, {u("vanphong2.hp"), "office_officer"},
                   {u("canbo2.hp"), "supervision_officer"}, {u("canbo3.hp"), "supervision_officer"}}},
                 u("vanphong.hp"), u("lanhdao.hp"), [&](const duty::Shift& shift) {
    auto lead = [&]() -> int64_t {
      for (const auto& m : shift.members)
        if (m.position == "shift_leader") return m.user_id;
      return shift.members.front().user_id;
    }();
    auto officer = [&]() -> int64_t {
      for (const auto& m : shift.members)
        if (m.position == "supervision_officer") return m.user_id;
      return lead;
    }();
    duty.add_focus(shift.id, lead, "Giám sát chặt container hàng đông lạnh tạm nhập tái xuất qua cảng Hải Phòng khu vực I",
                   "leadership_direction");
    duty.add_focus(shift.id, lead, "Theo dõi tờ khai luồng đỏ của doanh nghiệp có dấu hiệu rủi ro về xuất xứ", "channel_direction");
    duty.add_log(shift.id, officer, "equipment_status", "Đầu ca: 42/44 camera hoạt động; camera cổng B và bãi số 3 mất tín hiệu.",
                 nlohmann::json::object(), std::nullopt);
    duty.add_log(shift.id, officer, "information_received",
                 "Tiếp nhận thông tin container TGHU 812345-6 có sai lệch trọng lượng so với khai báo.", nlohmann::json::object(),
                 std::nullopt);
    duty::Order order;
    order.kind = "stop_goods";
    order.target_type = "container";
    order.target_ref = "TGHU 812345-6";
    order.receiving_unit_id = inst.units.by_code("HP-CKKV1") ? std::optional(inst.units.by_code("HP-CKKV1")->id) : std::nullopt;
    order.instructions = "Dừng đưa container qua khu vực giám sát, phối hợp soi chiếu và báo cáo kết quả.";
    duty.add_order(shift.id, lead, order);
    duty.add_log(shift.id, lead, "instruction_given",
                 "Lãnh đạo ca trực chỉ đạo dừng đưa container TGHU 812345-6 qua khu vực giám sát, chờ soi chiếu.",
                 nlohmann::json::object(), std::nullopt);
  });
  core::log_info(fmt::format("demo: published the Hải Phòng duty roster {} to {}", first, last));
}

}  // namespace watchfloor::app
