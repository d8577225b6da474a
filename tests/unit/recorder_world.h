#pragma once
// The recorder tests' world: a database with the 2017 organisation and one camera, an Index over a
// temporary video directory (through the Fs given), canned H.264 access units and a writer feed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/random.h"
#include "core/secret_box.h"
#include "org/preset.h"
#include "org/units.h"
#include "store/db.h"
#include "test_util.h"
#include "video/catalog.h"
#include "video/fs.h"
#include "video/index.h"
#include "video/mp4.h"
#include "video/writer.h"
#include "test_store.h"

namespace watchfloor::video {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline const std::string kSps(
    "\x67\x64\x00\x1e\xac\xd9\x40\xa0\x2f\xf9\x70\x11\x00\x00\x03\x00\x01\x00\x00\x03\x00\x32\x0f\x16\x2d\x96", 26);
inline const std::string kPps("\x68\xeb\xe3\xcb\x22\xc0", 6);

inline mp4::SampleEntry entry() {
  mp4::SampleEntry e;
  e.ps = {kSps, kPps};
  e.codec = h264::codec_string(kSps);
  e.width = 640;
  e.height = 360;
  return e;
}

// An Annex B access unit of `size` bytes: an IDR slice (type 5) or a non-IDR slice (type 1).
inline std::string access_unit(bool key, size_t size, uint8_t fill) {
  std::string au("\x00\x00\x00\x01", 4);
  au.push_back(key ? char(0x65) : char(0x41));
  au.append(size, char(fill | 1));  // never two zero bytes in a row: no false start codes
  return au;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

struct World {
  // `open`: the index is opened at once (else the test calls reopen()). `sqlite`: on SQLite whatever the store
  // under test, for the tests of the files alone (hundreds of worlds).
  explicit World(Fs& files = posix_fs(), bool open = true, bool sqlite = false) : files(files) {
    dir = fs::path(::testing::TempDir()) / ("wf-rec-" + core::random_token(6));
    db = sqlite ? store::open_sqlite(dir / "watchfloor.db") : test::open_store(dir / "watchfloor.db");
    audit_log = std::make_unique<audit::AuditLog>(*db, clock);
    units = std::make_unique<org::Units>(*db, clock, *audit_log, org_bus);
    org::import_org(*units, read_preset("org-2017.json"), "test", audit::Actor::system("test"));
    secrets = std::make_unique<core::SecretBox>(dir / "secret.key");
    catalog = std::make_unique<Catalog>(*db, clock, *units, *secrets, *audit_log);
    SiteInput si;
    si.unit_id = units->by_code("HP-CKKV1")->id;
    si.kind = "seaport";
    si.name = "Cảng Tân Vũ";
    auto site = catalog->create_site(si, audit::Actor::system("test"));
    CameraInput ci;
    ci.site_id = site.id;
    ci.name = "Cổng B";
    ci.main_url = "rtsp://127.0.0.1/cam1/main";
    camera_id = catalog->create_camera(ci, audit::Actor::system("test")).id;
    if (open) reopen();
  }
  ~World() {
    index.reset();
    catalog.reset();
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }
  void reopen() {
    index.reset();
    index = std::make_unique<Index>(*db, clock, dir / "video", files);
    index->open();
  }
  // Records `seconds` of 25 fps video with a keyframe every 2 s, as the camera's clock and ours agree.
  void record(StreamWriter& w, int seconds, bool end = true) {
    for (int i = 0; i < seconds * 25; ++i) {
      std::string au = access_unit(i % 50 == 0, i % 50 == 0 ? 4000 : 600, uint8_t(i));
      w.frame({au, dts, dts, i % 50 == 0, clock.mono_ns()});
      dts += 3600;
      clock.advance(40ms);
    }
    if (end) w.end_run("camera_down", "camera_down");
  }
  Fs& files;
  fs::path dir;
  core::FakeClock clock{1'767'225'600'000};
  std::unique_ptr<store::Db> db;
  std::unique_ptr<audit::AuditLog> audit_log;
  events::Bus org_bus{clock};  // what the organisation publishes
  std::unique_ptr<org::Units> units;
  std::unique_ptr<core::SecretBox> secrets;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<Index> index;
  int64_t camera_id = 0;
  int64_t dts = 1'000'000;
};

}  // namespace watchfloor::video
