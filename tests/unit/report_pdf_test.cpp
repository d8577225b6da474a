// duty: the shift report PDF, read back with poppler's pdftotext and pdfinfo. Finding the exact
// Vietnamese strings in the extracted text proves that shaping, font embedding and the ToUnicode
// maps are right; a wrong font or broken encoding loses the diacritics.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "duty/report_pdf.h"
#include "pdf_text.h"

namespace watchfloor::duty {
namespace {

using watchfloor::pdf_test::have_tool;
using watchfloor::pdf_test::PdfFile;

ShiftReport sample() {
  ShiftReport r;
  r.parent_unit_name = "Tổng cục Hải quan";  // upper-cased by the renderer
  r.unit_name = "Cục Hải quan thành phố Hải Phòng";
  r.document_number = "Số: 12/BC-HP";
  r.place_date = "Hải Phòng, ngày 28 tháng 11 năm 2026";
  r.title = "Báo cáo";
  r.period = "Kết quả ca trực từ 08:00 ngày 27/11/2026 đến 08:00 ngày 28/11/2026";
  r.addressee = "Lãnh đạo Cục Hải quan thành phố Hải Phòng";
  r.introduction = "Căn cứ Quy chế thực hiện trực ban, giám sát trực tuyến, ca trực báo cáo như sau:";
  r.members = {{"Lãnh đạo ca trực", "Nguyễn Văn An"},
               {"Lãnh đạo cấp phòng", "Trần Đức Minh"},
               {"Cán bộ Văn phòng", "Phạm Thu Trang"},
               {"Công chức giám sát trực tuyến", "Nguyễn Thị Hương"}};
  r.focus_items = {"Giám sát chặt chẽ hàng hóa quá cảnh tại Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I.",
                   "Theo dõi các container thuộc luồng đỏ theo chỉ đạo phân luồng của Lãnh đạo Cục."};
  r.log = {{"27/11/2026 08:05", "Nguyễn Thị Hương", "Tình trạng thiết bị",
            "Nhận ca; 48/48 camera hoạt động bình thường."},
           {"27/11/2026 10:40", "Nguyễn Văn An", "Chỉ đạo",
            "Yêu cầu Chi cục dừng đưa hàng qua khu vực giám sát đối với container TGHU 8812345 để kiểm tra."},
           {"27/11/2026 14:15", "Phạm Thu Trang", "Tiếp nhận thông tin",
            "Chi cục báo cáo kết quả kiểm tra: hàng hóa phù hợp khai báo, đã cho qua khu vực giám sát."}};
  r.orders = {{"27/11/2026 10:40", "Nguyễn Văn An", "Lệnh dừng đưa hàng qua khu vực giám sát",
               "Container TGHU 8812345, tờ khai số 105987654321",
               "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I", ""}};
  r.open_cases = {"Vụ việc số 27/VV: nghi vấn khai sai xuất xứ lô hàng linh kiện điện tử, đang xác minh."};
  r.handover_summary = "Ca trực diễn biến bình thường; một lệnh dừng đưa hàng đã có kết quả.";
  r.handover_remarks = "";
  r.handover_accepted_by = "Lê Hoàng Nam";
  r.signer_title = "Lãnh đạo ca trực";
  r.signer_name = "Nguyễn Văn An";
  r.copies = {"Như trên;", "Ca trực từ 08:00 ngày 28/11/2026 (để tiếp tục theo dõi);", "Lưu: VT, HP."};
  return r;
}

TEST(ReportPdf, IsAPdf) {
  std::string pdf = render_shift_report_pdf(sample());
  ASSERT_GT(pdf.size(), 1000u);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_NE(pdf.find("%%EOF"), std::string::npos);
}

TEST(ReportPdf, VietnameseTextSurvivesExtraction) {
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)";
  PdfFile f(render_shift_report_pdf(sample()), "watchfloor-report");
  std::string text = f.text();
  for (const char* expected : {
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc",
           "TỔNG CỤC HẢI QUAN",                 // upper-cased
           "Số: 12/BC-HP",
           "Hải Phòng, ngày 28 tháng 11 năm 2026",
           "BÁO CÁO",
           "Kết quả ca trực từ 08:00 ngày 27/11/2026 đến 08:00 ngày 28/11/2026",
           "Kính gửi: Lãnh đạo Cục Hải quan thành phố Hải Phòng",
           "I. Thành phần ca trực",
           "Nguyễn Thị Hương",
           "III. Nhật ký trực ban",
           "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
           "dừng đưa hàng qua khu vực giám sát",
           "chưa có báo cáo kết quả",  // the order without an outcome says so
           "VI. Giao ca",
           "Lê Hoàng Nam",
           "LÃNH ĐẠO CA TRỰC",
           "Nơi nhận:",
           "- Lưu: VT, HP.",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n--- extracted:\n" << text;
  }
}

// Nghị định 30 header: the issuing authority in the left column (it may wrap there), the national
// motto in the right one, both at the top of page 1.
TEST(ReportPdf, HeaderColumns) {
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)";
  PdfFile f(render_shift_report_pdf(sample()), "watchfloor-report");
  // A4 is 595 x 842 pt; the text area starts 30 mm (85 pt) from the left, the left column is 181 pt.
  std::string left = f.text_in(0, 0, 262, 140, 1, 1);
  std::string right = f.text_in(272, 0, 323, 140, 1, 1);
  EXPECT_NE(left.find("TỔNG CỤC HẢI QUAN CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG"), std::string::npos) << left;
  EXPECT_NE(left.find("Số: 12/BC-HP"), std::string::npos) << left;
  EXPECT_EQ(left.find("CỘNG HÒA"), std::string::npos) << left;
  EXPECT_NE(right.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hải Phòng, ngày 28"),
            std::string::npos)
      << right;
  EXPECT_EQ(right.find("TỔNG CỤC"), std::string::npos) << right;
}

TEST(ReportPdf, LongLogFlowsOverPages) {
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)";
  ShiftReport r = sample();
  r.log.clear();
  for (int i = 1; i <= 300; ++i) {
    char time[32];
    std::snprintf(time, sizeof time, "27/11/2026 %02d:%02d", 8 + i / 60 % 16, i % 60);
    r.log.push_back({time, i % 2 ? "Nguyễn Thị Hương" : "Phạm Thu Trang", "Tiếp nhận thông tin",
                     "Mục " + std::to_string(i) + ": camera cổng số " + std::to_string(i % 12 + 1) +
                         " ghi nhận xe tải ra vào khu vực giám sát, không có bất thường."});
  }
  r.log.back().text = "Mục 300: hết nhật ký ca.";  // short enough for one line of its cell
  PdfFile f(render_shift_report_pdf(r), "watchfloor-report");
  EXPECT_GT(f.pages(), 1);
  std::string text = f.text();
  EXPECT_NE(text.find("Mục 1:"), std::string::npos);
  EXPECT_NE(text.find("Mục 299:"), std::string::npos);
  EXPECT_NE(text.find("Mục 300: hết nhật ký ca."), std::string::npos);
  // The rest of the report follows the long table, the signature block last.
  auto orders = text.find("IV. Chỉ đạo của lãnh đạo ca trực");
  auto signer = text.rfind("LÃNH ĐẠO CA TRỰC");
  EXPECT_NE(orders, std::string::npos);
  EXPECT_NE(signer, std::string::npos);
  EXPECT_LT(text.find("Mục 300:"), orders);
  EXPECT_LT(orders, signer);
}

// One log entry longer than a page is split between its lines, not cut off.
TEST(ReportPdf, EntryTallerThanAPageIsSplit) {
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)";
  ShiftReport r = sample();
  std::string text;
  for (int i = 1; i <= 700; ++i) text += "câu " + std::to_string(i) + " ";
  text += "hết.";
  r.log = {{"27/11/2026 09:00", "Nguyễn Thị Hương", "Khác", text}};
  PdfFile f(render_shift_report_pdf(r), "watchfloor-report");
  EXPECT_GT(f.pages(), 1);
  std::string out = f.text();
  EXPECT_NE(out.find("câu 1 "), std::string::npos);
  EXPECT_NE(out.find("câu 700 hết."), std::string::npos);
}

TEST(ReportPdf, EmptyReportAndInvalidUtf8StillRender) {
  ShiftReport r;
  r.unit_name = "C\xff\xfe\xc3";  // not UTF-8
  r.title = "BÁO CÁO";
  std::string pdf = render_shift_report_pdf(r);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
}

}  // namespace
}  // namespace watchfloor::duty
