// The shift report and the Appendix V coordination request in the form of an administrative document
// (Nghị định 30/2020/NĐ-CP, Appendix I): first the rules of duty/issuer.h on their own, then both
// documents built from a real database over both organisation presets, rendered, and read back with
// pdftotext -layout as a reader of the printed page would see them.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/random.h"
#include "duty/issuer.h"
#include "duty/report.h"
#include "org/preset.h"
#include "pdf_text.h"
#include "supervision/cases.h"
#include "supervision/coordination.h"
#include "supervision/coordination_form.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::duty {
namespace {

namespace fs = std::filesystem;
using pdf_test::have_tool;
using pdf_test::PdfFile;

int64_t at(const std::string& iso) { return *core::parse_iso8601(iso); }

#define REQUIRE_PDFTOTEXT() \
  if (!have_tool("pdftotext")) GTEST_SKIP() << "pdftotext missing (Debian package poppler-utils)"

// ---- the rules -------------------------------------------------------------------------------

TEST(Nd30Date, DaysBelowTenAndJanuaryAndFebruaryTakeALeadingZeroOtherMonthsDoNot) {
  const std::string hcm = "Asia/Ho_Chi_Minh";
  EXPECT_EQ(document_date(at("2026-12-05T03:00:00Z"), hcm), "ngày 05 tháng 12 năm 2026");
  EXPECT_EQ(document_date(at("2027-01-09T03:00:00Z"), hcm), "ngày 09 tháng 01 năm 2027");
  EXPECT_EQ(document_date(at("2027-02-28T03:00:00Z"), hcm), "ngày 28 tháng 02 năm 2027");
  EXPECT_EQ(document_date(at("2027-03-01T03:00:00Z"), hcm), "ngày 01 tháng 3 năm 2027");
  EXPECT_EQ(document_date(at("2027-09-10T03:00:00Z"), hcm), "ngày 10 tháng 9 năm 2027");
  EXPECT_EQ(document_date(at("2027-10-31T03:00:00Z"), hcm), "ngày 31 tháng 10 năm 2027");
}

TEST(Nd30Date, IsTheDayInTheUnitsTimeZone) {
  // 23:30 UTC on New Year's Eve is already 06:30 on 1 January in Việt Nam.
  EXPECT_EQ(document_date(at("2026-12-31T23:30:00Z"), "Asia/Ho_Chi_Minh"), "ngày 01 tháng 01 năm 2027");
  EXPECT_EQ(document_date(at("2026-12-31T23:30:00Z"), "UTC"), "ngày 31 tháng 12 năm 2026");
  EXPECT_EQ(document_date(at("2027-02-28T17:00:00Z"), "Asia/Ho_Chi_Minh"), "ngày 01 tháng 3 năm 2027");
}

TEST(Nd30Number, NumberThenTypeAndIssuerSymbolsNumbersBelowTenWithALeadingZero) {
  EXPECT_EQ(document_number(12, kReportType, "HP"), "Số: 12/BC-HP");
  EXPECT_EQ(document_number(3, "PĐN", "KV3"), "Số: 03/PĐN-KV3");
  EXPECT_EQ(document_number(331, kReportType, "DTCBL"), "Số: 331/BC-DTCBL");
}

TEST(Nd30Place, PlaceBeforeTheDateAndTheDateAloneWithoutOne) {
  Issuer i;
  i.unit.time_zone = "Asia/Ho_Chi_Minh";
  i.place = "Hải Phòng";
  EXPECT_EQ(place_date(i, at("2026-12-04T18:00:00Z")), "Hải Phòng, ngày 05 tháng 12 năm 2026");
  i.place.clear();
  EXPECT_EQ(place_date(i, at("2026-12-04T18:00:00Z")), "Ngày 05 tháng 12 năm 2026");
}

TEST(HeadTitle, ComesFromTheWordTheUnitsNameBeginsWith) {
  EXPECT_EQ(head_title_of("Tổng cục Hải quan"), "Tổng cục trưởng");
  EXPECT_EQ(head_title_of("Cục Hải quan thành phố Hải Phòng"), "Cục trưởng");
  EXPECT_EQ(head_title_of("Cục Hải quan"), "Cục trưởng");
  EXPECT_EQ(head_title_of("Chi cục Hải quan khu vực III"), "Chi cục trưởng");
  EXPECT_EQ(head_title_of("Ban Điều tra chống buôn lậu"), "Trưởng ban");
  EXPECT_EQ(head_title_of("Văn phòng Tổng cục"), "Chánh Văn phòng");
  EXPECT_EQ(head_title_of("Phòng Tổng hợp"), "Trưởng phòng");
  EXPECT_EQ(head_title_of("Đội Kiểm soát"), "Đội trưởng");
  EXPECT_EQ(head_title_of("Cụm cảng"), "");  // "Cục" is a word, not a prefix
  EXPECT_EQ(head_title_of("Hải quan cửa khẩu cảng Đình Vũ"), "");
}

Signer signer(std::string title, bool leads = false, bool head_is_other = false) {
  return Signer{"Nguyễn Văn An", std::move(title), leads, head_is_other};
}
using Lines = std::vector<std::string>;

TEST(Nd30Art13Signature, TheHeadSignsUnderTheirTitle) {
  EXPECT_EQ(signature_lines("Cục trưởng", signer("Cục trưởng", true)), Lines{"Cục trưởng"});
  EXPECT_EQ(signature_lines("Cục trưởng", signer("cục trưởng")), Lines{"Cục trưởng"});
}

TEST(Nd30Art13Signature, ADeputySignsForTheHead_KT) {
  EXPECT_EQ(signature_lines("Cục trưởng", signer("Phó Cục trưởng")), (Lines{"KT. Cục trưởng", "Phó Cục trưởng"}));
  EXPECT_EQ(signature_lines("Chi cục trưởng", signer("Phó Chi cục trưởng", true)),
            (Lines{"KT. Chi cục trưởng", "Phó Chi cục trưởng"}));
  EXPECT_EQ(signature_lines("Tổng cục trưởng", signer("phó tổng cục trưởng", true)),
            (Lines{"KT. Tổng cục trưởng", "Phó Tổng cục trưởng"}));
}

TEST(Nd30Art13Signature, ALeaderWithoutAPositionOnRecordIsHeadOrDeputyByWhoElseIsHead) {
  EXPECT_EQ(signature_lines("Cục trưởng", signer("Kiểm tra viên chính hải quan", true, false)), Lines{"Cục trưởng"});
  EXPECT_EQ(signature_lines("Cục trưởng", signer("", true, true)), (Lines{"KT. Cục trưởng", "Phó Cục trưởng"}));
}

TEST(Nd30Art13Signature, AnyoneElseSignsByTheHeadsOrder_TL) {
  EXPECT_EQ(signature_lines("Cục trưởng", signer("Trưởng phòng Giám sát quản lý")),
            (Lines{"TL. Cục trưởng", "Trưởng phòng Giám sát quản lý"}));
  // A deputy head of division signs for their own head in turn.
  EXPECT_EQ(signature_lines("Cục trưởng", signer("Phó Trưởng phòng Giám sát hải quan trực tuyến", true)),
            (Lines{"TL. Cục trưởng", "KT. Trưởng phòng Giám sát hải quan trực tuyến",
                   "Phó Trưởng phòng Giám sát hải quan trực tuyến"}));
}

TEST(Nd30Art13Signature, WithoutAKnownHeadTitleADeputysTitleNamesIt) {
  EXPECT_EQ(signature_lines("", signer("Phó Trưởng Hải quan cửa khẩu")),
            (Lines{"KT. Trưởng Hải quan cửa khẩu", "Phó Trưởng Hải quan cửa khẩu"}));
  EXPECT_EQ(signature_lines("", signer("Trưởng Hải quan cửa khẩu")), Lines{"Trưởng Hải quan cửa khẩu"});
}

// ---- over the presets --------------------------------------------------------------------------

struct Preset {
  std::string file;
  std::string organ, leadership, office, detecting, other, hq;  // unit codes
  std::string parent_upper, organ_upper, leadership_name, place, head, deputy, head_upper, deputy_upper, detecting_name,
      other_name;
};

const Preset k2017{.file = "org-2017.json",
                   .organ = "HP",
                   .leadership = "HP-LD",
                   .office = "HP-VP",
                   .detecting = "HP-CKKV1",
                   .other = "HP-DV",
                   .hq = "TCHQ",
                   .parent_upper = "TỔNG CỤC HẢI QUAN",
                   .organ_upper = "CỤC HẢI QUAN THÀNH PHỐ HẢI PHÒNG",
                   .leadership_name = "Lãnh đạo Cục Hải quan thành phố Hải Phòng",
                   .place = "Hải Phòng",
                   .head = "Cục trưởng",
                   .deputy = "Phó Cục trưởng",
                   .head_upper = "CỤC TRƯỞNG",
                   .deputy_upper = "PHÓ CỤC TRƯỞNG",
                   .detecting_name = "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
                   .other_name = "Chi cục Hải quan cửa khẩu cảng Đình Vũ"};
const Preset k2025{.file = "org-2025.json",
                   .organ = "KV3",
                   .leadership = "KV3-LD",
                   .office = "KV3-VP",
                   .detecting = "KV3-HP1",
                   .other = "KV3-DV",
                   .hq = "CHQ",
                   .parent_upper = "CỤC HẢI QUAN",
                   .organ_upper = "CHI CỤC HẢI QUAN KHU VỰC III",
                   .leadership_name = "Lãnh đạo Chi cục Hải quan khu vực III",
                   .place = "Hải Phòng",
                   .head = "Chi cục trưởng",
                   .deputy = "Phó Chi cục trưởng",
                   .head_upper = "CHI CỤC TRƯỞNG",
                   .deputy_upper = "PHÓ CHI CỤC TRƯỞNG",
                   .detecting_name = "Hải quan cửa khẩu cảng Hải Phòng khu vực I",
                   .other_name = "Hải quan cửa khẩu cảng Đình Vũ"};

void PrintTo(const Preset& p, std::ostream* os) { *os << p.file; }

class Documents : public ::testing::TestWithParam<Preset> {
 protected:
  void SetUp() override {
    const Preset& p = GetParam();
    dir_ = fs::path(::testing::TempDir()) / ("wf-documents-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    // 10:00 on 5 January 2027 in Việt Nam: the shift of the 5th is on duty.
    clock_.set_ms(at("2027-01-05T03:00:00Z"));
    bus_ = std::make_unique<events::Bus>(clock_);
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    sessions_ = std::make_unique<auth::Sessions>(*db_, clock_, security_);
    units_ = std::make_unique<org::Units>(*db_, clock_, *audit_, *bus_);
    org::import_org(*units_, read_preset(p.file), "test", audit::Actor::system("test"));
    users_ = std::make_unique<org::Users>(*db_, clock_, *units_, *audit_, *sessions_);
    duty_ = std::make_unique<Duty>(*db_, clock_, *units_, *users_, *audit_, *bus_);
    alerts_ = std::make_unique<events::Alerts>(*db_, clock_, *bus_, *audit_);
    inbox_ = std::make_unique<supervision::Inbox>(*db_, clock_, *bus_);
    directory_ = std::make_unique<supervision::DirectoryReader>(*db_, *units_, *duty_);
    tasks_ = std::make_unique<supervision::Tasks>(*db_, clock_, *units_, *duty_, *directory_, *audit_);
    cases_ = std::make_unique<supervision::Cases>(*db_, clock_, *units_, *duty_, *directory_, *bus_, *alerts_, *audit_, *inbox_, *tasks_);
    coordination_ = std::make_unique<supervision::Coordination>(*db_, clock_, *units_, *duty_, *directory_, *bus_, *alerts_, *audit_, *inbox_,
                                                                *cases_);
    head_ = person("head", "Ngô Văn Khánh", p.head, p.leadership, "unit_leader", p.organ);
    deputy_ = person("deputy", "Dương Quang Vinh", p.deputy, p.leadership, "shift_leader", p.organ);
    officer_ = person("officer", "Trịnh Hoàng Nam", "Kiểm tra viên hải quan", p.office, "supervision_officer", p.organ);
    branch_officer_ = person("branch", "Lương Văn Sơn", "Kiểm tra viên trung cấp hải quan", p.detecting,
                             "supervision_officer", p.detecting);
    // One team every day from before New Year's Eve, so that the year's first shift is the one that
    // started on 31 December.
    RosterInput in;
    in.unit_id = unit(p.organ);
    in.period_from = "2026-12-29";
    in.period_to = "2027-01-31";
    Rotation r;
    r.anchor_date = "2026-12-29";
    r.teams = {{{deputy_, "shift_leader"}, {officer_, "supervision_officer"}}};
    in.rotation = r;
    auto roster = duty_->create_roster(in, head_);
    duty_->submit(roster.id, head_);
    duty_->approve(roster.id, head_, std::string("Đội hình rút gọn cho kiểm thử"));
    duty_->publish(roster.id, head_);
  }
  void TearDown() override {
    coordination_.reset();
    cases_.reset();
    tasks_.reset();
    inbox_.reset();
    alerts_.reset();
    duty_.reset();
    users_.reset();
    units_.reset();
    bus_.reset();  // after what publishes on it and listens to it
    db_.reset();
    fs::remove_all(dir_);
  }

  int64_t unit(const std::string& code) { return units_->by_code(code)->id; }
  int64_t person(const std::string& username, const std::string& name, const std::string& title,
                 const std::string& home, const std::string& role, const std::string& at_unit) {
    db_->exec("INSERT INTO users(username, full_name, title, unit_id, password_hash, created_at) VALUES (?,?,?,?,?,0)",
              {username, name, title, unit(home), std::string("x")});
    const int64_t id = db_->last_insert_id();
    db_->exec("INSERT INTO role_grants(user_id, role, unit_id) VALUES (?,?,?)", {id, role, unit(at_unit)});
    return id;
  }
  template <typename F>
  auto tx(F&& f) {
    return store::Work::run(*db_, [&](store::Work&) { return f(); });
  }

  // A 16.4(a) case found at the border gate, taken up by the shift leader (a deputy head), who asks
  // the other border gate to coordinate.
  supervision::CoordinationRequest coordination_by_the_shift_leader() {
    const Preset& p = GetParam();
    supervision::CaseInput in;
    in.unit_id = unit(p.detecting);
    in.observed_at = clock_.now_ms() - 10 * 60'000;
    in.site = "Cổng B cảng Tân Vũ";
    in.subject = "goods";
    in.description = "Container TCNU 123456-7 rời bãi khi tờ khai chưa được thông quan";
    in.identifiers = nlohmann::json{{"containers", {"TCNU1234567"}}};
    auto c = tx([&] { return cases_->create(in, branch_officer_); });
    c = tx([&] { return cases_->report(c.id, branch_officer_); });
    c = tx([&] { return cases_->acknowledge(c.id, deputy_); });
    supervision::CoordinationInput req;
    req.case_id = c.id;
    req.to_unit_id = unit(p.other);
    req.deadline = clock_.now_ms() + 2 * 86'400'000LL;
    req.content = "Lô hàng cùng chủ hàng đang lưu tại kho ngoại quan Đình Vũ";
    req.requested_action = "Kiểm tra thực tế, lấy mẫu phân tích và thông báo kết quả";
    req.contacts = "Đ/c Trịnh Hoàng Nam, ĐT 0225 3836 123";
    return tx([&] { return coordination_->request(req, deputy_); });
  }

  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<org::Units> units_;
  std::unique_ptr<org::Users> users_;
  core::SecurityConfig security_;
  std::unique_ptr<auth::Sessions> sessions_;
  std::unique_ptr<Duty> duty_;
  std::unique_ptr<events::Bus> bus_;
  std::unique_ptr<events::Alerts> alerts_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<supervision::Inbox> inbox_;
  std::unique_ptr<supervision::DirectoryReader> directory_;
  std::unique_ptr<supervision::Tasks> tasks_;
  std::unique_ptr<supervision::Cases> cases_;
  std::unique_ptr<supervision::Coordination> coordination_;
  int64_t head_ = 0, deputy_ = 0, officer_ = 0, branch_officer_ = 0;
};

// Each of `parts` in `text`, in that order.
void expect_in_order(const std::string& text, const std::vector<std::string>& parts) {
  size_t from = 0;
  for (const auto& part : parts) {
    const size_t at = text.find(part, from);
    ASSERT_NE(at, std::string::npos) << "missing, or out of order: \"" << part << "\"\n--- extracted:\n" << text;
    from = at + part.size();
  }
}

// The full title of the regulation and its decision, as Nghị định 30 wants a legal basis cited.
const std::string kBasis =
    "Căn cứ Quy chế thực hiện trực ban, giám sát trực tuyến trong ngành hải quan ban hành kèm theo Quyết định số "
    "888/QĐ-TCHQ ngày 17 tháng 3 năm 2017 của Tổng cục trưởng Tổng cục Hải quan";

TEST_P(Documents, TheIssuerIsTheAgencyAboveTheWatchWithItsParentAndPlace) {
  const Preset& p = GetParam();
  const auto all = units_->list();
  for (const std::string& code : {p.organ, p.leadership, p.office}) {
    const Issuer i = issuer_of(unit(code), all);
    EXPECT_EQ(i.unit.code, p.organ) << code;
    ASSERT_TRUE(i.parent) << code;
    EXPECT_EQ(i.parent->code, p.hq);
    ASSERT_TRUE(i.leadership);
    EXPECT_EQ(i.leadership->code, p.leadership);
    EXPECT_EQ(i.place, p.place);
    EXPECT_EQ(i.symbol, p.organ);
    EXPECT_EQ(i.head_title, p.head);
  }
  // A border gate issues in its own name, under the department or branch above it, from its city.
  const Issuer gate = issuer_of(unit(p.detecting), all);
  EXPECT_EQ(gate.unit.code, p.detecting);
  EXPECT_EQ(gate.parent->code, p.organ);
  EXPECT_EQ(gate.place, p.place);
  // Headquarters has no parent on record and sits in Hà Nội.
  const Issuer hq = issuer_of(unit(p.hq), all);
  EXPECT_FALSE(hq.parent);
  EXPECT_EQ(hq.place, "Hà Nội");
}

TEST_P(Documents, ASignersPositionComesFromTheirRecords) {
  const Preset& p = GetParam();
  const Issuer issuer = issuer_of(unit(p.organ), units_->list());
  org::UserQuery q;
  q.unit = issuer.unit.id;
  const auto people = users_->list(q);
  EXPECT_EQ(signature_lines(issuer.head_title, signer_at(issuer, *users_->get(head_), people)), Lines{p.head});
  EXPECT_EQ(signature_lines(issuer.head_title, signer_at(issuer, *users_->get(deputy_), people)),
            (Lines{"KT. " + p.head, p.deputy}));
  // A second leader whose title is a rank: the head is someone else, so a deputy.
  const int64_t other =
      person("other", "Vũ Đình Khải", "Kiểm tra viên cao cấp hải quan", p.leadership, "unit_leader", p.organ);
  const auto signer = signer_at(issuer, *users_->get(other), users_->list(q));
  EXPECT_TRUE(signer.leads);
  EXPECT_TRUE(signer.head_is_other);
  EXPECT_EQ(signature_lines(issuer.head_title, signer), (Lines{"KT. " + p.head, "Phó " + p.head}));
}

TEST_P(Documents, TheShiftReportPrintsInTheAdministrativeForm) {
  REQUIRE_PDFTOTEXT();
  const Preset& p = GetParam();
  const auto shift = duty_->shift_at(unit(p.organ), clock_.now_ms());
  ASSERT_TRUE(shift);
  PdfFile f(render_shift_report_pdf(build_shift_report(*duty_, *units_, *users_, *shift)), "watchfloor-documents");
  // Header, left column: authority above the unit, then the number: the sixth shift to end in 2027
  // (those of 31 December to 5 January). Right: motto, then the place and the day the shift ends.
  const std::string left = f.text_in(0, 0, 262, 140, 1, 1);
  expect_in_order(left, {p.parent_upper, p.organ_upper, "Số: 06/BC-" + p.organ});
  EXPECT_EQ(left.find("CỘNG HÒA"), std::string::npos) << left;
  const std::string right = f.text_in(272, 0, 323, 140, 1, 1);
  expect_in_order(right, {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          p.place + ", ngày 06 tháng 01 năm 2027"});
  const std::string text = f.body_text();
  expect_in_order(text, {"BÁO CÁO", "Kết quả ca trực từ 08:00 ngày 05/01/2027 đến 08:00 ngày 06/01/2027",
                         "Kính gửi: " + p.leadership_name, kBasis, "I. Thành phần ca trực", "Dương Quang Vinh",
                         "IV. Chỉ đạo của lãnh đạo ca trực", "VI. Giao ca"});
  // The signature block on the right, Nơi nhận on the left, of the last page.
  const int last = f.pages();
  expect_in_order(f.text_in(272, 0, 323, 800, last, last), {"LÃNH ĐẠO CA TRỰC", "Dương Quang Vinh"});
  expect_in_order(f.text_in(0, 0, 262, 800, last, last),
                  {"Nơi nhận:", "- Như trên;", "- Ca trực từ 08:00 ngày 06/01/2027 (để tiếp tục theo dõi);",
                   "- Lưu: VT, " + p.organ + "."});
}

TEST_P(Documents, TheReportOfNewYearsEveIsTheFirstOfTheNewYear) {
  REQUIRE_PDFTOTEXT();
  const Preset& p = GetParam();
  const auto eve = duty_->shift_at(unit(p.organ), at("2026-12-31T03:00:00Z"));
  const auto before = duty_->shift_at(unit(p.organ), at("2026-12-30T03:00:00Z"));
  ASSERT_TRUE(eve && before);
  PdfFile a(render_shift_report_pdf(build_shift_report(*duty_, *units_, *users_, *eve)), "watchfloor-documents");
  expect_in_order(a.text_in(0, 0, 595, 140, 1, 1), {"Số: 01/BC-" + p.organ, p.place + ", ngày 01 tháng 01 năm 2027"});
  PdfFile b(render_shift_report_pdf(build_shift_report(*duty_, *units_, *users_, *before)), "watchfloor-documents");
  expect_in_order(b.text_in(0, 0, 595, 140, 1, 1), {"Số: 02/BC-" + p.organ, p.place + ", ngày 31 tháng 12 năm 2026"});
}

TEST_P(Documents, TheCoordinationRequestPrintsInTheAdministrativeForm) {
  REQUIRE_PDFTOTEXT();
  const Preset& p = GetParam();
  const auto r = coordination_by_the_shift_leader();
  const auto form = supervision::build_coordination_form(*cases_, *units_, *users_, r);
  PdfFile f(supervision::render_coordination_pdf(form, supervision::default_coordination_template()),
            "watchfloor-documents");
  const std::string left = f.text_in(0, 0, 266, 170, 1, 1);
  expect_in_order(left,
                  {p.parent_upper, p.organ_upper, "Số: 01/PĐN-" + p.organ, "V/v đề nghị phối hợp kiểm tra, giám sát"});
  const std::string right = f.text_in(272, 0, 323, 140, 1, 1);
  expect_in_order(right, {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          p.place + ", ngày 05 tháng 01 năm 2027"});
  const std::string text = f.body_text();
  expect_in_order(
      text, {"PHIẾU ĐỀ NGHỊ PHỐI HỢP", "Kính gửi: " + p.other_name, kBasis + ";", "Container TCNU 123456-7 rời bãi",
             "Thời hạn trả lời: 10:00 ngày 07/01/2027", "Đầu mối liên hệ: Đ/c Trịnh Hoàng Nam"});
  // The shift leader is a deputy head: they sign for the head, who gets a copy.
  const int last = f.pages();
  expect_in_order(f.text_in(272, 0, 323, 800, last, last), {"KT. " + p.head_upper, p.deputy_upper, "Dương Quang Vinh"});
  expect_in_order(f.text_in(0, 0, 262, 800, last, last),
                  {"Nơi nhận:", "- Như trên;", "- " + p.detecting_name + " (để biết);",
                   "- " + p.head + " (để báo cáo);", "- Lưu: VT, " + p.organ + "."});
}

INSTANTIATE_TEST_SUITE_P(BothPresets, Documents, ::testing::Values(k2017, k2025), [](const auto& info) {
  return info.param.file == "org-2017.json" ? std::string("Org2017") : std::string("Org2025");
});

}  // namespace
}  // namespace watchfloor::duty
