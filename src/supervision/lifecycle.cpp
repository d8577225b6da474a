#include "supervision/lifecycle.h"

#include <fmt/format.h>

#include <initializer_list>
#include <string_view>

namespace watchfloor::supervision {
namespace {

struct Row {
  CaseStep step;
  std::initializer_list<std::string_view> from;  // the statuses it may be taken in
  std::string_view to;                           // empty: the status stays
  const char* vi;                                // the step, as the refusal names it
  const char* en;
};

constexpr std::string_view kOpen[] = {"reported", "acknowledged", "in_handling", "coordination_requested"};

const Row kTable[] = {
    {CaseStep::edit, {"draft"}, "", "sửa", "edited"},
    {CaseStep::report, {"draft"}, "reported", "báo cáo", "reported"},
    {CaseStep::acknowledge, {"reported"}, "acknowledged", "tiếp nhận", "acknowledged"},
    {CaseStep::start_handling, {"reported", "acknowledged", "coordination_requested"}, "in_handling", "bắt đầu xử lý",
     "taken into handling"},
    {CaseStep::propose, {"reported", "acknowledged", "in_handling", "coordination_requested"}, "", "đề xuất phương án xử lý",
     "given a plan"},
    {CaseStep::decide, {"reported", "acknowledged", "in_handling", "coordination_requested"}, "", "phê duyệt phương án",
     "decided on"},
    {CaseStep::execute, {"reported", "acknowledged", "in_handling", "coordination_requested"}, "", "thực hiện phương án",
     "carried out"},
    {CaseStep::request_coordination, {"acknowledged", "in_handling", "coordination_requested"}, "coordination_requested",
     "đề nghị phối hợp", "coordinated"},
    {CaseStep::conclude, {"acknowledged", "in_handling", "coordination_requested"}, "concluded", "kết luận", "concluded"},
    {CaseStep::close, {"concluded"}, "closed", "đóng hồ sơ", "closed"},
    {CaseStep::reopen, {"concluded", "closed"}, "in_handling", "mở lại", "reopened"},
    {CaseStep::lapse_acknowledgement, {"acknowledged"}, "reported", "trả về chờ tiếp nhận", "returned to awaiting acknowledgement"},
};

}  // namespace

Transition case_step(const std::string& status, CaseStep step) {
  for (const auto& row : kTable) {
    if (row.step != step) continue;
    for (auto from : row.from)
      if (from == status) return {std::string(row.to.empty() ? from : row.to), "", ""};
    return {std::nullopt, fmt::format("Không thể {} vụ việc khi đang ở trạng thái {}.", row.vi, status),
            fmt::format("The case cannot be {} while it is {}.", row.en, status)};
  }
  return {std::nullopt, "Bước không có trong quy trình.", "No such step."};
}

bool case_open(const std::string& status) {
  for (auto s : kOpen)
    if (s == status) return true;
  return false;
}

}  // namespace watchfloor::supervision
