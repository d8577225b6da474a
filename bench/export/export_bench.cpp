// Benchmark of evidence exports (issue 15): a synthesised recording of M minutes of 1080p H.264 (an Annex B file
// with access unit delimiters, made by run.mjs with ffmpeg) is written into a throw-away installation's segment
// store by the recorder's own StreamWriter, as a camera would have sent it; then, in turn:
//   EXPORT            export + sign of the whole range without a watermark (the recorded bytes copied into a
//                     signed ZIP bundle) — BASELINE: `ffmpeg -ss 0 -to M:00 -i recording.mp4 -c copy` of the
//                     same range (recording.mp4: the same clip as GET …/media.mp4 serves);
//   EXPORT+WATERMARK  the same with a burned-in watermark (decode, overlay, libx264) — BASELINE: ffmpeg with
//                     drawbox + drawtext and libx264 at the same preset and CRF.
// Wall time and CPU time (user + system: this process's for ours, the child's for ffmpeg) and the ratios. One
// JSON object per line on stdout, then a table on stderr. See README.md.
//
//   watchfloor-bench-export --h264 FILE --dir DIR [--preset veryfast] [--crf 23]
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/secret_box.h"
#include "core/signing.h"
#include "events/bus.h"
#include "org/preset.h"
#include "org/units.h"
#include "store/db.h"
#include "video/bundle.h"
#include "video/catalog.h"
#include "video/export.h"
#include "video/h264.h"
#include "video/index.h"
#include "video/mp4.h"
#include "video/playback.h"
#include "video/recorder.h"
#include "video/writer.h"
#include "events/alerts.h"

extern char** environ;

using namespace watchfloor;
namespace fs = std::filesystem;

