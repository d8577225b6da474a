// The map's site states: camera counts, alerts counted once per camera and kind, cases placed at a
// site by their cameras or their site text, and the worst state winning.
#include "supervision/site_summary.h"

#include <gtest/gtest.h>

namespace watchfloor::supervision {
namespace {

const SiteRef kTanVu{1, "Cảng Tân Vũ"};
const SiteRef kHuuNghi{2, "Cửa khẩu quốc tế Hữu Nghị"};
const SiteRef kEmpty{3, "Kho ngoại quan Đình Vũ"};

std::vector<SiteCamera> cameras() {
  return {{11, 1, "Cổng B - làn xe ra", "online"},
          {12, 1, "Bãi container số 3", "offline"},
          {13, 1, "Khu vực máy soi container", "degraded"},
          {21, 2, "Làn xe hàng xuất khẩu", "online"},
          {22, 2, "Bãi kiểm hóa", "disabled"}};
}

TEST(SiteSummary, CountsCamerasByStateAtEachSite) {
  auto out = summarize_sites({kTanVu, kHuuNghi, kEmpty}, cameras(), {}, {});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].site_id, 1);
  EXPECT_EQ(out[0].camera_total, 3);
  EXPECT_EQ(out[0].cameras.at("online"), 1);
  EXPECT_EQ(out[0].cameras.at("offline"), 1);
  EXPECT_EQ(out[0].cameras.at("degraded"), 1);
  EXPECT_EQ(out[0].cameras.at("starting"), 0) << "every state is present, zero or not";
  EXPECT_EQ(out[1].camera_total, 2);
  EXPECT_EQ(out[1].cameras.at("disabled"), 1);
  EXPECT_EQ(out[2].camera_total, 0);
}

TEST(SiteSummary, TheWorstStateWins) {
  EXPECT_EQ(summarize_sites({kTanVu}, cameras(), {}, {})[0].state, "offline") << "one camera offline";
  std::vector<SiteCamera> well = {{21, 2, "Làn xe", "online"}, {22, 2, "Bãi", "disabled"}};
  EXPECT_EQ(summarize_sites({kHuuNghi}, well, {}, {})[0].state, "ok");
  EXPECT_EQ(summarize_sites({kHuuNghi}, well, {}, {{7, "Cửa khẩu quốc tế Hữu Nghị", {}}})[0].state, "case");
  EXPECT_EQ(
      summarize_sites({kHuuNghi}, well, {{21, "camera.offline"}}, {{7, "Cửa khẩu quốc tế Hữu Nghị", {}}})[0].state,
      "alert")
      << "an alert outranks a case";
  well[0].state = "degraded";
  EXPECT_EQ(summarize_sites({kHuuNghi}, well, {}, {})[0].state, "degraded");
  EXPECT_EQ(summarize_sites({kHuuNghi}, {{22, 2, "Bãi", "disabled"}}, {}, {})[0].state, "none")
      << "nothing records there";
  EXPECT_EQ(summarize_sites({kEmpty}, cameras(), {}, {})[0].state, "none") << "no camera at all";
}

TEST(SiteSummary, AnAlertCountsOncePerCameraAndKindAndOnlyAtItsCamerasSite) {
  // camera.offline is raised for the camera's unit and again for the system operator.
  std::vector<CameraAlert> alerts = {{12, "camera.offline"},
                                     {12, "camera.offline"},
                                     {12, "video.clock_step"},
                                     {21, "camera.offline"},
                                     {999, "camera.offline"}};
  auto out = summarize_sites({kTanVu, kHuuNghi, kEmpty}, cameras(), alerts, {});
  EXPECT_EQ(out[0].open_alerts, 2);
  EXPECT_EQ(out[1].open_alerts, 1);
  EXPECT_EQ(out[2].open_alerts, 0) << "an alert about a camera the caller cannot see is nowhere";
}

TEST(SiteSummary, ACaseIsAtASiteByItsCamerasOrItsSiteText) {
  auto cams = cameras();
  EXPECT_TRUE(case_at_site({1, "", {"12"}}, kTanVu, cams)) << "by camera id";
  EXPECT_TRUE(case_at_site({1, "", {" Bãi container số 3 "}}, kTanVu, cams)) << "by camera name";
  EXPECT_TRUE(case_at_site({1, "Cổng B cảng Tân Vũ", {}}, kTanVu, cams))
      << "the site text names the site, any ASCII case";
  EXPECT_FALSE(case_at_site({1, "Bãi container số 3 cảng Hải Phòng khu vực I", {"Bãi container số 3 - camera 01"}},
                            kTanVu, cams));
  EXPECT_FALSE(case_at_site({1, "", {"21"}}, kTanVu, cams)) << "a camera of another site";
  EXPECT_FALSE(case_at_site({1, "", {}}, {9, ""}, cams)) << "a site without a name matches nothing";

  std::vector<OpenCase> cases = {
      {1, "Cổng B cảng Tân Vũ", {}}, {2, "", {"11"}}, {3, "Cửa khẩu quốc tế Hữu Nghị", {}}, {4, "Hà Nội", {"nowhere"}}};
  auto out = summarize_sites({kTanVu, kHuuNghi, kEmpty}, cams, {}, cases);
  EXPECT_EQ(out[0].open_cases, 2);
  EXPECT_EQ(out[1].open_cases, 1);
  EXPECT_EQ(out[2].open_cases, 0);
}

}  // namespace
}  // namespace watchfloor::supervision
