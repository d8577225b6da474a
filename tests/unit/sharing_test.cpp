// Article 16.3, the decision rule for data requests, one test per case of the clause, over both shipped
// organisation presets (2017 and 2025). The working relationships are written here by hand.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/random.h"
#include "org/preset.h"
#include "sharing/decision.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::sharing {
namespace {

namespace fs = std::filesystem;
using auth::Role;

struct Parts {
  std::string preset, hq, focal, province, province_leadership, branch, other_province, system_operator, operator_leadership,
      outside, outside_parent, watched_site, watched_site_province;
};

const Parts k2017{"org-2017.json", "TCHQ", "VP-PTH", "HP", "HP-LD", "HP-CKKV1", "LS", "DTCBL-GSTT", "DTCBL", "EXT-BDBP", "EXT",
                  "QT-LB", "QT"};
const Parts k2025{"org-2025.json", "CHQ", "CHQ-VP-PTH", "KV3", "KV3-LD", "KV3-HP1", "KV1", "CHQ-DTCBL-GSTT", "CHQ-DTCBL",
                  "CHQ-EXT-BDBP", "CHQ-EXT", "KV7-TL", "KV7"};

void PrintTo(const Parts& p, std::ostream* os) { *os << p.preset; }

constexpr int64_t kHour = 3'600'000;

class Sharing16_3 : public ::testing::TestWithParam<Parts> {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-sharing-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    units_ = std::make_unique<org::Units>(*db_, clock_, *audit_, bus_);
    org::import_org(*units_, read_preset(GetParam().preset), "test", audit::Actor::system("test"));
    dir.units = units_->list();
  }
  void TearDown() override {
    units_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }
  int64_t id(const std::string& code) { return units_->by_code(code)->id; }

  // The coordination regulation between the province and the Border Guard: recordings and snapshots of the
  // province's cameras, view only, for 2024–2027.
  Relationship border_guard_regulation() {
    Relationship r;
    r.id = 7;
    r.unit_id = id(GetParam().province);
    r.partner_unit_id = id(GetParam().outside);
    r.basis_kind = "regulation";
    r.basis_number = "12/QCPH-HQ-BĐBP";
    r.basis_date = "2024-03-01";
    r.data_types = {"recordings", "snapshots"};
    r.valid_from = "2024-03-01";
    r.valid_to = "2027-12-31";
    return r;
  }
  // Two hours of recordings of `cameras` cameras at the branch, viewed, for a week, by the Border Guard.
  Ask ask(int cameras = 2) {
    Ask a;
    a.requester_unit = id(GetParam().outside);
    a.camera_units.assign(cameras, id(GetParam().branch));
    a.data_types = {"recordings"};
    a.mode = "view";
    a.range_ms = 2 * kHour;
    a.access_days = 7;
    return a;
  }
  SharingRoute route(const Ask& a, const std::vector<Relationship>& rs) { return route_request(a, rs, limits, dir, today); }
  static bool has_reason(const SharingRoute& r, const std::string& code) {
    return std::any_of(r.reasons.begin(), r.reasons.end(), [&](const Reason& x) { return x.code == code; });
  }

  supervision::Directory dir;
  Limits limits;  // 4 cameras, 24 hours, 30 days
  std::string today = "2026-12-06";
  fs::path dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  events::Bus bus_{clock_};
  std::unique_ptr<org::Units> units_;
};

TEST_P(Sharing16_3, InsideARelationshipOfOrdinaryScaleTheLeadershipOfTheUnitOperatingTheDataDecides) {
  auto r = route(ask(), {border_guard_regulation()});
  EXPECT_EQ(r.route, "operating_unit");
  EXPECT_EQ(r.operating_unit_id, id(GetParam().province)) << "a provincial department for its own cameras";
  EXPECT_EQ(r.decider_unit_id, id(GetParam().province));
  EXPECT_EQ(r.relationship_id, 7);
  EXPECT_FALSE(r.focal_unit_id);
  EXPECT_TRUE(r.reasons.empty());
  EXPECT_EQ(r.basis_vi, "Quy chế phối hợp số 12/QCPH-HQ-BĐBP ngày 01/03/2024") << "the explanation names the basis";
  EXPECT_NE(r.explanation_vi.find(r.basis_vi), std::string::npos);
  EXPECT_NE(r.explanation_vi.find("khoản 3 Điều 16"), std::string::npos);
  EXPECT_NE(r.explanation_en.find("Article 16(3)"), std::string::npos);
}

