// Evidence bundles and evidence on cases: the ZIP container read back as written; a signed bundle that verifies,
// and one that fails naming what was changed, removed or slipped in; a watermark that is visible where it is
// drawn, leaves the rest of the picture alone and decodes cleanly; a clip attached to a case whose footage
// retention keeps.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "core/hash.h"
#include "core/signing.h"
#include "recorder_world.h"
#include "video/bundle.h"
#include "events/alerts.h"
#include "video/evidence.h"
#include "video/export.h"
#include "video/playback.h"
#include "video/recorder.h"
#include "video/retention.h"
#include "video/watermark.h"
#include "video/zip.h"

namespace watchfloor::video {
namespace {

fs::path temp_dir(const std::string& prefix) {
  auto d = fs::path(::testing::TempDir()) / (prefix + core::random_token(6));
  fs::create_directories(d);
  return d;
}

void write_zip(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::unique_ptr<File> f;
  ASSERT_TRUE(posix_fs().create_new(file, f).ok());
  ZipWriter zip(*f);
  for (const auto& [name, data] : entries) {
    ASSERT_TRUE(zip.begin(name, 1'767'225'600'000).ok());
    // In pieces, as the exporter writes a clip.
    for (size_t i = 0; i < data.size(); i += 100'000) ASSERT_TRUE(zip.write(std::string_view(data).substr(i, 100'000)).ok());
    ASSERT_TRUE(zip.end().ok());
  }
  ASSERT_TRUE(zip.finish().ok());
  ASSERT_TRUE(f->close().ok());
}

std::map<std::string, std::string> read_back(const fs::path& file) {
  std::string error;
  auto src = file_source(file);
  EXPECT_TRUE(src);
  auto entries = read_zip(*src, error);
  EXPECT_TRUE(entries) << error;
  std::map<std::string, std::string> out;
  for (const auto& e : entries.value_or(std::vector<ZipEntry>{})) {
    std::string data;
    EXPECT_TRUE(read_entry(*src, e, [&](std::string_view b) { data += b; }));
    out[e.name] = data;
  }
  return out;
}

std::string random_bytes(size_t n) {
  std::string s;
  while (s.size() < n) s += core::random_token(64);
  s.resize(n);
  return s;
}

TEST(Zip, WhatIsWrittenIsReadBackByteForByte) {
  auto dir = temp_dir("wf-zip-");
  std::string big = random_bytes(3'000'000), empty;
  write_zip(dir / "a.zip", {{"clip-camera-1.mp4", big}, {"trống.txt", empty}, {"manifest.json", "{}\n"}});
  auto back = read_back(dir / "a.zip");
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back["clip-camera-1.mp4"], big);
  EXPECT_EQ(back["trống.txt"], "");
  EXPECT_EQ(back["manifest.json"], "{}\n");
  // Stored, not compressed: the file's bytes lie in the archive as they are.
  std::string archive = slurp(dir / "a.zip");
  EXPECT_NE(archive.find(big.substr(1000, 5000)), std::string::npos);
  // unzip agrees (CRC-32 and sizes from the data descriptors and the central directory), when it is there.
  if (std::system("command -v unzip >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("unzip -tq " + (dir / "a.zip").string() + " >/dev/null").c_str()), 0);
  }
  std::string error;
  auto not_zip = memory_source("this is not a zip file, just text long enough to look for an end record");
  EXPECT_FALSE(read_zip(*not_zip, error));
  EXPECT_NE(error.find("not a ZIP"), std::string::npos) << error;
  fs::remove_all(dir);
}

