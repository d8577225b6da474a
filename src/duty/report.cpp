#include "duty/report.h"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "duty/issuer.h"
#include "duty/schedule.h"

namespace watchfloor::duty {
namespace {

const std::map<std::string, std::string> kLabels = {
    {"shift_leader", "Lãnh đạo ca trực"},
    {"deputy_leader", "Lãnh đạo cấp phòng"},
    {"office_officer", "Cán bộ Văn phòng"},
    {"supervision_officer", "Công chức giám sát trực tuyến"},
    {"duty_officer", "Cán bộ trực ban"},
    {"information_received", "Tiếp nhận thông tin"},
    {"instruction_given", "Chỉ đạo"},
    {"action_taken", "Xử lý"},
    {"equipment_status", "Tình trạng thiết bị"},
    {"system_outage", "Sự cố hệ thống"},
    {"other", "Khác"},
    {"inspection", "Kiểm tra"},
    {"stop_goods", "Dừng đưa hàng qua khu vực giám sát"},
    {"handle_violation", "Xử lý vi phạm"},
    {"declaration", "Tờ khai"},
    {"container", "Container"},
    {"vehicle", "Phương tiện"},
    {"passenger", "Hành khách"},
    {"leadership_direction", "Chỉ đạo của lãnh đạo"},
    {"situation", "Tình hình"},
    {"channel_direction", "Chỉ đạo phân luồng"},
};

std::string label(const std::string& id) {
  auto it = kLabels.find(id);
  return it == kLabels.end() ? id : it->second;
}

// The shift's place among the unit's shifts that end in the same local year as it does.
int64_t report_number(Duty& duty, const Shift& s, const std::string& tz) {
  const std::string year = local_date_of(s.ends_at, tz).substr(0, 4);
  const int64_t year_start = local_to_utc_ms(year + "-01-01", 0, tz);
  int64_t n = 0;
  for (const Shift& other : duty.shifts(s.unit_id, year_start - 1, s.ends_at))
    if (other.ends_at >= year_start && (other.ends_at < s.ends_at || (other.ends_at == s.ends_at && other.id <= s.id))) ++n;
  return std::max<int64_t>(n, 1);
}

}  // namespace

std::string format_local(int64_t utc_ms, const std::string& time_zone, const char* format) {
  date::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(utc_ms)};
  return date::format(format, date::make_zoned(time_zone, date::floor<std::chrono::minutes>(t)));
}

ShiftReport build_shift_report(Duty& duty, org::Units& units, org::Users& users, const Shift& s) {
  const Issuer issuer = issuer_of(s.unit_id, units.list());
  const std::string tz = duty.time_zone_of(s.unit_id);
  auto name = [&](int64_t user_id) {
    auto u = users.get(user_id);
    return u ? u->full_name : fmt::format("#{}", user_id);
  };
  const std::string from = fmt::format("{} ngày {}", format_local(s.starts_at, tz, "%H:%M"), format_local(s.starts_at, tz, "%d/%m/%Y"));
  const std::string to = fmt::format("{} ngày {}", format_local(s.ends_at, tz, "%H:%M"), format_local(s.ends_at, tz, "%d/%m/%Y"));

  ShiftReport r;
  if (issuer.parent) r.parent_unit_name = issuer.parent->name_vi;
  r.unit_name = issuer.unit.name_vi;
  r.document_number = document_number(report_number(duty, s, tz), kReportType, issuer.symbol);
  r.place_date = place_date(issuer, s.ends_at);
  r.title = "Báo cáo";
  r.period = fmt::format("Kết quả ca trực từ {} đến {}", from, to);
  r.addressee = issuer.leadership ? issuer.leadership->name_vi : "Lãnh đạo " + issuer.unit.name_vi;
  r.introduction = fmt::format("Căn cứ {}, ca trực báo cáo kết quả thực hiện nhiệm vụ trong ca như sau:", kRegulation);
  const ShiftMember* signer = nullptr;
  for (const auto& m : s.members) {
    r.members.emplace_back(label(m.position), name(m.user_id));
    if (m.position == "shift_leader" && (!signer || signer->position != "shift_leader")) signer = &m;
    if (m.position == "deputy_leader" && !signer) signer = &m;
  }
  r.signer_title = "Lãnh đạo ca trực";
  if (signer) r.signer_name = name(signer->user_id);
  r.copies.push_back("Như trên;");
  if (auto next = duty.next_shift(s.unit_id, s.starts_at + 1))
    r.copies.push_back(fmt::format("Ca trực từ {} ngày {} (để tiếp tục theo dõi);", format_local(next->starts_at, tz, "%H:%M"),
                                   format_local(next->starts_at, tz, "%d/%m/%Y")));
  r.copies.push_back(fmt::format("Lưu: VT, {}.", issuer.symbol));
  for (const auto& f : duty.focus(s.id)) r.focus_items.push_back(f.text + " (" + label(f.source) + ")");
  for (const auto& e : duty.log(s.id)) {
    std::string text = e.corrects_id ? fmt::format("[Đính chính nội dung ghi nhật ký số {}] {}", *e.corrects_id, e.text) : e.text;
    r.log.push_back({format_local(e.at, tz), name(e.author_id), label(e.kind), text});
  }
  for (const auto& o : duty.orders(s.id)) {
    std::string receiving;
    if (o.receiving_unit_id)
      if (auto u = units.get(*o.receiving_unit_id)) receiving = u->name_vi;
    r.orders.push_back({format_local(o.issued_at, tz), name(o.issued_by), label(o.kind),
                        label(o.target_type) + " " + o.target_ref, receiving, o.outcome.value_or("")});
  }
  if (auto h = duty.handover(s.id)) {
    r.handover_summary = h->summary + (h->notes.empty() ? "" : "\n" + h->notes);
    for (const auto& item : h->open_items) {
      std::string type = item.value("type", "");
      std::string line =
          type == "log"    ? fmt::format("{}: {}", label(item.value("kind", "")), item.value("target", ""))
          : type == "case" ? fmt::format("Vụ việc {}: đang xử lý", item.value("target", ""))
          : type == "coordination"
              ? fmt::format("Đề nghị phối hợp {}: chờ trả lời", item.value("target", ""))
              : fmt::format("{} {}: chưa có kết quả", label(item.value("kind", "")), item.value("target", ""));
      if (const auto a = item.find("acceptance"); a != item.end() && a->is_object()) {
        std::string note = a->value("note", "");
        line += fmt::format(" — ca sau {}{}", a->value("decision", "") == "noted" ? "ghi nhận" : "tiếp nhận",
                            note.empty() ? "" : ": " + note);
      }
      r.open_cases.push_back(line);
    }
    r.handover_remarks = h->remarks.value_or("");
    if (h->accepted_by) r.handover_accepted_by = name(*h->accepted_by) + ", " + format_local(*h->accepted_at, tz);
  }
  return r;
}

}  // namespace watchfloor::duty
