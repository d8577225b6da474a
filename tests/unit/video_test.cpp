// Sites and cameras: addresses without credentials in them, credentials sealed at rest and readable
// only with the installation's key, a site kept while it has cameras.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "core/random.h"
#include "org/preset.h"
#include "test_util.h"
#include "video/catalog.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;

TEST(RtspUrl, AcceptsRtspAddressesAndRefusesCredentialsInThem) {
  EXPECT_FALSE(check_rtsp_url("rtsp://10.1.2.3:554/Streaming/Channels/101"));
  EXPECT_FALSE(check_rtsp_url("rtsps://cam-b.cangtanvu.local/stream1"));
  EXPECT_TRUE(check_rtsp_url("rtsp://admin:12345@10.1.2.3/stream1")) << "credentials belong in their own, sealed fields";
  EXPECT_TRUE(check_rtsp_url("http://10.1.2.3/stream1"));
  EXPECT_TRUE(check_rtsp_url("rtsp:///stream1"));
  EXPECT_TRUE(check_rtsp_url("rtsp://10.1.2.3/stream 1"));
  EXPECT_TRUE(check_rtsp_url("rtsp://" + std::string(1000, 'a')));
}

struct World {
  World() {
    dir = fs::path(::testing::TempDir()) / ("wf-video-" + core::random_token(6));
    db = store::open_sqlite(dir / "watchfloor.db");
    units = std::make_unique<org::Units>(*db, clock);
    org::import_org(*db, *units, read_preset("org-2017.json"));
    secrets = std::make_unique<core::SecretBox>(dir / "secret.key");
    catalog = std::make_unique<Catalog>(*db, clock, *units, *secrets);
  }
  ~World() {
    catalog.reset();
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }
  fs::path dir;
  core::FakeClock clock;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<org::Units> units;
  std::unique_ptr<core::SecretBox> secrets;
  std::unique_ptr<Catalog> catalog;
};

TEST(Catalog, CredentialsAreSealedAtRestAndOnlyTheKeyOpensThem) {
  World w;
  SiteInput si;
  si.unit_id = w.units->by_code("HP-CKKV1")->id;
  si.kind = "seaport";
  si.name = "Cảng Tân Vũ";
  auto site = w.catalog->create_site(si);
  CameraInput ci;
  ci.site_id = site.id;
  ci.name = "Cổng B - camera 01";
  ci.main_url = "rtsp://10.1.2.3:554/stream1";
  ci.credentials = std::pair<std::string, std::string>{"viewer", "Mật-khẩu-2026"};
  auto cam = w.catalog->create_camera(ci);
  EXPECT_TRUE(cam.credentials_set);
  auto stored = w.db->query_one("SELECT credentials FROM cameras WHERE id = ?", {cam.id})->str(0);
  EXPECT_EQ(stored.find("viewer"), std::string::npos);
  EXPECT_EQ(stored.find("Mật-khẩu"), std::string::npos);
  EXPECT_EQ(w.catalog->credentials(cam.id)->password, "Mật-khẩu-2026");
  EXPECT_EQ(to_json(cam).dump().find("viewer"), std::string::npos) << "the JSON form says only that they are set";
  struct stat st {};
  ASSERT_EQ(::stat((w.dir / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600) << "the key is readable by the server's user only";
  // Another installation's key cannot open it, and a changed value is refused.
  core::SecretBox other(w.dir / "other.key");
  EXPECT_THROW(other.open(stored), std::runtime_error);
  std::string changed = stored;
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_THROW(w.secrets->open(changed), std::runtime_error);
  // The same key file gives the same key after a restart.
  core::SecretBox again(w.dir / "secret.key");
  EXPECT_NE(again.open(stored).find("Mật-khẩu-2026"), std::string::npos);
  // Removing them: null.
  CameraInput clear;
  clear.credentials = std::optional<std::pair<std::string, std::string>>();
  EXPECT_FALSE(w.catalog->update_camera(cam.id, clear).credentials_set);
  EXPECT_FALSE(w.catalog->credentials(cam.id));
}

TEST(Catalog, ASiteWithCamerasStaysAndBadValuesNameTheirField) {
  World w;
  SiteInput si;
  si.unit_id = w.units->by_code("HP-CKKV1")->id;
  si.kind = "container_yard";
  si.name = "Bãi container số 3";
  si.latitude = std::optional<double>(120.0);
  EXPECT_EQ(problem_of([&] { w.catalog->create_site(si); }).errors()[0].field, "latitude");
  si.latitude = std::optional<double>(20.86);
  si.longitude = std::optional<double>(106.75);
  auto site = w.catalog->create_site(si);
  CameraInput ci;
  ci.site_id = site.id;
  ci.name = "Camera doanh nghiệp";
  ci.main_url = "rtsp://203.0.113.5/live";
  ci.owner = "enterprise";
  EXPECT_EQ(problem_of([&] { w.catalog->create_camera(ci); }).errors()[0].field, "owner_name");
  ci.owner_name = "Công ty CP Cảng Tân Vũ";
  ci.retention_days = 0;
  EXPECT_EQ(problem_of([&] { w.catalog->create_camera(ci); }).errors()[0].field, "retention_days");
  ci.retention_days = 90;
  auto cam = w.catalog->create_camera(ci);
  EXPECT_EQ(problem_of([&] { w.catalog->remove_site(site.id); }).status(), 409);
  w.catalog->remove_camera(cam.id);
  w.catalog->remove_site(site.id);
  EXPECT_FALSE(w.catalog->site(site.id));
}

}  // namespace
}  // namespace watchfloor::video