// A bundle as the exporter makes it: files, the manifest listing them, its signature.
struct Bundle {
  fs::path dir = temp_dir("wf-bundle-");
  core::SigningKey key{dir / "signing.key"};
  std::vector<std::pair<std::string, std::string>> files = {{"clip-camera-7.mp4", random_bytes(200'000)},
                                                            {"snapshot-1-camera-7.jpg", random_bytes(20'000)}};
  std::string manifest;
  Bundle() {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, data] : files) list.push_back({{"name", name}, {"bytes", data.size()}, {"sha256", core::sha256_hex(data)}});
    manifest = manifest_text({{"format", kBundleFormat},
                              {"camera", {{"id", 7}, {"name", "Cổng B"}}},
                              {"signing", {{"algorithm", "Ed25519"}, {"key_id", key.key_id()}, {"public_key", key.public_key()}}},
                              {"files", list}});
  }
  ~Bundle() { fs::remove_all(dir); }
  fs::path zip(const std::vector<std::pair<std::string, std::string>>& entries) {
    auto p = dir / ("b-" + core::random_token(4) + ".zip");
    write_zip(p, entries);
    return p;
  }
  std::vector<std::pair<std::string, std::string>> entries() {
    auto e = files;
    e.emplace_back(kManifestName, manifest);
    e.emplace_back(kSignatureName, signature_text(key.sign(manifest)));
    return e;
  }
  BundleCheck check(const fs::path& p, std::optional<std::string> expected = std::nullopt, bool require = false) {
    std::string error;
    auto b = open_bundle(p, error);
    EXPECT_TRUE(b) << error;
    return b ? verify_bundle(*b, expected, require) : BundleCheck{};
  }
};

const FileCheck* failed(const BundleCheck& c, const std::string& name) {
  for (const auto& f : c.files)
    if (f.name == name && !f.ok) return &f;
  return nullptr;
}

TEST(Bundle, AnIntactBundleVerifiesWithTheKeyInItsManifest) {
  Bundle b;
  auto c = b.check(b.zip(b.entries()), b.key.public_key());
  EXPECT_TRUE(c.ok) << c.reason_en;
  EXPECT_EQ(c.key_id, b.key.key_id());
  EXPECT_EQ(c.file_count, 2u);
  EXPECT_EQ(c.signed_by_expected, true);
  // Unpacked into a directory, the same.
  auto dir = b.dir / "unpacked";
  fs::create_directories(dir);
  for (const auto& [name, data] : b.entries()) std::ofstream(dir / name, std::ios::binary) << data;
  EXPECT_TRUE(b.check(dir).ok);
  // Signed by a key other than the one the checker expects: it says so; asked to insist, it fails.
  core::SigningKey other(b.dir / "other.key");
  auto foreign = b.check(b.zip(b.entries()), other.public_key());
  EXPECT_TRUE(foreign.ok);
  EXPECT_EQ(foreign.signed_by_expected, false);
  EXPECT_FALSE(b.check(b.zip(b.entries()), other.public_key(), true).ok);
}

TEST(Bundle, OneByteChangedInTheClipFailsNamingTheClip) {
  Bundle b;
  auto e = b.entries();
  e[0].second[100'000] ^= 0x01;
  auto c = b.check(b.zip(e));
  EXPECT_FALSE(c.ok);
  auto* f = failed(c, "clip-camera-7.mp4");
  ASSERT_TRUE(f) << nlohmann::json(to_json(c)).dump();
  EXPECT_NE(f->reason_en.find("SHA-256"), std::string::npos);
  EXPECT_FALSE(failed(c, "snapshot-1-camera-7.jpg")) << "the other file is intact";
  EXPECT_NE(c.reason_en.find("clip-camera-7.mp4"), std::string::npos) << c.reason_en;
}

TEST(Bundle, AChangedManifestFailsOnItsSignature) {
  Bundle b;
  auto e = b.entries();
  // Another camera name, the same files: the signature no longer matches.
  auto at = e[2].second.find("Cổng B");
  e[2].second.replace(at, std::string("Cổng B").size(), "Cổng C");
  auto c = b.check(b.zip(e));
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.reason_en.find("signature"), std::string::npos) << c.reason_en;
  EXPECT_TRUE(c.files.empty()) << "nothing in a manifest that does not verify is believed";
  // A missing signature is named too.
  e = b.entries();
  e.pop_back();
  auto unsigned_bundle = b.check(b.zip(e));
  EXPECT_FALSE(unsigned_bundle.ok);
  EXPECT_NE(unsigned_bundle.reason_en.find("manifest.sig"), std::string::npos);
}

TEST(Bundle, AMissingOrAnExtraFileIsNamed) {
  Bundle b;
  auto e = b.entries();
  e.erase(e.begin() + 1);
  auto missing = b.check(b.zip(e));
  EXPECT_FALSE(missing.ok);
  ASSERT_TRUE(failed(missing, "snapshot-1-camera-7.jpg"));
  EXPECT_NE(failed(missing, "snapshot-1-camera-7.jpg")->reason_en.find("missing"), std::string::npos);
  e = b.entries();
  e.emplace_back("ghi-chu.txt", "thêm vào sau");
  auto extra = b.check(b.zip(e));
  EXPECT_FALSE(extra.ok);
  ASSERT_TRUE(failed(extra, "ghi-chu.txt"));
  EXPECT_NE(failed(extra, "ghi-chu.txt")->reason_en.find("not listed"), std::string::npos);
}

// ---- watermark -------------------------------------------------------------------------------------

int run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// The luma plane of every frame, as ffmpeg decodes the file; and whether it decoded without a message.
struct Decoded {
  std::vector<std::string> frames;
  bool clean = false;
};
Decoded decode_luma(const fs::path& file, int w, int h) {
  auto raw = file;
  raw += ".y";
  auto log = file;
  log += ".log";
  Decoded d;
  int rc = std::system(("ffmpeg -v error -y -i " + file.string() + " -fps_mode passthrough -f rawvideo -pix_fmt gray " + raw.string() + " 2>" + log.string()).c_str());
  d.clean = rc == 0 && fs::file_size(log) == 0;
  std::string all = slurp(raw);
  for (size_t at = 0; at + size_t(w) * h <= all.size(); at += size_t(w) * h) d.frames.push_back(all.substr(at, size_t(w) * h));
  return d;
}

double mean_abs_diff(const std::string& a, const std::string& b, int w, Rect r) {
  double sum = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) sum += std::abs(int(uint8_t(a[size_t(y) * w + x])) - int(uint8_t(b[size_t(y) * w + x])));
  return sum / (double(r.w) * r.h);
}

TEST(Watermark, TheClipDecodesCleanlyAndIsMarkedOnlyWhereTheBoxIs) {
  if (run("command -v ffmpeg") != 0) GTEST_SKIP() << "ffmpeg is not installed";
  auto dir = temp_dir("wf-wm-");
  const int w = 640, h = 360, frames = 50;
  auto src = dir / "in.mp4";
  ASSERT_EQ(run("ffmpeg -v error -f lavfi -i testsrc2=size=640x360:rate=25 -frames:v 50 -c:v libx264 -preset ultrafast -g 25 "
                "-pix_fmt yuv420p " + src.string()),
            0);
  const std::string text = "Đơn vị yêu cầu: Bộ đội Biên phòng tỉnh Quảng Ninh\nGiấy phép khai thác số 12\nXuất lúc 06/12/2026 10:00 (UTC+07:00)";
  auto in = file_source(src);
  ASSERT_TRUE(in);
  std::string error;
  double last = 0;
  auto out = dir / "out.mp4";
  ASSERT_TRUE(watermark_mp4(*in, out, text, {"ultrafast", 23}, [&](double p) { last = p; }, error)) << error;
  EXPECT_DOUBLE_EQ(last, 1.0);
  auto a = decode_luma(src, w, h), b = decode_luma(out, w, h);
  ASSERT_EQ(a.frames.size(), size_t(frames));
  EXPECT_TRUE(b.clean) << "every frame decodes without an error";
  ASSERT_EQ(b.frames.size(), a.frames.size()) << "every frame is there";
  Rect box = watermark_box(text, w, h);
  ASSERT_GT(box.w, 100);
  ASSERT_GT(box.h, 30);
  Rect corner{w - 120, h - 80, 120, 80};
  ASSERT_GT(corner.x, box.x + box.w);
  for (size_t i = 0; i < a.frames.size(); i += 7) {
    EXPECT_GT(mean_abs_diff(a.frames[i], b.frames[i], w, box), 20.0) << "frame " << i << ": the box and its text show";
    EXPECT_LT(mean_abs_diff(a.frames[i], b.frames[i], w, corner), 4.0) << "frame " << i << ": the far corner is the picture";
  }
  // A still gets the same mark.
  ASSERT_EQ(run("ffmpeg -v error -f lavfi -i testsrc2=size=640x360 -frames:v 1 " + (dir / "in.jpg").string()), 0);
  auto marked = watermark_jpeg(slurp(dir / "in.jpg"), text, error);
  ASSERT_TRUE(marked) << error;
  std::ofstream(dir / "out.jpg", std::ios::binary) << *marked;
  auto ja = decode_luma(dir / "in.jpg", w, h), jb = decode_luma(dir / "out.jpg", w, h);
  ASSERT_EQ(jb.frames.size(), 1u);
  EXPECT_GT(mean_abs_diff(ja.frames[0], jb.frames[0], w, box), 20.0);
  EXPECT_LT(mean_abs_diff(ja.frames[0], jb.frames[0], w, corner), 4.0);
  fs::remove_all(dir);
}

// ---- evidence on a case ---------------------------------------------------------------------------

TEST(Evidence, AnAttachedClipHoldsItsFootageAgainstRetention) {
  World w;
  auto stream = w.index->stream(w.camera_id, "main");
  StreamWriter writer(*w.index, w.clock, stream);
  writer.begin_run(entry());
  w.record(writer, 300);
  auto before = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_GE(before.size(), 5u);
  // The case and the person are rows this test does not need in full.
  test::foreign_keys_off(*w.db);
  w.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) SELECT 'u', 'U', id, '!', 0 FROM units LIMIT 1");
  int64_t officer = w.db->last_insert_id();
  w.db->exec("INSERT INTO cases(id, number, unit_id, method, status, severity, observed_at, site, subject, description, created_by, "
             "created_at, updated_at) VALUES (42, 'VV-42', 1, 'regular', 'reported', 'medium', 0, 'Cổng B', 'x', 'x', ?, 0, 0)",
             {officer});
  Retention ret(*w.index, w.clock, 5.0, [](const fs::path&) { return DiskSpace{1'000'000'000, 500'000'000}; });
  Evidence ev(*w.db, w.clock, *w.catalog, *w.index, ret, *w.audit_log, w.dir / "evidence", 60 * 60'000);
  const int64_t unit = w.units->by_code("HP-CKKV1")->id;
  const int64_t start = t90k_to_ms(before[0].start_90k);
  EvidenceInput in{42, w.camera_id, "clip", start + 1000, start + 5000, std::nullopt, "Xe tải vào cổng B", "Chứng cứ của vụ việc 42"};

  // Bad input: the field named, nothing written.
  auto field_of = [&](EvidenceInput bad) {
    try {
      ev.attach(bad, unit, audit::Actor(officer));
    } catch (const core::Problem& p) {
      return p.errors().empty() ? std::string("?") : p.errors()[0].field;
    }
    return std::string("(accepted)");
  };
  auto bad = in;
  bad.camera_id = 9999;
  EXPECT_EQ(field_of(bad), "camera_id");
  bad = in, bad.to_ms = bad.from_ms;
  EXPECT_EQ(field_of(bad), "to");
  bad = in, bad.to_ms = *bad.from_ms + 61 * 60'000;
  EXPECT_EQ(field_of(bad), "to") << "longer than the configured maximum";
  bad = in, bad.from_ms = start - 3'600'000, bad.to_ms = start - 3'000'000;
  EXPECT_EQ(field_of(bad), "from") << "nothing recorded then";
  EXPECT_TRUE(w.db->query("SELECT 1 FROM case_evidence").empty());
  EXPECT_TRUE(w.db->query("SELECT 1 FROM holds").empty());

  auto e = ev.attach(in, unit, audit::Actor(officer));
  EXPECT_EQ(e.kind, "clip");
  auto hold = ret.hold(e.hold_id);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->case_id, 42);
  EXPECT_EQ(hold->from_ms, start + 1000);
  EXPECT_TRUE(ret.is_held(before[0].id));
  EXPECT_FALSE(w.db->query("SELECT 1 FROM audit_log WHERE action = 'evidence.attach' AND object_id = '42'").empty());

  // Retention with room for two segments: the attached minute stays, the rest goes oldest first.
  w.db->exec("UPDATE cameras SET retention_bytes = ? WHERE id = ?", {before[before.size() - 1].bytes + before[before.size() - 2].bytes, w.camera_id});
  EXPECT_GT(ret.run().deleted, 0);
  auto after = w.index->segments(stream.id, 0, INT64_MAX);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front().id, before[0].id) << "the case's footage survives retention";
  EXPECT_TRUE(fs::exists(w.index->segment_path(stream, before[0].seq)));

  // Removed with a reason: the hold is released, the row stays as a record.
  auto removed = ev.remove(e.id, "Nhầm camera", unit, audit::Actor(officer));
  EXPECT_TRUE(removed.removed_at);
  EXPECT_TRUE(ret.hold(e.hold_id)->released_ms);
  EXPECT_FALSE(ret.is_held(before[0].id));
  EXPECT_TRUE(ev.list(42).empty());
  EXPECT_EQ(ev.list(42, true).size(), 1u);
  EXPECT_THROW(ev.remove(e.id, "lần nữa", unit, audit::Actor(officer)), core::Problem);
}

// ---- exports --------------------------------------------------------------------------------------

TEST(Exports, ABundleIsSignedItsLinkIsSpentAtFirstUseAndExpiresAndNoJobOutlivesItsProcess) {
  World w(posix_fs(), false);
  events::Bus bus(w.clock);
  events::Alerts alerts(*w.db, w.clock, bus, *w.audit_log);
  Recorder recorder(*w.db, w.clock, *w.catalog, alerts, bus, w.dir / "video", {});
  recorder.index().open();
  auto stream = recorder.index().stream(w.camera_id, "main");
  const int64_t start = w.clock.now_ms();
  {
    StreamWriter writer(recorder.index(), w.clock, stream);
    writer.begin_run(entry());
    w.record(writer, 30);
  }
  w.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) SELECT 'a', 'A', id, '!', 0 FROM units LIMIT 1");
  int64_t creator = w.db->last_insert_id();
  w.db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) SELECT 'b', 'B', id, '!', 0 FROM units LIMIT 1");
  int64_t someone_else = w.db->last_insert_id();
  core::SigningKey key(w.dir / "signing.key");
  ExportOptions opt;
  opt.link_ms = 60'000;
  const int64_t unit = w.units->by_code("HP-CKKV1")->id;
  ExportInput in;
  in.unit_id = unit, in.camera_id = w.camera_id, in.from_ms = start + 1000, in.to_ms = start + 20'000;
  in.items.push_back({"clip", w.camera_id, in.from_ms, in.to_ms, 0, std::nullopt, std::nullopt, "clip-camera-1.mp4", {{"kind", "clip"}}});
  in.manifest = {{"camera", {{"id", w.camera_id}, {"name", "Cổng B"}}}, {"watermark", nullptr}};
  std::vector<int64_t> progress;
  bus.subscribe([&](const events::Event& e) {
    if (e.topic == "export.progress" && e.only_user == creator) progress.push_back(e.payload["progress"].get<int64_t>());
  });

  // A job queued by a process that stopped is failed at the next start, not left "queued".
  {
    Exports before(*w.db, w.clock, *w.audit_log, bus, recorder, key, w.dir / "exports", w.dir / "evidence", opt);
    auto orphan = before.submit(in, audit::Actor(creator));
    Exports after(*w.db, w.clock, *w.audit_log, bus, recorder, key, w.dir / "exports", w.dir / "evidence", opt);
    after.start();
    EXPECT_EQ(after.get(orphan.id)->state, "failed");
    after.stop();
  }

  Exports exports(*w.db, w.clock, *w.audit_log, bus, recorder, key, w.dir / "exports", w.dir / "evidence", opt);
  exports.start();
  progress.clear();
  auto job = exports.submit(in, audit::Actor(creator));
  ASSERT_TRUE(exports.idle(60'000));
  auto done = *exports.get(job.id);
  ASSERT_EQ(done.state, "done") << done.error.value_or("");
  EXPECT_EQ(done.progress, 100);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), 100) << "the creator's console sees it reach 100";
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));

  // The bundle: the clip's bytes as playback serves them, a manifest signed by the installation's key.
  auto path = w.dir / "exports" / std::to_string(job.id) / "bundle.zip";
  auto back = read_back(path);
  auto clip = build_clip(recorder.index(), stream.id, ms_to_90k(in.from_ms), ms_to_90k(in.to_ms));
  ASSERT_TRUE(clip);
  std::string played(clip->size, '\0');
  read_clip(*clip, 0, played.data(), played.size());
  EXPECT_EQ(back["clip-camera-1.mp4"], played);
  auto manifest = nlohmann::json::parse(back[kManifestName]);
  EXPECT_EQ(manifest["format"], kBundleFormat);
  EXPECT_EQ(manifest["signing"]["key_id"], key.key_id());
  EXPECT_TRUE(manifest["watermark"].is_null()) << "no watermark, and the manifest says so";
  EXPECT_EQ(manifest["files"][0]["sha256"], core::sha256_hex(played));
  EXPECT_TRUE(core::signature_valid(key.public_key(), back[kManifestName], back[kSignatureName].substr(0, back[kSignatureName].size() - 1)));
  std::string error;
  auto bundle = open_bundle(path, error);
  ASSERT_TRUE(bundle) << error;
  EXPECT_TRUE(verify_bundle(*bundle, key.public_key()).ok);

  // The link: the creator's, once, within its minute.
  auto token = exports.link(job.id);
  ASSERT_TRUE(token);
  auto slug_of = [&](const std::string& t, int64_t user) {
    try {
      exports.redeem(job.id, t, audit::Actor(user));
    } catch (const core::Problem& p) {
      return std::to_string(p.status()) + " " + p.slug();
    }
    return std::string("200");
  };
  EXPECT_EQ(slug_of(*token, someone_else).substr(0, 3), "404") << "another account";
  EXPECT_EQ(slug_of("not-the-token", creator).substr(0, 3), "404");
  EXPECT_EQ(slug_of(*token, creator), "200");
  EXPECT_EQ(slug_of(*token, creator), "410 export-link-used");
  EXPECT_FALSE(exports.link(job.id));
  auto fresh = exports.new_link(job.id, audit::Actor(creator));
  w.clock.advance(std::chrono::milliseconds(61'000));
  EXPECT_EQ(slug_of(fresh, creator), "410 export-link-expired");
  auto refused = w.db->query("SELECT details FROM audit_log WHERE action = 'evidence.export.download_refused'");
  EXPECT_EQ(refused.size(), 4u) << "each refusal is audited";
  EXPECT_EQ(w.db->query("SELECT 1 FROM audit_log WHERE action = 'evidence.export.download'").size(), 1u);
  exports.stop();
}

}  // namespace
}  // namespace watchfloor::video
