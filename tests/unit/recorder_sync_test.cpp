// The recorder applies a change to one camera without touching the others' ingest (issue 14 §4).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/secret_box.h"
#include "events/alerts.h"
#include "events/bus.h"
#include "org/preset.h"
#include "org/units.h"
#include "store/db.h"
#include "test_util.h"
#include "video/catalog.h"
#include "video/recorder.h"
#include "test_store.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const audit::Actor kBy = audit::Actor::system("test");  // who acts is not what these tests are about

class RecorderSync : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-recsync-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    bus_ = std::make_unique<events::Bus>(clock_);
    units_ = std::make_unique<org::Units>(*db_, clock_, *audit_, *bus_);
    org::import_org(*units_, read_preset("org-2017.json"), "test", kBy);
    secrets_ = std::make_unique<core::SecretBox>(dir_ / "secret.key");
    catalog_ = std::make_unique<Catalog>(*db_, clock_, *units_, *secrets_, *audit_);
    SiteInput si;
    si.unit_id = units_->by_code("HP-CKKV1")->id;
    si.kind = "seaport";
    si.name = "Cảng Tân Vũ";
    site_id_ = catalog_->create_site(si, kBy).id;
    alerts_ = std::make_unique<events::Alerts>(*db_, clock_, *bus_, *audit_);
    RecorderOptions opt;
    opt.backoff_max_ms = 200;
    recorder_ = std::make_unique<Recorder>(*db_, clock_, *catalog_, *alerts_, *bus_, dir_ / "video", opt);
  }
  void TearDown() override {
    recorder_.reset();
    alerts_.reset();
    catalog_.reset();
    units_.reset();
    bus_.reset();
    audit_.reset();
    db_.reset();
    fs::remove_all(dir_);
  }

  // A camera nobody answers for (nothing listens there): its ingest keeps trying, offline.
  int64_t add_camera(const std::string& name) {
    CameraInput ci;
    ci.site_id = site_id_;
    ci.name = name;
    ci.main_url = "rtsp://127.0.0.1:9/" + name;
    return catalog_->create_camera(ci, kBy).id;
  }
  // Waits until the camera's ingest has tried once and reported itself offline.
  CameraStatus offline(int64_t camera_id) {
    for (int i = 0; i < 500; ++i) {
      if (auto s = recorder_->status(camera_id); s && s->state == "offline") return *s;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "camera " << camera_id << " never went offline";
    return {};
  }

  fs::path dir_;
  core::FakeClock clock_{1'767'225'600'000};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<events::Bus> bus_;
  std::unique_ptr<org::Units> units_;
  std::unique_ptr<core::SecretBox> secrets_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<events::Alerts> alerts_;
  std::unique_ptr<Recorder> recorder_;
  int64_t site_id_ = 0;
};

TEST_F(RecorderSync, ChangingOneCameraRestartsOnlyThatCamerasStream) {
  int64_t gate = add_camera("gate"), berth = add_camera("berth");
  recorder_->start();
  offline(gate);
  auto berth_before = offline(berth);

  // Every state change stamps the clock: a stream that was restarted shows the new time.
  clock_.advance(60s);
  CameraInput change;
  change.main_url = "rtsp://127.0.0.1:9/gate-2";
  catalog_->update_camera(gate, change, kBy);
  recorder_->sync(gate);
  EXPECT_EQ(offline(gate).since_ms, clock_.now_ms()) << "the changed camera's stream restarted";
  auto berth_after = offline(berth);
  EXPECT_EQ(berth_after.since_ms, berth_before.since_ms) << "another camera's stream was restarted";

  // A new camera starts; the others go on.
  clock_.advance(60s);
  int64_t quay = add_camera("quay");
  recorder_->sync(quay);
  EXPECT_EQ(offline(quay).since_ms, clock_.now_ms());
  EXPECT_EQ(offline(berth).since_ms, berth_before.since_ms);
  EXPECT_EQ(offline(gate).since_ms, clock_.now_ms() - 60'000);

  // Disabled, then removed: that camera stops, the others go on.
  CameraInput off;
  off.enabled = false;
  catalog_->update_camera(quay, off, kBy);
  recorder_->sync(quay);
  EXPECT_EQ(recorder_->status(quay)->state, "disabled");
  recorder_->stop_camera(quay);  // as DELETE /cameras/{id} does
  recorder_->retention().remove_camera(quay);
  catalog_->remove_camera(quay, kBy);
  recorder_->sync(quay);
  EXPECT_FALSE(recorder_->status(quay)) << "a removed camera has no status";
  EXPECT_EQ(offline(berth).since_ms, berth_before.since_ms);
  recorder_->stop();
}

}  // namespace
}  // namespace watchfloor::video
