// The demo's cameras: sites at a seaport, two border gates and an enterprise's bonded warehouse in the
// three demo provinces (Hải Phòng, Lạng Sơn, Quảng Trị), each camera a main and a sub stream of the
// camera simulator (tools/camsim) that `watchfloor demo --camsim` starts.
#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include "app/installation.h"

namespace watchfloor::app {

namespace {

struct DemoCamera {
  const char* site;
  const char* name;
  const char* owner;
  const char* owner_name;
};

struct DemoSite {
  const char* unit;
  const char* kind;
  const char* name;
  const char* address;
  double lat, lon;
};

const DemoSite kSites[] = {
    {"HP-CKKV1", "seaport", "Cảng Tân Vũ", "Phường Đông Hải 2, quận Hải An, TP. Hải Phòng", 20.8355, 106.7695},
    {"LS-HN", "border_gate", "Cửa khẩu quốc tế Hữu Nghị", "Thị trấn Đồng Đăng, huyện Cao Lộc, tỉnh Lạng Sơn", 21.9756,
     106.7058},
    {"HP-DV", "bonded_warehouse", "Kho ngoại quan Đình Vũ", "Khu kinh tế Đình Vũ, quận Hải An, TP. Hải Phòng", 20.8250,
     106.8000},
    {"QT-LB", "border_gate", "Cửa khẩu quốc tế Lao Bảo", "Thị trấn Lao Bảo, huyện Hướng Hóa, tỉnh Quảng Trị", 16.6200,
     106.6000},
};

const DemoCamera kCameras[] = {
    {"Cảng Tân Vũ", "Cổng B - làn xe ra", "customs", ""},
    {"Cảng Tân Vũ", "Bãi container số 3", "customs", ""},
    {"Cảng Tân Vũ", "Khu vực máy soi container", "customs", ""},
    {"Cửa khẩu quốc tế Hữu Nghị", "Làn xe hàng xuất khẩu", "customs", ""},
    {"Cửa khẩu quốc tế Hữu Nghị", "Bãi kiểm hóa", "customs", ""},
    {"Kho ngoại quan Đình Vũ", "Cửa kho số 2", "enterprise", "Công ty CP Kho vận Đình Vũ"},
    {"Cửa khẩu quốc tế Lao Bảo", "Làn xe hàng nhập khẩu", "customs", ""},
};

std::string stream_url(int rtsp_port, int k, const char* stream) {
  return "rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/cam" + std::to_string(k) + "/" + stream;
}

// A demo made before the cameras had sub streams gets them: the simulator serves one for every camera.
void add_sub_streams(Installation& inst, int rtsp_port) {
  for (int k = 1; k <= int(std::size(kCameras)); ++k)
    for (const auto& c : inst.catalog.cameras(std::nullopt, std::nullopt))
      if (c.main_url == stream_url(rtsp_port, k, "main") && !c.sub_url) {
        video::CameraInput in;
        in.sub_url = std::optional<std::string>(stream_url(rtsp_port, k, "sub"));
        inst.catalog.update_camera(c.id, in, audit::Actor::system("demo"));
      }
}

}  // namespace

int demo_camera_count() { return int(std::size(kCameras)); }

void ensure_demo_cameras(Installation& inst, int rtsp_port) {
  if (inst.db->query_one("SELECT 1 FROM sites LIMIT 1")) return add_sub_streams(inst, rtsp_port);
  std::map<std::string, int64_t> site_ids;
  for (const auto& s : kSites) {
    auto unit = inst.units.by_code(s.unit);
    if (!unit) return;  // another organisation preset: no demo cameras
    video::SiteInput in;
    in.unit_id = unit->id;
    in.kind = s.kind;
    in.name = s.name;
    in.address = s.address;
    in.latitude = std::optional<double>(s.lat);
    in.longitude = std::optional<double>(s.lon);
    site_ids[s.name] = inst.catalog.create_site(in, audit::Actor::system("demo")).id;
  }
  int k = 0;
  for (const auto& c : kCameras) {
    ++k;
    video::CameraInput in;
    in.site_id = site_ids.at(c.site);
    in.name = c.name;
    in.owner = c.owner;
    in.owner_name = c.owner_name;
    in.connection = std::string(c.owner) == "enterprise" ? "internet" : "customs_network";
    in.main_url = stream_url(rtsp_port, k, "main");
    in.sub_url = std::optional<std::string>(stream_url(rtsp_port, k, "sub"));
    in.retention_days = 30;
    inst.catalog.create_camera(in, audit::Actor::system("demo"));
  }
  spdlog::info("demo: {} cameras at {} sites, streamed by the camera simulator on port {}", k, std::size(kSites),
               rtsp_port);
}

int start_camsim(const std::filesystem::path& binary, const std::filesystem::path& cache, int port) {
  std::filesystem::create_directories(cache);
  std::vector<std::string> args = {binary.string(), "--cameras", std::to_string(demo_camera_count()), "--port",
                                   std::to_string(port), "--resolution", "720p", "--bitrate", "1200", "--cache",
                                   cache.string(), "--sub",
                                   // The enterprise warehouse camera goes dark for a while after 3 minutes, and then
                                   // every so often: the duty watch sees the alert and the gap.
                                   "--outage", "6:180:60", "--outage", "6:900:90"};
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // the simulator ends with the demo, however it ends
    if (getppid() != parent) _exit(1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace watchfloor::app
