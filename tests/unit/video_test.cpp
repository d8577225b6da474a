// Sites and cameras: addresses without credentials in them, credentials sealed at rest and readable
// only with the installation's key, bound to the host and port they were entered for, a site kept
// while it has cameras.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "core/random.h"
#include "org/preset.h"
#include "test_util.h"
#include "video/catalog.h"
#include "test_store.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;

const audit::Actor kBy = audit::Actor::system("test");  // who acts is not what these tests are about

TEST(RtspUrl, AcceptsRtspAddressesAndRefusesCredentialsInThem) {
  EXPECT_FALSE(check_rtsp_url("rtsp://10.1.2.3:554/Streaming/Channels/101"));
  EXPECT_FALSE(check_rtsp_url("rtsps://cam-b.cangtanvu.local/stream1"));
  EXPECT_EQ(check_rtsp_url("rtsp://admin:12345@10.1.2.3/stream1")->status, 422) << "credentials belong in their own, sealed fields";
  EXPECT_TRUE(check_rtsp_url("http://10.1.2.3/stream1"));
  EXPECT_TRUE(check_rtsp_url("rtsp:///stream1"));
  EXPECT_TRUE(check_rtsp_url("rtsp://10.1.2.3/stream 1"));
  EXPECT_TRUE(check_rtsp_url("rtsp://" + std::string(1000, 'a')));
  EXPECT_TRUE(check_rtsp_url("rtsp://10.1.2.3#@203.0.113.9/x")) << "the client would connect to the host after the @";
  EXPECT_TRUE(check_rtsp_url("rtsp://10.1.2.3:99999/x"));
}

TEST(RtspUrl, RefusesCredentialsInTheQueryString) {
  EXPECT_FALSE(check_rtsp_url("rtsp://10.1.2.3/cam/realmonitor?channel=1&subtype=0"));
  EXPECT_FALSE(check_rtsp_url("rtsp://10.1.2.3/live?keyframe=1&profile=main"));
  EXPECT_FALSE(check_rtsp_url("rtsp://10.1.2.3/token/key/user")) << "path segments are no parameters";
  for (const char* url : {"rtsp://10.1.2.3/live?user=admin&password=12345", "rtsp://10.1.2.3/live?channel=1&PWD=12345",
                          "rtsp://10.1.2.3/live?PassWord=x", "rtsp://10.1.2.3/live?pass%77ord=x", "rtsp://10.1.2.3/live?access_token=x",
                          "rtsp://10.1.2.3/live?channel=1;auth=x", "rtsp://10.1.2.3/live?Login=admin", "rtsp://10.1.2.3/live?credentials",
                          "rtsps://10.1.2.3/live?secret=x", "rtsp://10.1.2.3/live?key=x", "rtsp://10.1.2.3/live?usr=a&passwd=b",
                          "rtsp://10.1.2.3/live?a=1#&password=x", "rtsp://10.1.2.3:554/user=admin&password=x&channel=1&stream=0.sdp"}) {
    auto why = check_rtsp_url(url);
    ASSERT_TRUE(why) << url;
    EXPECT_EQ(why->status, 422) << url;
    EXPECT_NE(why->en.find("username and password fields"), std::string::npos) << why->en;
    EXPECT_NE(why->vi.find("Mật khẩu"), std::string::npos) << why->vi;
  }
}

TEST(RtspUrl, RedactsCredentialLikeQueryValuesOfStoredAddresses) {
  EXPECT_EQ(redact_url("rtsp://h/x?channel=1&pwd=hunter2&User=admin"), "rtsp://h/x?channel=1&pwd=***&User=***");
  EXPECT_EQ(redact_url("rtsp://h/x?channel=1&subtype=0"), "rtsp://h/x?channel=1&subtype=0");
  EXPECT_EQ(redact_url("rtsp://h/x?token="), "rtsp://h/x?token=");
  EXPECT_EQ(redact_url("rtsp://h/x"), "rtsp://h/x");
  EXPECT_EQ(redact_url("rtsp://h:554/user=admin&password=x&channel=1"), "rtsp://h:554/user=***&password=***&channel=1");
  EXPECT_EQ(redact_url("rtsp://h/token/live"), "rtsp://h/token/live") << "a path segment is no parameter";
}

