#include "duty/watch.h"

#include <fmt/format.h>

#include <set>

namespace watchfloor::duty {

void check_duty(Duty& duty, org::Units& units, events::Alerts& alerts, int64_t now) {
  std::set<std::string> missing_now, overdue_now;
  for (const auto& unit : units.list()) {
    if (unit.external) continue;
    auto tmpl = duty.template_for(unit.id);
    if (auto s = duty.shift_at(unit.id, now)) {
      if (now >= s->starts_at + tmpl.checkin_grace_minutes * 60'000LL)
        for (const auto& m : s->members) {
          if (m.checked_in_at) continue;
          std::string subject = fmt::format("shift:{}:user:{}", s->id, m.user_id);
          missing_now.insert(subject);
          events::Alert a;
          a.kind = "shift.member_missing";
          a.subject = subject;
          a.unit_id = unit.id;
          a.severity = "medium";
          a.title_vi = fmt::format("Thành viên ca trực ngày {} chưa có mặt ({})", s->date, unit.name_vi);
          a.title_en = fmt::format("A member of the {} shift has not checked in ({})", s->date, unit.name_en);
          a.audience = {"shift_leader", "office_officer"};
          a.details = {{"shift_id", s->id}, {"user_id", m.user_id}, {"position", m.position}};
          alerts.raise(a);
        }
      // The shift before, if its handover is still not accepted after the grace period.
      if (auto prev = duty.shift_at(unit.id, s->starts_at - 1);
          prev && prev->status(now) == "handover_pending" && now >= prev->ends_at + tmpl.handover_grace_minutes * 60'000LL) {
        std::string subject = fmt::format("shift:{}", prev->id);
        overdue_now.insert(subject);
        events::Alert a;
        a.kind = "shift.handover_overdue";
        a.subject = subject;
        a.unit_id = unit.id;
        a.severity = "high";
        a.title_vi = fmt::format("Ca trực ngày {} chưa được nhận bàn giao ({})", prev->date, unit.name_vi);
        a.title_en = fmt::format("The handover of the {} shift has not been accepted ({})", prev->date, unit.name_en);
        a.audience = {"shift_leader", "unit_leader", "office_officer"};
        a.details = {{"shift_id", prev->id}};
        alerts.raise(a);
      }
    }
    if (unit.must_run_24x7) {
      std::string subject = fmt::format("unit:{}", unit.id);
      auto gaps = duty.coverage(unit.id, now, now + 14 * 86'400'000LL);
      if (gaps.empty()) {
        alerts.resolve("coverage.gap", subject);
      } else {
        events::Alert a;
        a.kind = "coverage.gap";
        a.subject = subject;
        a.unit_id = unit.id;
        a.severity = gaps.front().from <= now ? "high" : "medium";
        a.title_vi = fmt::format("{} chưa bố trí đủ người trực 24/7 trong 14 ngày tới", unit.name_vi);
        a.title_en = fmt::format("{} has no one on duty for part of the next 14 days", unit.name_en);
        a.audience = {"office_officer", "unit_leader"};
        auto list = nlohmann::json::array();
        for (const auto& g : gaps) list.push_back({{"from", core::iso8601(g.from)}, {"to", core::iso8601(g.to)}, {"reason", g.reason}});
        a.details = {{"gaps", list}};
        alerts.raise(a);
      }
    }
  }
  // Close what no longer holds: checked in, shift over, handover accepted.
  for (const auto& subject : alerts.open_subjects("shift.member_missing"))
    if (!missing_now.count(subject)) alerts.resolve("shift.member_missing", subject);
  for (const auto& subject : alerts.open_subjects("shift.handover_overdue"))
    if (!overdue_now.count(subject)) alerts.resolve("shift.handover_overdue", subject);
}

}  // namespace watchfloor::duty
