#include "duty/watch.h"

#include <fmt/format.h>

#include <set>

namespace watchfloor::duty {
namespace {

void raise(events::Alerts& alerts, const char* kind, const std::string& subject, const org::Unit& unit,
           const char* severity, std::string title_vi, std::string title_en, std::vector<std::string> audience,
           nlohmann::json details) {
  events::Alert a;
  a.kind = kind;
  a.subject = subject;
  a.unit_id = unit.id;
  a.severity = severity;
  a.title_vi = std::move(title_vi);
  a.title_en = std::move(title_en);
  a.audience = std::move(audience);
  a.details = std::move(details);
  alerts.raise(std::move(a));
}

}  // namespace

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
          raise(alerts, "shift.member_missing", subject, unit, "medium",
                fmt::format("Thành viên ca trực ngày {} chưa có mặt ({})", s->date, unit.name_vi),
                fmt::format("A member of the {} shift has not checked in ({})", s->date, unit.name_en),
                {"shift_leader", "office_officer"}, {{"shift_id", s->id}, {"user_id", m.user_id}, {"position", m.position}});
        }
      // The shift before, if its handover is still not accepted after the grace period.
      if (auto prev = duty.shift_at(unit.id, s->starts_at - 1);
          prev && prev->status(now) == "handover_pending" && now >= prev->ends_at + tmpl.handover_grace_minutes * 60'000LL) {
        std::string subject = fmt::format("shift:{}", prev->id);
        overdue_now.insert(subject);
        raise(alerts, "shift.handover_overdue", subject, unit, "high",
              fmt::format("Ca trực ngày {} chưa được nhận bàn giao ({})", prev->date, unit.name_vi),
              fmt::format("The handover of the {} shift has not been accepted ({})", prev->date, unit.name_en),
              {"shift_leader", "unit_leader", "office_officer"}, {{"shift_id", prev->id}});
      }
    }
    if (unit.must_run_24x7) {
      std::string subject = fmt::format("unit:{}", unit.id);
      auto gaps = duty.coverage(unit.id, now, now + 14 * 86'400'000LL);
      if (gaps.empty()) {
        alerts.resolve("coverage.gap", subject);
      } else {
        auto list = nlohmann::json::array();
        for (const auto& g : gaps) list.push_back({{"from", core::iso8601(g.from)}, {"to", core::iso8601(g.to)}, {"reason", g.reason}});
        raise(alerts, "coverage.gap", subject, unit, gaps.front().from <= now ? "high" : "medium",
              fmt::format("{} chưa bố trí đủ người trực 24/7 trong 14 ngày tới", unit.name_vi),
              fmt::format("{} has no one on duty for part of the next 14 days", unit.name_en),
              {"office_officer", "unit_leader"}, {{"gaps", list}});
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