TEST(RtspEndpoint, HostAndPortAsTheClientConnects) {
  EXPECT_EQ(rtsp_endpoint("rtsp://10.1.2.3/stream1"), "10.1.2.3:554") << "rtsp's default port";
  EXPECT_EQ(rtsp_endpoint("rtsps://cam.local/stream1"), "cam.local:322") << "rtsps's default port";
  EXPECT_EQ(rtsp_endpoint("RTSP://Cam-B.CangTanVu.Local:8554/x"), "cam-b.cangtanvu.local:8554") << "host names are case-insensitive";
  EXPECT_EQ(rtsp_endpoint("rtsp://[FE80::1]:8554/x"), "[fe80::1]:8554");
  EXPECT_EQ(rtsp_endpoint("rtsp://[::1]/x"), "[::1]:554");
  EXPECT_EQ(rtsp_endpoint("rtsp://a#@203.0.113.9/x"), "203.0.113.9:554") << "where the client would really connect";
  EXPECT_FALSE(rtsp_endpoint("rtsp://::1/x")) << "IPv6 only in brackets";
  EXPECT_FALSE(rtsp_endpoint("rtsp://[::1/x"));
  EXPECT_FALSE(rtsp_endpoint("rtsp://h:0/x"));
  EXPECT_FALSE(rtsp_endpoint("http://h/x"));
}

TEST(RtspEndpoint, SameEndpointComparesHostAndPort) {
  EXPECT_TRUE(same_endpoint("rtsp://10.1.2.3/a", "rtsp://10.1.2.3:554/b?channel=2"));
  EXPECT_TRUE(same_endpoint("rtsp://CAM.local:8554/a", "rtsp://cam.local:8554/b"));
  EXPECT_TRUE(same_endpoint("rtsp://[FE80::1]/a", "rtsp://[fe80::1]:554/a"));
  EXPECT_FALSE(same_endpoint("rtsp://10.1.2.3/a", "rtsp://10.1.2.4/a"));
  EXPECT_FALSE(same_endpoint("rtsp://10.1.2.3/a", "rtsp://10.1.2.3:8554/a"));
  EXPECT_FALSE(same_endpoint("rtsp://cam/a", "rtsps://cam/a")) << "554 is not 322";
  EXPECT_FALSE(same_endpoint("rtsp://[::1]/a", "rtsp://[::2]/a"));
  EXPECT_FALSE(same_endpoint("rtsp://[::1]:554/a", "rtsp://1:554/a"));
  EXPECT_FALSE(same_endpoint("rtsp://h:0/a", "rtsp://h:0/a")) << "an address that connects nowhere matches nothing";
}

