// Shift report PDF: what the report says, in order. The page itself (Nghị định 30/2020/NĐ-CP,
// Appendix I: margins, the authority and national motto header, title, signature block) is
// duty/admin_document.h.
#include "duty/report_pdf.h"

#include <string>
#include <vector>

#include "duty/admin_document.h"

namespace watchfloor::duty {
namespace {

void numbered(AdminDocument& pdf, const std::vector<std::string>& items) {
  if (items.empty()) {
    pdf.paragraph(plain("Không có."), kBodyStyle);
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) pdf.paragraph(plain(std::to_string(i + 1) + ". " + items[i]), kBodyStyle);
}

void labelled(AdminDocument& pdf, const std::string& label, const std::string& value, const std::string& if_empty) {
  pdf.paragraph({TextSpan{label + ": ", true}, TextSpan{value.empty() ? if_empty : value, false, value.empty()}},
                kBodyStyle);
}

}  // namespace

std::string render_shift_report_pdf(const ShiftReport& r) {
  std::string out;
  {
    AdminDocument pdf(out, "shift report PDF");
    pdf.set_title_metadata(r.period.empty() ? r.title : r.title + ": " + r.period);
    pdf.header({r.parent_unit_name, r.unit_name, r.document_number, r.place_date, ""});
    pdf.title(r.title, plain(r.period));
    if (!r.addressee.empty()) pdf.addressees({plain(r.addressee)});
    if (!r.introduction.empty()) pdf.paragraph(plain(r.introduction));

    pdf.heading("I. Thành phần ca trực");
    if (r.members.empty()) pdf.paragraph(plain("Không có."), kBodyStyle);
    for (size_t i = 0; i < r.members.size(); ++i)
      pdf.paragraph(
          {TextSpan{std::to_string(i + 1) + ". " + r.members[i].first + ": "}, TextSpan{r.members[i].second, true}},
          kBodyStyle);

    pdf.heading("II. Nội dung trọng điểm");
    numbered(pdf, r.focus_items);

    pdf.heading("III. Nhật ký trực ban");
    if (r.log.empty()) {
      pdf.paragraph(plain("Không có mục nào trong nhật ký."), kBodyStyle);
    } else {
      const double time_w = 74, author_w = 92, kind_w = 80;
      std::vector<TableColumn> columns{{time_w, Align::centre},
                                       {author_w, Align::left},
                                       {kind_w, Align::left},
                                       {page::kTextWidth - time_w - author_w - kind_w, Align::left}};
      std::vector<std::vector<std::string>> rows;
      rows.reserve(r.log.size());
      for (const ReportLine& l : r.log) rows.push_back({l.time_local, l.author, l.kind, l.text});
      pdf.table(columns, {"Thời gian", "Người ghi", "Loại", "Nội dung"}, rows);
    }

    pdf.heading("IV. Chỉ đạo của lãnh đạo ca trực");
    if (r.orders.empty()) pdf.paragraph(plain("Không có."), kBodyStyle);
    for (size_t i = 0; i < r.orders.size(); ++i) {
      const ReportOrder& o = r.orders[i];
      pdf.keep(3 * 18);
      pdf.paragraph({TextSpan{std::to_string(i + 1) + ". " + o.kind, true},
                     TextSpan{" (" + o.time_local + ", " + o.issuer + ")"}},
                    kBodyStyle);
      labelled(pdf, "Đối tượng", o.target, "không ghi");
      labelled(pdf, "Đơn vị thực hiện", o.receiving_unit, "không ghi");
      labelled(pdf, "Kết quả", o.outcome, "chưa có báo cáo kết quả");
    }

    pdf.heading("V. Vụ việc đang theo dõi");
    numbered(pdf, r.open_cases);

    pdf.heading("VI. Giao ca");
    labelled(pdf, "Nội dung bàn giao", r.handover_summary, "không có");
    labelled(pdf, "Ý kiến của ca nhận", r.handover_remarks, "không có");
    labelled(pdf, "Người nhận ca", r.handover_accepted_by, "chưa nhận ca");

    std::vector<Spans> copies;
    for (const std::string& c : r.copies) copies.push_back(plain(c));
    pdf.signature(r.signer_title, r.signer_name, copies);
    pdf.finish();
  }
  return out;
}

}  // namespace watchfloor::duty
