#include "org/vocabulary.h"

#include <algorithm>

namespace watchfloor::org {

const std::vector<Term>& unit_kinds() {
  static const std::vector<Term> t = {
      {"headquarters", "Tổng cục", "General Department"},
      {"leadership", "Lãnh đạo", "Leadership"},
      {"office", "Văn phòng", "Office"},
      {"department", "Cục / Vụ", "Department"},
      {"division", "Phòng", "Division"},
      {"provincial_department", "Cục Hải quan tỉnh, thành phố", "Provincial customs department"},
      {"branch", "Chi cục Hải quan", "Customs branch"},
      {"team", "Đội", "Team"},
      {"customs_department", "Cục Hải quan", "Customs Department"},
      {"central_unit", "Đơn vị thuộc cơ quan Cục", "Central unit of the Customs Department"},
      {"regional_branch", "Chi cục Hải quan khu vực", "Regional customs branch"},
      {"border_gate_office", "Hải quan cửa khẩu", "Border-gate customs office"},
      {"external", "Đơn vị ngoài ngành", "Unit outside customs"},
  };
  return t;
}

// The headquarters words here are the regulation's (2017); hq_words.h puts in the installed organisation's.
const std::vector<Term>& designation_kinds() {
  static const std::vector<Term> t = {
      {"lead_supervision_unit", "Đơn vị chủ trì giám sát trực tuyến", "Lead unit for online supervision"},
      {"system_operator", "Đơn vị quản lý, vận hành hệ thống", "System operator"},
      {"supervision_section", "Bộ phận giám sát trực tuyến / đơn vị đầu mối", "Online supervision section or focal unit"},
      {"duty_watch", "Trực ban đơn vị", "Unit duty watch"},
      {"leadership", "Lãnh đạo đơn vị", "Unit leadership"},
      {"leadership_focal_point", "Đầu mối báo cáo Lãnh đạo Tổng cục", "Focal point reporting to the General Department leadership"},
  };
  return t;
}

const std::vector<Term>& role_terms() {
  static const std::vector<Term> t = {
      {"admin", "Quản trị hệ thống", "System administrator"},
      {"hq_leader", "Lãnh đạo Tổng cục", "General Department leader"},
      {"unit_leader", "Lãnh đạo đơn vị", "Unit leader"},
      {"shift_leader", "Lãnh đạo ca trực", "Shift leader"},
      {"duty_officer", "Cán bộ trực ban", "Duty officer"},
      {"supervision_officer", "Công chức giám sát trực tuyến", "Online supervision officer"},
      {"office_officer", "Cán bộ Văn phòng", "Office officer"},
      {"camera_admin", "Quản trị camera", "Camera administrator"},
      {"auditor", "Cán bộ kiểm tra nội bộ", "Internal auditor"},
      {"external_requester", "Người đề nghị ngoài ngành", "External requester"},
  };
  return t;
}

bool is_term(const std::vector<Term>& terms, std::string_view id) {
  return std::any_of(terms.begin(), terms.end(), [&](const Term& t) { return t.id == id; });
}

}  // namespace watchfloor::org
