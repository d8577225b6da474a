// cases: the Appendix V coordination request PDF and its administrator-editable template, read
// back with pdftotext.
#include "supervision/coordination_pdf.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "pdf_text.h"

namespace watchfloor::supervision {
namespace {

using watchfloor::pdf_test::have_tool;
using watchfloor::pdf_test::PdfFile;

#define REQUIRE_PDFTOTEXT() \
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)"

CoordinationForm sample() {
  CoordinationForm f;
  f.parent_unit_name = "Tổng cục Hải quan";
  f.unit_name = "Cục Hải quan thành phố Hải Phòng";
  f.unit_symbol = "HP";
  f.document_number = "Số: 03/PĐN-HP";
  f.place_date = "Hải Phòng, ngày 28 tháng 11 năm 2026";
  f.legal_basis = "Quy chế thực hiện trực ban, giám sát trực tuyến trong ngành hải quan";
  f.receiving_unit = "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I";
  f.case_number = "27/VV";
  f.case_summary = "Nghi vấn khai sai xuất xứ lô hàng linh kiện điện tử";
  f.content =
      "Kiểm tra thực tế container TGHU 8812345 thuộc tờ khai số 105987654321, đối chiếu xuất xứ ghi trên "
      "hàng hóa với chứng nhận xuất xứ đã nộp.";
  f.requested_action = "Dừng đưa hàng qua khu vực giám sát và kiểm tra qua máy soi.";
  f.deadline_local = "16:00 ngày 29/11/2026";
  f.contacts = "Ông Trần Đức Minh, điện thoại 0912 345 678";
  f.signer_title = "KT. Cục trưởng\nPhó Cục trưởng";
  f.signer_name = "Nguyễn Văn An";
  f.copy_to = "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực III (để biết);\nCục trưởng (để báo cáo);";
  return f;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CoordinationPdf, ShippedTemplateIsTheBuiltInOne) {
  const std::string shipped = read_file(std::string(WATCHFLOOR_SOURCE_DIR) + "/templates/coordination-request.tmpl");
  EXPECT_EQ(shipped, default_coordination_template());
  EXPECT_EQ(check_coordination_template(shipped), std::nullopt);
}

TEST(CoordinationPdf, FormPrintsWithDiacriticsIntact) {
  REQUIRE_PDFTOTEXT();
  const std::string pdf = render_coordination_pdf(sample(), default_coordination_template());
  ASSERT_EQ(pdf.substr(0, 5), "%PDF-");
  PdfFile f(pdf, "watchfloor-coordination");
  EXPECT_EQ(f.pages(), 1);
  const std::string text = f.text();
  for (const char* expected : {
           "PHIẾU ĐỀ NGHỊ PHỐI HỢP",
           "Kính gửi: Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
           "Căn cứ Quy chế thực hiện trực ban, giám sát trực tuyến trong ngành hải quan;",
           "Nghi vấn khai sai xuất xứ lô hàng linh kiện điện tử",
           "đối chiếu xuất xứ ghi trên hàng hóa",
           "Dừng đưa hàng qua khu vực giám sát",
           "Thời hạn trả lời: 16:00 ngày 29/11/2026",
           "Đầu mối liên hệ: Ông Trần Đức Minh, điện thoại 0912 345 678",
           "KT. CỤC TRƯỞNG",  // the signer's authority and title in upper case
           "PHÓ CỤC TRƯỞNG",
           "Nguyễn Văn An",
           "Nơi nhận:",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n--- extracted:\n" << text;
  }
  // The header's two columns (A4 is 595 pt wide; the left column ends at 266 pt): the authority,
  // upper-cased, and the number on the left; the motto and the place and date on the right.
  const std::string left = f.text_in(0, 0, 266, 170);
  const std::string right = f.text_in(272, 0, 323, 140);
  EXPECT_NE(left.find("TỔNG CỤC HẢI QUAN CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG Số: 03/PĐN-HP "
                      "V/v đề nghị phối hợp kiểm tra, giám sát"),
            std::string::npos)
      << left;
  EXPECT_NE(right.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
                       "Hải Phòng, ngày 28 tháng 11 năm 2026"),
            std::string::npos)
      << right;
  // Order on the page: header, title, addressee, body, signature.
  EXPECT_LT(text.find("Số: 03/PĐN-HP"), text.find("PHIẾU ĐỀ NGHỊ PHỐI HỢP"));
  EXPECT_LT(text.find("PHIẾU ĐỀ NGHỊ PHỐI HỢP"), text.find("Kính gửi:"));
  EXPECT_LT(text.find("Kính gửi:"), text.find("Đầu mối liên hệ:"));
  EXPECT_LT(text.find("Đầu mối liên hệ:"), text.find("Nguyễn Văn An"));
}

TEST(CoordinationPdf, ReplacedTemplateChangesTheForm) {
  REQUIRE_PDFTOTEXT();
  const std::string tmpl =
      "title: Phiếu yêu cầu phối hợp xác minh\n"
      "to: {{receiving_unit}}\n"
      "to: Đội Kiểm soát Hải quan\n"
      "para: Yêu cầu xác minh vụ việc {{case_number}}.\n"
      "sign: TL. Cục trưởng | {{signer_name}}\n";
  PdfFile f(render_coordination_pdf(sample(), tmpl), "watchfloor-coordination");
  const std::string text = f.text();
  EXPECT_NE(text.find("PHIẾU YÊU CẦU PHỐI HỢP XÁC MINH"), std::string::npos) << text;
  EXPECT_EQ(text.find("PHIẾU ĐỀ NGHỊ PHỐI HỢP"), std::string::npos) << text;
  EXPECT_NE(text.find("- Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I"), std::string::npos) << text;
  EXPECT_NE(text.find("- Đội Kiểm soát Hải quan"), std::string::npos) << text;
  EXPECT_NE(text.find("Yêu cầu xác minh vụ việc 27/VV."), std::string::npos) << text;
  EXPECT_NE(text.find("TL. CỤC TRƯỞNG"), std::string::npos) << text;
  // Only what the template asks for: no default paragraphs, no "Nơi nhận" without cc: lines.
  EXPECT_EQ(text.find("Đầu mối liên hệ"), std::string::npos) << text;
  EXPECT_EQ(text.find("Nơi nhận"), std::string::npos) << text;
  // The header does not come from the template.
  EXPECT_NE(text.find("Số: 03/PĐN-HP"), std::string::npos) << text;
  EXPECT_NE(text.find("Độc lập - Tự do - Hạnh phúc"), std::string::npos) << text;
}

TEST(CoordinationPdf, UnknownPlaceholderIsRefusedNamingTheLine) {
  const std::string tmpl =
      "# comment\n"
      "title: PHIẾU ĐỀ NGHỊ PHỐI HỢP\n"
      "\n"
      "para: Vụ việc {{case_number}}\n"
      "para: Hạn: {{deadline}}\n"
      "sign: {{signer_title}} | {{signer_name}}\n";
  const auto problem = check_coordination_template(tmpl);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("line 5"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("dòng 5"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("{{deadline}}"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("{{deadline_local}}"), std::string::npos) << "lists the known ones: " << *problem;

  try {
    render_coordination_pdf(sample(), tmpl);
    ADD_FAILURE() << "rendered a template with an unknown placeholder";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), *problem);
  }
}

TEST(CoordinationPdf, OtherTemplateMistakesNameTheLine) {
  struct Case {
    std::string tmpl, expected;
  };
  const std::string sign = "sign: {{signer_title}} | {{signer_name}}\n";
  for (const Case& c : {
           Case{"title: A\nnoidung: x\n" + sign, "line 2: unknown directive \"noidung:\""},
           Case{"title: A\npara: không có dấu hai chấm\nchỉ là văn bản\n" + sign, "line 3: no \":\""},
           Case{"title: A\npara: {{content\n" + sign, "line 2: \"{{\" is not closed"},
           Case{"title: A\npara: **đậm\n" + sign, "line 2: bold \"**\" is not closed"},
           Case{"para: x\ntitle: A\n" + sign, "line 1: the first directive must be title:"},
           Case{"title: A\ntitle: B\n" + sign, "line 2: a second title: line"},
           Case{"title: A\npara: x\nsubtitle: y\n" + sign, "line 3: subtitle: must directly follow title:"},
           Case{"title: A\npara: x\nsubject: y\n" + sign, "line 3: subject: must directly follow title:"},
           Case{"title: A\nsubtitle: x\nsubject: y\n" + sign, "line 3: subject: must directly follow title:"},
           Case{"title: A\n" + sign + "para: x\n", "line 3: para: must come before sign:"},
           Case{"title: A\ncc: Lưu: VT.\n" + sign, "line 2: cc: must come after sign:"},
           Case{"title: A\nsign: chỉ có chức vụ\n", "line 2: sign: must read \"title | name\""},
           Case{"title: A\npara:\n" + sign, "line 2: the directive has no text"},
           Case{"title: A\n\n  nối tiếp\n" + sign, "line 3: a line starting with a space continues"},
           Case{"title: A\npara: Ch\xe0o\n" + sign, "line 2: not UTF-8"},  // Latin-1, not UTF-8
           Case{"title: A\npara: x\n", "no sign: line"},
           Case{"", "no title: line"},
       }) {
    const auto problem = check_coordination_template(c.tmpl);
    ASSERT_TRUE(problem.has_value()) << c.tmpl;
    EXPECT_NE(problem->find(c.expected), std::string::npos) << "expected \"" << c.expected << "\", got: " << *problem;
  }
}

// Continuation lines, comments, CRLF line ends and a byte order mark, as an editor on Windows saves them.
TEST(CoordinationPdf, TemplateToleratesEditorHabits) {
  REQUIRE_PDFTOTEXT();
  const std::string tmpl =
      "\xEF\xBB\xBFtitle: Phiếu đề nghị phối hợp\r\n"
      "# ghi chú\r\n"
      "para: Đoạn văn bắt đầu ở dòng này\r\n"
      "\tvà nối tiếp ở dòng sau, {{case_number}}.\r\n"
      "Sign: {{signer_title}} | {{signer_name}}\r\n";
  ASSERT_EQ(check_coordination_template(tmpl), std::nullopt);
  PdfFile f(render_coordination_pdf(sample(), tmpl), "watchfloor-coordination");
  const std::string text = f.text();
  EXPECT_NE(text.find("Đoạn văn bắt đầu ở dòng này và nối tiếp ở dòng sau, 27/VV."), std::string::npos) << text;
  EXPECT_EQ(text.find("ghi chú"), std::string::npos) << text;
}

TEST(CoordinationPdf, MarkupInValuesPrintsLiterally) {
  REQUIRE_PDFTOTEXT();
  CoordinationForm form = sample();
  form.content = "<b>không in đậm</b> & <span foreground=\"red\">x</span> **không đậm** {{contacts}}";
  form.receiving_unit = "Chi cục <i>A</i>";
  PdfFile f(render_coordination_pdf(form, default_coordination_template()), "watchfloor-coordination");
  const std::string text = f.text();
  EXPECT_NE(text.find("<b>không in đậm</b> & <span foreground=\"red\">x</span> **không đậm** {{contacts}}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Kính gửi: Chi cục <i>A</i>"), std::string::npos) << text;
}

TEST(CoordinationPdf, EmptyFieldsPrintAsDotsToFillIn) {
  REQUIRE_PDFTOTEXT();
  CoordinationForm form = sample();
  form.deadline_local = "";
  form.document_number = "";
  PdfFile f(render_coordination_pdf(form, default_coordination_template()), "watchfloor-coordination");
  const std::string text = f.text();
  EXPECT_NE(text.find("Thời hạn trả lời: ……"), std::string::npos) << text;
  EXPECT_NE(text.find("Số: ……"), std::string::npos) << text;
}

// Nghị định 30: a deputy signs "KT. CỤC TRƯỞNG" over "PHÓ CỤC TRƯỞNG"; the line break comes with the field.
TEST(CoordinationPdf, SignerTitleMayTakeTwoLines) {
  REQUIRE_PDFTOTEXT();
  CoordinationForm form = sample();
  form.signer_title = "KT. Cục trưởng\nPhó Cục trưởng";
  const std::string tmpl = "title: Phiếu đề nghị phối hợp\npara: Nội dung.\nsign: {{signer_title}} | {{signer_name}}\n";
  PdfFile f(render_coordination_pdf(form, tmpl), "watchfloor-coordination");
  const std::string text = f.text();
  EXPECT_NE(text.find("KT. CỤC TRƯỞNG PHÓ CỤC TRƯỞNG Nguyễn Văn An"), std::string::npos) << text;
}

// Nghị định 30: "Nơi nhận:" in the left column beside the signature, a recipient a line: "Như trên;", the
// further recipients (a field of several lines gives a line each), "Lưu: VT, <unit>.". Without further
// recipients their line is left out, not printed as dots.
TEST(CoordinationPdf, RecipientsAreListedOneALineBesideTheSignature) {
  REQUIRE_PDFTOTEXT();
  {
    PdfFile f(render_coordination_pdf(sample(), default_coordination_template()), "watchfloor-coordination");
    const std::string left = f.text_in(0, 300, 262, 500);
    EXPECT_NE(left.find("Nơi nhận: - Như trên; - Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực III (để biết); "
                        "- Cục trưởng (để báo cáo); - Lưu: VT, HP."),
              std::string::npos)
        << left;
    const std::string right = f.text_in(272, 300, 323, 500);
    EXPECT_NE(right.find("KT. CỤC TRƯỞNG PHÓ CỤC TRƯỞNG Nguyễn Văn An"), std::string::npos) << right;
  }
  CoordinationForm form = sample();
  form.copy_to = " \n";
  PdfFile f(render_coordination_pdf(form, default_coordination_template()), "watchfloor-coordination");
  const std::string left = f.text_in(0, 300, 262, 500);
  EXPECT_NE(left.find("Nơi nhận: - Như trên; - Lưu: VT, HP."), std::string::npos) << left;
  EXPECT_EQ(left.find("……"), std::string::npos) << left;
}

// A "Nơi nhận" list too long to stand beside the signature follows it instead; nothing is dropped.
TEST(CoordinationPdf, LongCopyListFollowsTheSignature) {
  REQUIRE_PDFTOTEXT();
  std::string tmpl = "title: Phiếu đề nghị phối hợp\npara: Nội dung.\nsign: {{signer_title}} | {{signer_name}}\n";
  for (int i = 1; i <= 70; ++i) tmpl += "cc: Chi cục số " + std::to_string(i) + ";\n";
  ASSERT_EQ(check_coordination_template(tmpl), std::nullopt);
  PdfFile f(render_coordination_pdf(sample(), tmpl), "watchfloor-coordination");
  EXPECT_GT(f.pages(), 1);
  const std::string text = f.body_text();
  for (int i = 1; i <= 70; ++i)
    EXPECT_NE(text.find("- Chi cục số " + std::to_string(i) + ";"), std::string::npos) << i << ": " << text;
  EXPECT_LT(text.find("Nguyễn Văn An"), text.find("Nơi nhận:"));
}

TEST(CoordinationPdf, LongContentContinuesOnTheNextPage) {
  REQUIRE_PDFTOTEXT();
  CoordinationForm form = sample();
  form.content.clear();
  for (int i = 1; i <= 600; ++i) form.content += "đoạn " + std::to_string(i) + " ";
  form.content += "hết nội dung.";
  PdfFile f(render_coordination_pdf(form, default_coordination_template()), "watchfloor-coordination");
  EXPECT_GT(f.pages(), 1);
  const std::string text = f.body_text();
  for (int i = 1; i <= 600; ++i) {
    const std::string word = "đoạn " + std::to_string(i) + " ";
    ASSERT_NE(text.find(word), std::string::npos) << "lost: " << word;
  }
  EXPECT_NE(text.find("đoạn 600 hết nội dung."), std::string::npos);
  // Page 1 holds the start, a later page the end and then the rest of the form.
  const std::string page1 = f.body_text(1, 1);
  EXPECT_NE(page1.find("đoạn 1 đoạn 2"), std::string::npos) << page1;
  EXPECT_EQ(page1.find("hết nội dung."), std::string::npos) << page1;
  EXPECT_LT(text.find("hết nội dung."), text.find("Thời hạn trả lời: 16:00 ngày 29/11/2026"));
  EXPECT_LT(text.find("Thời hạn trả lời"), text.rfind("Nguyễn Văn An"));
}

}  // namespace
}  // namespace watchfloor::supervision
