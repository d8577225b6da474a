#pragma once
// The coordination request (phiếu đề nghị phối hợp, Appendix V of the regulation issued with
// Decision 888/QĐ-TCHQ) as an A4 PDF in the layout of a Vietnamese administrative document.
// The official Appendix V wording is not public, so what the form says, and in which order, comes
// from a template an administrator can replace (templates/coordination-request.tmpl); the header
// (issuing authority, national motto), the number and the place and date always come from the form.
//
// Template format, one directive a line, printed in file order:
//   title: PHIẾU ĐỀ NGHỊ PHỐI HỢP          exactly one, first; printed in upper case
//   subject: đề nghị phối hợp ...           optional, right after title: the trích yếu, printed
//                                            "V/v ..." under the number (công văn style)
//   subtitle: Về việc ... {{case_number}}   optional, right after title or subject: a summary line
//                                            under the title
//   to: {{receiving_unit}}                   after "Kính gửi:"; consecutive to: lines form a list
//   heading: ...                             bold heading
//   para: ...                                body paragraph, justified, first line indented
//   sign: {{signer_title}} | {{signer_name}} exactly one, after the body
//   cc: Lưu: VT, {{unit_symbol}}.            a "Nơi nhận:" line beside the signature; after sign.
//                                            A field of several lines ({{copy_to}}) gives a line each;
//                                            a cc: line that comes out empty is left out
// A line starting with a space or tab continues the one above; lines starting with # are comments;
// blank lines are ignored; **text** is bold. {{name}} inserts the CoordinationForm field of that
// name as plain text (never interpreted: "<b>" or "**" in a value prints as is); an empty field
// prints as a dotted line to be filled in by hand.
#include <optional>
#include <string>

namespace watchfloor::supervision {

struct CoordinationForm {
  std::string parent_unit_name;  // "Tổng cục Hải quan" (printed in upper case; may be empty)
  std::string unit_name;         // the requesting unit, "Cục Hải quan thành phố Hải Phòng"
  std::string unit_symbol;       // its abbreviation, "HP" (in "Lưu: VT, HP.")
  std::string document_number;   // "Số: 03/PĐN-HP"; "Số: " is added when missing
  std::string place_date;        // "Hải Phòng, ngày 28 tháng 11 năm 2026"
  std::string legal_basis;       // the regulation cited, duty::kRegulation
  std::string receiving_unit;    // the unit asked to coordinate
  std::string case_number;
  std::string case_summary;
  std::string content;  // what to coordinate on; line breaks are kept
  std::string requested_action;
  std::string deadline_local;  // already formatted in the unit's time zone
  std::string contacts;        // contact people and phone numbers
  std::string signer_title;    // "KT. Cục trưởng\nPhó Cục trưởng" (printed in upper case, a line per "\n")
  std::string signer_name;
  std::string copy_to;         // further recipients (Nơi nhận), one a line: "Chi cục ... (để biết);"
};

// The PDF bytes. Throws std::runtime_error with check_coordination_template's message when the
// template is not valid, and when rendering fails (including a missing "Noto Serif" font).
std::string render_coordination_pdf(const CoordinationForm& f, const std::string& template_text);

// The built-in template; the same text as templates/coordination-request.tmpl.
std::string default_coordination_template();

// nullopt when the template is valid; otherwise what is wrong and on which line, in Vietnamese and
// English, for the administrator who edited it.
std::optional<std::string> check_coordination_template(const std::string& template_text);

}  // namespace watchfloor::supervision