struct World {
  World() {
    dir = fs::path(::testing::TempDir()) / ("wf-video-" + core::random_token(6));
    db = test::open_store(dir / "watchfloor.db");
    audit_log = std::make_unique<audit::AuditLog>(*db, clock);
    units = std::make_unique<org::Units>(*db, clock, *audit_log, org_bus);
    org::import_org(*units, read_preset("org-2017.json"), "test", kBy);
    secrets = std::make_unique<core::SecretBox>(dir / "secret.key");
    catalog = std::make_unique<Catalog>(*db, clock, *units, *secrets, *audit_log);
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
  std::unique_ptr<audit::AuditLog> audit_log;
  events::Bus org_bus{clock};  // what the organisation publishes
  std::unique_ptr<org::Units> units;
  std::unique_ptr<core::SecretBox> secrets;
  std::unique_ptr<Catalog> catalog;
};

// A camera at 10.1.2.3 with credentials, for the tests of their binding.
Camera camera_with_credentials(World& w, const std::string& password = "Mật-khẩu-A") {
  SiteInput si;
  si.unit_id = w.units->by_code("HP-CKKV1")->id;
  si.kind = "seaport";
  si.name = "Cảng Tân Vũ";
  auto site = w.catalog->create_site(si, kBy);
  CameraInput ci;
  ci.site_id = site.id;
  ci.name = "Cổng B - camera 01";
  ci.main_url = "rtsp://10.1.2.3/stream1";
  ci.credentials = std::pair<std::string, std::string>{"viewer", password};
  return w.catalog->create_camera(ci, kBy);
}

TEST(Catalog, CredentialsAreSealedAtRestAndOnlyTheKeyOpensThem) {
  World w;
  auto cam = camera_with_credentials(w, "Mật-khẩu-2026");
  EXPECT_TRUE(cam.credentials_set);
  auto stored = w.db->query_one("SELECT credentials FROM cameras WHERE id = ?", {cam.id})->str(0);
  EXPECT_EQ(stored.find("viewer"), std::string::npos);
  EXPECT_EQ(stored.find("Mật-khẩu"), std::string::npos);
  EXPECT_EQ(w.catalog->credentials(cam.id, cam.main_url)->password, "Mật-khẩu-2026");
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
  EXPECT_FALSE(w.catalog->update_camera(cam.id, clear, kBy).credentials_set);
  EXPECT_FALSE(w.catalog->credentials(cam.id, cam.main_url));
}

TEST(CameraCredentials, MovingTheAddressToAnotherHostOrPortWithoutThemIsRefusedAndChangesNothing) {
  World w;
  auto cam = camera_with_credentials(w);
  EXPECT_EQ(cam.credentials_host, "10.1.2.3:554");
  for (const char* url : {"rtsp://203.0.113.66/stream1", "rtsp://10.1.2.3:8554/stream1", "rtsps://10.1.2.3/stream1"}) {
    CameraInput move;
    move.main_url = url;
    move.name = "đổi tên";
    auto p = problem_of([&] { w.catalog->update_camera(cam.id, move, kBy); });
    EXPECT_EQ(p.status(), 422) << url;
    ASSERT_EQ(p.errors().size(), 1u);
    EXPECT_EQ(p.errors()[0].field, "password");
    EXPECT_NE(p.errors()[0].message_vi.find("nhập lại tên đăng nhập và mật khẩu"), std::string::npos);
    EXPECT_NE(p.errors()[0].message_en.find("host or port changed"), std::string::npos);
    auto after = *w.catalog->camera(cam.id);
    EXPECT_EQ(after.main_url, "rtsp://10.1.2.3/stream1") << url;
    EXPECT_EQ(after.name, cam.name);
    EXPECT_EQ(w.catalog->credentials(cam.id, after.main_url)->password, "Mật-khẩu-A");
  }
  // Another path on the same host and port keeps them.
  CameraInput path;
  path.main_url = "rtsp://10.1.2.3:554/stream2";
  auto moved = w.catalog->update_camera(cam.id, path, kBy);
  EXPECT_TRUE(moved.credentials_set);
  EXPECT_EQ(w.catalog->credentials(cam.id, moved.main_url)->password, "Mật-khẩu-A");
}

TEST(CameraCredentials, MovingWithNewCredentialsRebindsThemAndRemovingThemAlsoPasses) {
  World w;
  auto cam = camera_with_credentials(w);
  CameraInput move;
  move.main_url = "rtsp://203.0.113.66:8554/live";
  move.credentials = std::pair<std::string, std::string>{"viewer-b", "Mật-khẩu-B"};
  auto moved = w.catalog->update_camera(cam.id, move, kBy);
  EXPECT_EQ(moved.credentials_host, "203.0.113.66:8554");
  EXPECT_EQ(w.catalog->credentials(cam.id, moved.main_url)->password, "Mật-khẩu-B");
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://10.1.2.3/stream1")) << "no longer for the old host";
  CameraInput away;
  away.main_url = "rtsp://10.9.9.9/live";
  away.credentials = std::optional<std::pair<std::string, std::string>>();
  auto cleared = w.catalog->update_camera(cam.id, away, kBy);
  EXPECT_FALSE(cleared.credentials_set);
  EXPECT_FALSE(cleared.credentials_host);
  EXPECT_FALSE(w.catalog->credentials(cam.id, cleared.main_url));
  // Without credentials the address moves freely.
  CameraInput again;
  again.main_url = "rtsp://10.9.9.10/live";
  EXPECT_EQ(w.catalog->update_camera(cam.id, again, kBy).main_url, "rtsp://10.9.9.10/live");
}

TEST(CameraCredentials, WithheldForAnAddressThatConnectsElsewhere) {
  World w;
  auto cam = camera_with_credentials(w);
  EXPECT_TRUE(w.catalog->credentials(cam.id, "rtsp://10.1.2.3:554/other"));
  EXPECT_TRUE(w.catalog->credentials(cam.id, "RTSP://10.1.2.3/stream1"));
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://203.0.113.66/stream1"));
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://10.1.2.3:8554/stream1"));
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://x#@203.0.113.66/stream1"));
  EXPECT_FALSE(w.catalog->credentials(cam.id, "not an address"));
  // Even when the row itself was changed behind the catalog's back, the binding decides.
  w.db->exec("UPDATE cameras SET main_url = 'rtsp://203.0.113.66/stream1' WHERE id = ?", {cam.id});
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://203.0.113.66/stream1"));
  // A row from before the binding (NULL): bound to its address as it is.
  w.db->exec("UPDATE cameras SET main_url = 'rtsp://10.1.2.3/stream1', credentials_host = NULL WHERE id = ?", {cam.id});
  EXPECT_EQ(w.catalog->credentials(cam.id, "rtsp://10.1.2.3/stream1")->password, "Mật-khẩu-A");
  EXPECT_FALSE(w.catalog->credentials(cam.id, "rtsp://203.0.113.66/stream1"));
  CameraInput move;
  move.main_url = "rtsp://203.0.113.66/stream1";
  EXPECT_EQ(problem_of([&] { w.catalog->update_camera(cam.id, move, kBy); }).errors()[0].field, "password");
}

TEST(CameraCredentials, QueryStringCredentialsAreRefusedAndStoredOnesNeverShown) {
  World w;
  auto cam = camera_with_credentials(w);
  CameraInput q;
  q.main_url = "rtsp://10.1.2.3/stream1?user=x&password=y";
  auto p = problem_of([&] { w.catalog->update_camera(cam.id, q, kBy); });
  EXPECT_EQ(p.status(), 422);
  EXPECT_EQ(p.errors()[0].field, "main_url");
  CameraInput sub;
  sub.sub_url = std::optional<std::string>("rtsp://10.1.2.3/stream2?token=abc");
  EXPECT_EQ(problem_of([&] { w.catalog->update_camera(cam.id, sub, kBy); }).errors()[0].field, "sub_url");
  // A row stored before they were refused: readers see *** instead.
  w.db->exec("UPDATE cameras SET main_url = 'rtsp://10.1.2.3/s?channel=1&password=hunter2', sub_url = 'rtsp://10.1.2.3/t?pwd=hunter3' "
             "WHERE id = ?", {cam.id});
  auto j = to_json(*w.catalog->camera(cam.id));
  EXPECT_EQ(j["main_url"], "rtsp://10.1.2.3/s?channel=1&password=***");
  EXPECT_EQ(j["sub_url"], "rtsp://10.1.2.3/t?pwd=***");
  EXPECT_EQ(j.dump().find("hunter"), std::string::npos);
  EXPECT_FALSE(j.contains("credentials_host"));
}

TEST(Catalog, ASiteWithCamerasStaysAndBadValuesNameTheirField) {
  World w;
  SiteInput si;
  si.unit_id = w.units->by_code("HP-CKKV1")->id;
  si.kind = "container_yard";
  si.name = "Bãi container số 3";
  si.latitude = std::optional<double>(120.0);
  EXPECT_EQ(problem_of([&] { w.catalog->create_site(si, kBy); }).errors()[0].field, "latitude");
  si.latitude = std::optional<double>(20.86);
  si.longitude = std::optional<double>(106.75);
  auto site = w.catalog->create_site(si, kBy);
  CameraInput ci;
  ci.site_id = site.id;
  ci.name = "Camera doanh nghiệp";
  ci.main_url = "rtsp://203.0.113.5/live";
  ci.owner = "enterprise";
  EXPECT_EQ(problem_of([&] { w.catalog->create_camera(ci, kBy); }).errors()[0].field, "owner_name");
  ci.owner_name = "Công ty CP Cảng Tân Vũ";
  ci.retention_days = 0;
  EXPECT_EQ(problem_of([&] { w.catalog->create_camera(ci, kBy); }).errors()[0].field, "retention_days");
  ci.retention_days = 90;
  auto cam = w.catalog->create_camera(ci, kBy);
  EXPECT_EQ(problem_of([&] { w.catalog->remove_site(site.id, kBy); }).status(), 409);
  w.catalog->remove_camera(cam.id, kBy);
  w.catalog->remove_site(site.id, kBy);
  EXPECT_FALSE(w.catalog->site(site.id));
}

}  // namespace
}  // namespace watchfloor::video