TEST_P(Sharing16_3, OutsideAnyRelationshipHeadquartersLeadershipDecidesThroughTheFocalPoint) {
  auto r = route(ask(), {});
  EXPECT_EQ(r.route, "hq_leadership");
  EXPECT_EQ(r.decider_unit_id, id(GetParam().hq));
  EXPECT_EQ(r.focal_unit_id, id(GetParam().focal)) << "through the focal point, as Art. 16.4(c)";
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0].code, "no_relationship");
  EXPECT_FALSE(r.relationship_id);
  EXPECT_NE(r.explanation_vi.find("qua Phòng Tổng hợp"), std::string::npos) << r.explanation_vi;
  EXPECT_NE(r.basis_vi.find("chỉ đạo"), std::string::npos) << "the basis is the leadership's direction";
}

TEST_P(Sharing16_3, ARelationshipThatHasEndedOrNotBegunIsNoBasis) {
  auto lapsed = border_guard_regulation();
  lapsed.valid_to = "2026-12-05";
  EXPECT_EQ(route(ask(), {lapsed}).route, "hq_leadership") << "expired yesterday";
  auto ended = border_guard_regulation();
  ended.ended_at = 1;
  EXPECT_EQ(route(ask(), {ended}).route, "hq_leadership");
  auto future = border_guard_regulation();
  future.valid_from = "2026-12-07";
  EXPECT_EQ(route(ask(), {future}).route, "hq_leadership");
  auto last_day = border_guard_regulation();
  last_day.valid_to = "2026-12-06";
  EXPECT_EQ(route(ask(), {last_day}).route, "operating_unit") << "valid through its last day";
}

TEST_P(Sharing16_3, BeyondTheConfiguredScaleGoesToHeadquartersWhateverTheRelationship) {
  auto rel = border_guard_regulation();
  auto many = route(ask(5), {rel});
  EXPECT_EQ(many.route, "hq_leadership");
  EXPECT_TRUE(has_reason(many, "too_many_cameras"));
  EXPECT_EQ(many.relationship_id, 7) << "the relationship is still named";
  EXPECT_EQ(route(ask(4), {rel}).route, "operating_unit") << "four cameras is the ordinary scale";
  auto a = ask();
  a.range_ms = 25 * kHour;
  EXPECT_TRUE(has_reason(route(a, {rel}), "range_too_long"));
  a = ask();
  a.access_days = 31;
  EXPECT_TRUE(has_reason(route(a, {rel}), "access_too_long"));
}

TEST_P(Sharing16_3, LiveViewOrDownloadByAnAgencyOutsideCustomsGoesToHeadquarters) {
  auto rel = border_guard_regulation();
  rel.data_types = {"live", "recordings"};
  rel.download = true;
  auto a = ask();
  a.data_types = {"live"};
  auto live = route(a, {rel});
  EXPECT_EQ(live.route, "hq_leadership");
  EXPECT_TRUE(has_reason(live, "outside_live"));
  a = ask();
  a.mode = "download";
  auto download = route(a, {rel});
  EXPECT_TRUE(has_reason(download, "outside_download"));
  // A unit inside customs within the same coverage is decided by the operating unit.
  auto inside = rel;
  inside.partner_unit_id = id(GetParam().other_province);
  a = ask();
  a.requester_unit = id(GetParam().other_province);
  a.data_types = {"live"};
  a.mode = "download";
  EXPECT_EQ(route(a, {inside}).route, "operating_unit");
}