namespace {

struct Usage {
  double wall_s = 0, cpu_s = 0;
};

double cpu_of(const rusage& r) {
  return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + double(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

double self_cpu() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return cpu_of(r);
}

Usage run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) throw std::runtime_error("cannot run " + args[0]);
  int status = 0;
  rusage r{};
  wait4(pid, &status, 0, &r);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(args[0] + " failed");
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), cpu_of(r)};
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// The Annex B stream cut into access units at its delimiters (NAL type 9).
std::vector<std::string_view> access_units(std::string_view all) {
  std::vector<std::string_view> out;
  size_t start = std::string_view::npos;
  for (size_t i = 0; i + 4 < all.size(); ++i) {
    if (all[i] != 0 || all[i + 1] != 0) continue;
    size_t nal = all[i + 2] == 1 ? i + 3 : (all[i + 2] == 0 && all[i + 3] == 1 ? i + 4 : 0);
    if (!nal || (uint8_t(all[nal]) & 0x1f) != 9) continue;
    if (start != std::string_view::npos) out.push_back(all.substr(start, i - start));
    start = i;
    i = nal;
  }
  if (start != std::string_view::npos) out.push_back(all.substr(start));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string h264_file, preset = "veryfast";
  fs::path dir;
  int crf = 23;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--h264") h264_file = argv[i + 1];
    else if (a == "--dir") dir = argv[i + 1];
    else if (a == "--preset") preset = argv[i + 1];
    else if (a == "--crf") crf = std::stoi(argv[i + 1]);
  }
  if (h264_file.empty() || dir.empty()) {
    std::cerr << "usage: watchfloor-bench-export --h264 FILE --dir DIR [--preset veryfast] [--crf 23]\n";
    return 1;
  }
  try {
    fs::remove_all(dir);
    fs::create_directories(dir);
    core::FakeClock clock{std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() -
                          86'400'000};
    auto db = store::open_sqlite(dir / "watchfloor.db");
    audit::AuditLog audit_log(*db, clock);
    events::Bus bus(clock);
    org::Units units(*db, clock, audit_log, bus);
    org::import_org(units, nlohmann::json::parse(slurp(fs::path(WATCHFLOOR_SOURCE_DIR) / "presets" / "org-2017.json")), "bench",
                    audit::Actor::system("bench"));
    core::SecretBox secrets(dir / "secret.key");
    core::SigningKey key(dir / "signing.key");
    video::Catalog catalog(*db, clock, units, secrets, audit_log);
    events::Alerts alerts(*db, clock, bus, audit_log);
    video::Recorder recorder(*db, clock, catalog, alerts, bus, dir / "video", {});
    video::SiteInput si;
    si.unit_id = units.by_code("HP-CKKV1")->id;
    si.kind = "seaport";
    si.name = "Cảng Tân Vũ";
    auto site = catalog.create_site(si, audit::Actor::system("bench"));
    video::CameraInput ci;
    ci.site_id = site.id;
    ci.name = "Cổng B - camera 01";
    ci.main_url = "rtsp://127.0.0.1:1/bench";
    ci.enabled = false;
    auto cam = catalog.create_camera(ci, audit::Actor::system("bench"));
    db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES ('bench', 'Benchmark', ?, '!', 0)",
             {si.unit_id.value()});
    int64_t user = db->last_insert_id();

    // The recording, as the ingest writes it: 25 fps, one access unit every 40 ms of the (fake) clock.
    std::string stream_bytes = slurp(h264_file);
    auto aus = access_units(stream_bytes);
    if (aus.empty()) throw std::runtime_error("no access units (the file needs access unit delimiters: x264 aud=1)");
    auto& index = recorder.index();
    index.open();
    auto stream = index.stream(cam.id, "main");
    std::optional<video::StreamWriter> writer;
    int64_t dts = 0, from_ms = clock.now_ms(), frames = 0;
    for (auto au : aus) {
      auto sample = video::h264::to_sample(au);
      if (!sample) continue;
      if (!writer) {
        if (!sample->sps || !sample->pps) continue;
        auto entry = video::mp4::sample_entry(video::VideoCodec::h264, {*sample->sps, *sample->pps});
        if (!entry) throw std::runtime_error("the SPS cannot be read");
        writer.emplace(index, clock, stream);
        writer->begin_run(*entry);
        from_ms = clock.now_ms();
      }
      writer->frame({au, dts, dts, sample->idr, clock.mono_ns()});
      dts += 3600;
      ++frames;
      clock.advance(std::chrono::milliseconds(40));
    }
    writer->end_run("camera_down", "camera_down");
    writer.reset();
    int64_t to_ms = clock.now_ms();
    std::cerr << "recorded " << frames << " frames (" << (to_ms - from_ms) / 1000 << " s) into " << (dir / "video").string() << "\n";

    // The same clip as playback serves, as a file for ffmpeg.
    auto clip = video::build_clip(index, stream.id, video::ms_to_90k(from_ms), video::ms_to_90k(to_ms));
    if (!clip) throw std::runtime_error("nothing recorded");
    {
      std::ofstream out(dir / "recording.mp4", std::ios::binary);
      std::string buf(1 << 20, '\0');
      for (uint64_t off = 0; off < clip->size;) {
        size_t k = size_t(std::min<uint64_t>(buf.size(), clip->size - off));
        video::read_clip(*clip, off, buf.data(), k);
        out.write(buf.data(), std::streamsize(k));
        off += k;
      }
    }
    const std::string text = "Đơn vị yêu cầu: Bộ đội Biên phòng tỉnh Quảng Ninh\nGiấy phép khai thác số 12\nXuất lúc 06/12/2026 10:00 (UTC+07:00)";
    video::ExportOptions opt;
    opt.watermark = {preset, crf};
    video::Exports exports(*db, clock, audit_log, bus, recorder, key, dir / "exports", dir / "evidence", opt);
    exports.start();
    auto ours = [&](bool watermark) {
      video::ExportInput in;
      in.unit_id = si.unit_id.value();
      in.camera_id = cam.id, in.from_ms = from_ms, in.to_ms = to_ms;
      if (watermark) in.watermark = text;
      in.items.push_back({"clip", cam.id, from_ms, to_ms, 0, std::nullopt, std::nullopt, "clip-camera-1.mp4", nlohmann::json::object()});
      auto t0 = std::chrono::steady_clock::now();
      double c0 = self_cpu();
      auto job = exports.submit(in, audit::Actor(user));
      if (!exports.idle(3'600'000)) throw std::runtime_error("the export did not finish");
      Usage u{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), self_cpu() - c0};
      auto done = *exports.get(job.id);
      if (done.state != "done") throw std::runtime_error("export failed: " + done.error.value_or(""));
      std::string error;
      auto bundle = video::open_bundle(dir / "exports" / std::to_string(job.id) / "bundle.zip", error);
      if (!bundle || !video::verify_bundle(*bundle, key.public_key()).ok) throw std::runtime_error("the bundle does not verify");
      return u;
    };
    std::string duration = std::to_string((to_ms - from_ms) / 1000);
    auto copy = ours(false);
    auto ff_copy = run_child({"ffmpeg", "-v", "error", "-y", "-ss", "0", "-to", duration, "-i", (dir / "recording.mp4").string(), "-c", "copy",
                              (dir / "ffmpeg-copy.mp4").string()});
    auto marked = ours(true);
    std::string font = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
    std::ofstream(dir / "watermark.txt") << text;
    std::string filter = "drawbox=x=26:y=26:w=1000:h=160:color=black@0.55:t=fill,drawtext=fontfile=" + font + ":textfile=" +
                         (dir / "watermark.txt").string() + ":fontsize=38:fontcolor=white@0.92:x=45:y=45";
    auto ff_marked = run_child({"ffmpeg", "-v", "error", "-y", "-ss", "0", "-to", duration, "-i", (dir / "recording.mp4").string(), "-vf", filter,
                                "-c:v", "libx264", "-preset", preset, "-crf", std::to_string(crf), "-g", "50", (dir / "ffmpeg-marked.mp4").string()});
    exports.stop();
    auto row = [&](const char* what, Usage w, Usage f) {
      nlohmann::json j = {{"case", what},          {"seconds", (to_ms - from_ms) / 1000}, {"bytes", clip->size},
                          {"watchfloor_wall_s", w.wall_s}, {"watchfloor_cpu_s", w.cpu_s},     {"ffmpeg_wall_s", f.wall_s},
                          {"ffmpeg_cpu_s", f.cpu_s},   {"ratio_wall", w.wall_s / f.wall_s},   {"ratio_cpu", w.cpu_s / std::max(1e-3, f.cpu_s)}};
      std::cout << j.dump() << std::endl;
      std::fprintf(stderr, "%-18s watchfloor %7.2f s wall %7.2f s CPU | ffmpeg %7.2f s wall %7.2f s CPU | ratio wall %.2f CPU %.2f\n", what,
                   w.wall_s, w.cpu_s, f.wall_s, f.cpu_s, w.wall_s / f.wall_s, w.cpu_s / std::max(1e-3, f.cpu_s));
    };
    row("export", copy, ff_copy);
    row("export+watermark", marked, ff_marked);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "watchfloor-bench-export: " << e.what() << "\n";
    return 1;
  }
}
