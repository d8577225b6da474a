#pragma once
// The page of a Vietnamese administrative document (văn bản hành chính, Nghị định 30/2020/NĐ-CP,
// Appendix I) as an A4 PDF: margins, the issuing authority beside the national motto, the number
// and the place and date, the title, body text flowing over pages, tables, the signature block.
// Printed documents (the shift report, the Appendix V coordination request) say what to print;
// this says where. Cairo and pango stay inside admin_document.cpp.
//
// Text is plain text with bold and italic ranges, never markup: "<b>" in a value prints as "<b>".
// Invalid UTF-8 is replaced, never rejected.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace watchfloor::duty {

// Geometry in points (1/72 inch).
namespace page {
inline constexpr double kMm = 72.0 / 25.4;
inline constexpr double kWidth = 210 * kMm;  // A4
inline constexpr double kHeight = 297 * kMm;
// Nghị định 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
inline constexpr double kMarginLeft = 30 * kMm;
inline constexpr double kMarginRight = 20 * kMm;
inline constexpr double kMarginTop = 20 * kMm;
inline constexpr double kMarginBottom = 20 * kMm;
inline constexpr double kTextWidth = kWidth - kMarginLeft - kMarginRight;
// The header's two columns: the issuing authority on the left, the national motto on the right;
// the signature block sits under the right one.
inline constexpr double kLeftColumnWidth = kTextWidth * 0.40;
inline constexpr double kRightColumnX = kMarginLeft + kLeftColumnWidth;
inline constexpr double kRightColumnWidth = kTextWidth - kLeftColumnWidth;

inline constexpr double kBodySize = 13;      // Nghị định 30: body 13-14
inline constexpr double kHeaderSize = 12.5;  // authority and national motto: 12-13
inline constexpr double kTitleSize = 14;
inline constexpr double kTableSize = 12;
inline constexpr double kParagraphGap = 4;
inline constexpr double kIndent = 10 * kMm;  // first-line indent of body paragraphs
}  // namespace page

struct TextSpan {
  std::string text;
  bool bold = false;
  bool italic = false;
};
using Spans = std::vector<TextSpan>;

inline Spans plain(std::string_view s) { return {TextSpan{std::string(s)}}; }
inline Spans bold(std::string_view s) { return {TextSpan{std::string(s), true}}; }

enum class Align { left, centre, right };

struct TextStyle {
  double size = page::kBodySize;
  bool bold = false;
  bool italic = false;
  Align align = Align::left;
  bool justify = false;
  double first_line_indent = 0;
};

// A body paragraph: justified, first line indented.
inline constexpr TextStyle kBodyStyle{.justify = true, .first_line_indent = page::kIndent};

struct TableColumn {
  double width;
  Align align;
};

// The header block of page 1.
struct DocumentHeader {
  std::string parent_unit_name;  // tên cơ quan chủ quản, e.g. "Tổng cục Hải quan" (upper-cased; may be empty)
  std::string unit_name;         // tên cơ quan ban hành (upper-cased, bold)
  std::string document_number;  // "Số: 12/BC-HP", printed as given
  std::string place_date;       // "Hải Phòng, ngày 28 tháng 11 năm 2026", italic
  std::string subject;          // trích yếu of a công văn, printed "V/v ..." under the number; may be empty
};

// One document being drawn, top to bottom. Paragraphs and tables continue on new pages by
// themselves; every page carries its number at the foot. Call finish() once at the end; the PDF
// bytes are in `out` when it returns.
class AdminDocument {
 public:
  // `what` names the document in error messages ("shift report PDF"). Throws std::runtime_error
  // when the PDF cannot be created or the "Noto Serif" font is not installed (a substitute font could
  // silently drop Vietnamese diacritics).
  AdminDocument(std::string& out, std::string what);
  ~AdminDocument();
  AdminDocument(const AdminDocument&) = delete;
  AdminDocument& operator=(const AdminDocument&) = delete;

  void set_title_metadata(const std::string& title);

  // The top of page 1: authority and motto side by side, then number and place, date on one level.
  void header(const DocumentHeader& h);
  // Tên loại và trích yếu: the title in upper case and an optional summary line, centred and bold,
  // with a short rule beneath.
  void title(const std::string& title, const Spans& summary = {});
  // "Kính gửi:" and the addressees: one on the same line, centred; several as a list.
  void addressees(const std::vector<Spans>& to);
  // A bold heading that is never left alone at the foot of a page.
  void heading(const std::string& text);
  void paragraph(const Spans& spans, const TextStyle& style = kBodyStyle);
  void paragraph(const Spans& spans, const TextStyle& style, double x, double width);
  // A table across the text width; the header row repeats on every page, a row that fits on a
  // page is never split.
  void table(const std::vector<TableColumn>& columns, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  // The signer's authority and position (upper case, one line per "\n": "KT. CỤC TRƯỞNG" above
  // "PHÓ CỤC TRƯỞNG") and name, bold, under the right column, room for signature and seal between;
  // "Nơi nhận:" and its lines (`copies`, each printed after "- ") in the left column beside it.
  void signature(const std::string& signer_title, const std::string& signer_name,
                 const std::vector<Spans>& copies = {});

  double y() const;
  void skip(double dy);
  // Starts a new page unless `height` still fits on this one.
  void keep(double height);

  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace watchfloor::duty
