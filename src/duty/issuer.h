#pragma once
// Who issues a printed document and how a customs office heads and signs it, after Nghị định
// 30/2020/NĐ-CP on clerical work (công tác văn thư), Appendix I: the issuing authority under its
// parent (tên cơ quan ban hành, cơ quan chủ quản), the number and symbol (số, ký hiệu), the place and
// date (địa danh, thời gian ban hành), the legal basis (căn cứ) and the signature block (quyền hạn,
// chức vụ, họ tên). Rules over the organisation's data: no database, no clock, no page layout
// (that is admin_document.h). The shift report (report.h) and the Appendix V coordination request
// (supervision/coordination_form.h) are built with these.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "org/units.h"
#include "org/users.h"

namespace watchfloor::duty {

// The regulation the product's documents cite as their legal basis: its full title as the seed text
// gives it, its decision's number, date and signer. The one place this citation is written.
inline constexpr std::string_view kRegulation =
    "Quy chế thực hiện trực ban, giám sát trực tuyến trong ngành hải quan ban hành kèm theo Quyết định số "
    "888/QĐ-TCHQ ngày 17 tháng 3 năm 2017 của Tổng cục trưởng Tổng cục Hải quan";

// Tên loại văn bản viết tắt (Appendix III): báo cáo.
inline constexpr std::string_view kReportType = "BC";

// "ngày 05 tháng 12 năm 2026": the date of `utc_ms` in `time_zone`. Nghị định 30 writes days below 10
// and the months January and February with a leading zero ("tháng 01", "tháng 02"), the other months
// without ("tháng 3").
std::string document_date(int64_t utc_ms, const std::string& time_zone);

// "Số: 12/BC-HP": number and symbol (the document type's abbreviation, then the issuer's). Numbers
// run from 01 each year (Nghị định 30 Art. 15), so those below 10 take a leading zero.
std::string document_number(int64_t number, std::string_view type, std::string_view issuer_symbol);

// The issuing authority of a document written at some unit.
struct Issuer {
  org::Unit unit;                       // cơ quan ban hành, printed bold
  std::optional<org::Unit> parent;      // cơ quan chủ quản, printed above it
  std::optional<org::Unit> leadership;  // its leadership unit ("Lãnh đạo Cục ..."), when designated
  std::string place;                    // địa danh; empty when no unit up the tree records one
  std::string symbol;                   // its abbreviation in document symbols: the unit code
  std::string head_title;               // "Cục trưởng"; empty when the name does not tell
};

// The issuer for a document written at `unit_id`: that unit or the nearest unit above it that issues
// documents in its own name. A unit does when it has a leadership of its own (a `leadership`
// designation) or is an agency by kind (headquarters, department, provincial or regional department,
// branch, border-gate office); a leadership, office, division or team writes in the name of the agency
// it belongs to. The parent is the nearest such unit above the issuer. The place is the issuer's, else
// that of the nearest unit above that records one. Throws std::invalid_argument for an unknown unit.
Issuer issuer_of(int64_t unit_id, const std::vector<org::Unit>& units);

// "Hải Phòng, ngày 05 tháng 12 năm 2026" in the issuer's time zone; the date alone without a place.
std::string place_date(const Issuer& issuer, int64_t utc_ms);

// The title of the head of a unit, from the word its name begins with: "Cục ..." -> "Cục trưởng",
// "Chi cục ..." -> "Chi cục trưởng", "Tổng cục ..." -> "Tổng cục trưởng", "Vụ" -> "Vụ trưởng",
// "Ban" -> "Trưởng ban", "Văn phòng" -> "Chánh Văn phòng", "Phòng" -> "Trưởng phòng",
// "Đội" -> "Đội trưởng"; empty otherwise.
std::string head_title_of(std::string_view unit_name);

// What the records say of the person who signs for an issuer.
struct Signer {
  std::string full_name;
  std::string title;           // chức vụ as recorded ("Phó Cục trưởng"); may be a rank, or empty
  bool leads = false;          // holds unit_leader or hq_leader at the issuer or at its leadership unit
  bool head_is_other = false;  // someone else there is recorded with the head's title
};

// The signer as the records of `people` (those of the issuer's subtree) describe them.
Signer signer_at(const Issuer& issuer, const org::User& user, const std::vector<org::User>& people);

// The lines of the signature block above the name (printed in capitals), Nghị định 30 Art. 13 and
// Appendix I:
// - the head signs under their title: "Cục trưởng";
// - a deputy signs for the head (ký thay): "KT. Cục trưởng" above "Phó Cục trưởng";
// - a leader (unit_leader, hq_leader there) whose recorded title names no position (a rank, or nothing)
//   is the head, or a deputy when the records name someone else as head;
// - anyone else signs by the head's order (thừa lệnh): "TL. Cục trưởng" above their own title, itself
//   "KT. X" / "Phó X" when they are a deputy.
// When the head's title is unknown, a deputy's title "Phó X" names it; otherwise the title alone.
std::vector<std::string> signature_lines(const std::string& head_title, const Signer& s);

// True when `a` and `b` are the same words, ignoring case and Unicode normalisation.
bool same_words(std::string_view a, std::string_view b);

}  // namespace watchfloor::duty