TEST_P(Sharing16_3, WhatTheRelationshipDoesNotCoverIsNamedWithItsBasis) {
  auto rel = border_guard_regulation();
  auto a = ask();
  a.data_types = {"case_data"};
  auto r = route(a, {rel});
  EXPECT_EQ(r.route, "hq_leadership");
  ASSERT_TRUE(has_reason(r, "type_not_covered"));
  EXPECT_NE(r.reasons[0].vi.find("12/QCPH-HQ-BĐBP"), std::string::npos) << r.reasons[0].vi;
  EXPECT_NE(r.reasons[0].vi.find("thông tin vụ việc"), std::string::npos);
  // Covering only another branch's cameras.
  rel.unit_ids = {id(GetParam().province + "-LD")};
  EXPECT_TRUE(has_reason(route(ask(), {rel}), "cameras_not_covered"));
}

TEST_P(Sharing16_3, CaseDataIsTheDataOfTheCasesUnit) {
  // A case's record alone (no camera): the unit operating the case's unit's data decides, when the relationship
  // covers case data.
  auto rel = border_guard_regulation();
  rel.data_types.push_back("case_data");
  Ask a = ask(0);
  a.data_types = {"case_data"};
  a.range_ms.reset();
  a.case_unit = id(GetParam().branch);
  auto r = route(a, {rel});
  EXPECT_EQ(r.route, "operating_unit");
  EXPECT_EQ(r.operating_unit_id, id(GetParam().province));
  // A case of another province: the relationship with this province is no basis, headquarters decides.
  a.case_unit = id(GetParam().other_province);
  r = route(a, {rel});
  EXPECT_EQ(r.route, "hq_leadership");
  EXPECT_EQ(r.operating_unit_id, id(GetParam().other_province));
  // The province's cameras with another province's case: data of two operating units is the sector's.
  a = ask();
  a.data_types = {"recordings", "case_data"};
  a.case_unit = id(GetParam().other_province);
  EXPECT_EQ(route(a, {rel}).route, "hq_leadership");
  // A relationship covering only the branch's cameras does not cover a case of the province's other units.
  rel.unit_ids = {id(GetParam().branch)};
  a = ask();
  a.data_types = {"recordings", "case_data"};
  a.case_unit = id(GetParam().province_leadership);
  EXPECT_TRUE(has_reason(route(a, {rel}), "case_not_covered"));
}

TEST_P(Sharing16_3, ARelationshipWithTheAgencyAboveTheRequesterCoversItsUnits) {
  auto rel = border_guard_regulation();
  rel.partner_unit_id = id(GetParam().outside_parent);
  EXPECT_EQ(route(ask(), {rel}).route, "operating_unit");
  // And one with another agency does not.
  rel.partner_unit_id = id(GetParam().other_province);
  EXPECT_EQ(route(ask(), {rel}).route, "hq_leadership");
}

TEST_P(Sharing16_3, CamerasOfSeveralProvincesAreTheSectorsDataOperatedByTheSystemOperator) {
  auto a = ask();
  a.camera_units = {id(GetParam().branch), id(GetParam().other_province)};
  auto sector = border_guard_regulation();
  sector.unit_id = id(GetParam().hq);  // a sector-wide regulation signed at headquarters
  auto r = route(a, {sector});
  EXPECT_EQ(r.operating_unit_id, id(GetParam().system_operator));
  EXPECT_EQ(r.route, "operating_unit");
  EXPECT_EQ(r.decider_unit_id, id(GetParam().operator_leadership)) << "the system operator's leadership";
  EXPECT_EQ(route(a, {border_guard_regulation()}).route, "hq_leadership") << "one province's regulation does not cover another's";
}

TEST_P(Sharing16_3, ASitesCamerasAreOperatedByTheNearestUnitWithItsOwnSectionAndLeadership) {
  EXPECT_EQ(operating_unit(dir, id(GetParam().watched_site)), id(GetParam().watched_site_province));
  EXPECT_EQ(operating_unit(dir, id(GetParam().province)), id(GetParam().province));
}

INSTANTIATE_TEST_SUITE_P(Presets, Sharing16_3, ::testing::Values(k2017, k2025),
                         [](const auto& info) { return info.param.preset == "org-2017.json" ? "Org2017" : "Org2025"; });

}  // namespace
}  // namespace watchfloor::sharing
