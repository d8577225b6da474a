#pragma once
// The shift report (báo cáo ca trực) as an A4 PDF in the layout of a Vietnamese administrative
// document (Nghị định 30/2020/NĐ-CP, Appendix I). Plain data in, bytes out: the caller collects and
// formats the shift's data (local times, Vietnamese labels); this file knows only the page.
#include <string>
#include <utility>
#include <vector>

namespace watchfloor::duty {

// One duty-log entry (nhật ký trực ban). `kind` is the label shown, e.g. "Tiếp nhận thông tin".
struct ReportLine {
  std::string time_local;  // already formatted "dd/MM/yyyy HH:mm" in the unit's time zone
  std::string author;
  std::string kind;
  std::string text;
};

// A shift leader's direction to stop goods, inspect or handle a violation (chỉ đạo của lãnh đạo ca trực);
// an empty outcome prints as "not reported".
struct ReportOrder {
  std::string time_local, issuer, kind, target, receiving_unit, outcome;
};

struct ShiftReport {
  std::string parent_unit_name;  // issuing authority line 1, e.g. "Tổng cục Hải quan"
  std::string unit_name;         // line 2, e.g. "Cục Hải quan thành phố Hải Phòng"
  std::string document_number;   // e.g. "Số: 331/BC-HP"
  std::string place_date;        // e.g. "Hải Phòng, ngày 28 tháng 11 năm 2026"
  std::string title;             // tên loại: "Báo cáo"
  std::string period;            // trích yếu: "Kết quả ca trực từ 08:00 ngày 27/11/2026 đến 08:00 ngày 28/11/2026"
  std::string addressee;         // after "Kính gửi:", e.g. "Lãnh đạo Cục Hải quan thành phố Hải Phòng"; may be empty
  std::string introduction;      // the legal basis and what follows ("Căn cứ Quy chế ..., ca trực báo cáo ...")
  std::vector<std::pair<std::string, std::string>> members;  // (position, full name)
  std::vector<std::string> focus_items;                      // nội dung trọng điểm
  std::vector<ReportLine> log;
  std::vector<ReportOrder> orders;
  std::vector<std::string> open_cases;  // one line each
  std::string handover_summary, handover_remarks, handover_accepted_by;
  // Signature block: authority and position, one line per "\n" (e.g. "Lãnh đạo ca trực"), and name.
  std::string signer_title, signer_name;
  std::vector<std::string> copies;  // Nơi nhận, one recipient a line ("Như trên;", ..., "Lưu: VT, HP.")
};

// Returns the bytes of an A4 PDF. Authority names, the title and the signer's title are printed in
// upper case whatever case they arrive in; invalid UTF-8 is replaced, never rejected. Throws
// std::runtime_error if rendering fails, including when the "Noto Serif" font is not installed
// (a substitute font could silently drop Vietnamese diacritics).
std::string render_shift_report_pdf(const ShiftReport& r);

}  // namespace watchfloor::duty
