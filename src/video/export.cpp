#include "video/export.h"

#include <date/tz.h>
#include <fmt/format.h>

#include "core/error.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/random.h"
#include "store/work.h"
#include "video/bundle.h"
#include "video/evidence.h"
#include "video/playback.h"
#include "video/recorder.h"
#include "video/zip.h"

namespace watchfloor::video {
namespace {

using core::Problem;
using nlohmann::json;

const char* kSelect =
    "SELECT id, created_by, created_at, unit_id, camera_id, case_id, grant_id, from_ms, to_ms, watermark, state, progress, error, "
    "bytes, manifest_sha256, finished_at, link_hash, link_expires, link_used_at FROM exports";

ExportJob from_row(const store::Row& r) {
  ExportJob j;
  j.id = r.i64("id");
  j.created_by = r.i64("created_by");
  j.created_at = r.i64("created_at");
  j.camera_id = r.opt_i64("camera_id");
  j.case_id = r.opt_i64("case_id");
  j.grant_id = r.opt_i64("grant_id");
  j.from_ms = r.i64("from_ms");
  j.to_ms = r.i64("to_ms");
  j.watermark = r.opt_str("watermark");
  j.state = r.str("state");
  j.progress = r.i64("progress");
  j.error = r.opt_str("error");
  j.bytes = r.opt_i64("bytes");
  j.sha256 = r.opt_str("manifest_sha256");
  j.finished_at = r.opt_i64("finished_at");
  j.link_expires = r.opt_i64("link_expires");
  j.link_used = !r.is_null("link_used_at");
  return j;
}

// A clip as a ByteSource (the watermark's decoder reads it like a file).
class ClipBytes final : public ByteSource {
 public:
  ClipBytes(const Clip& c, Fs& fs) : c_(c), fs_(fs) {}
  uint64_t size() const override { return c_.size; }
  bool read(uint64_t offset, char* out, size_t n) override {
    if (offset > c_.size || n > c_.size - offset) return false;
    try {
      read_clip(c_, offset, out, n, fs_);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  const Clip& c_;
  Fs& fs_;
};

json opt_time(const std::optional<int64_t>& ms) { return ms ? json(core::iso8601(*ms)) : json(); }
json opt_id(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }

}  // namespace

std::string local_iso8601(int64_t ms, const std::string& time_zone) {
  date::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(ms)};
  try {
    return date::format("%FT%T%Ez", date::make_zoned(time_zone, t));
  } catch (const std::exception&) {
    return core::iso8601(ms);
  }
}

Exports::Exports(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, events::Bus& bus, Recorder& recorder,
                 const core::SigningKey& key, std::filesystem::path dir, std::filesystem::path evidence_dir, ExportOptions opt, Fs& fs)
    : db_(db), clock_(clock), audit_(audit), bus_(bus), recorder_(recorder), key_(key), dir_(std::move(dir)),
      evidence_dir_(std::move(evidence_dir)), opt_(opt), fs_(fs) {}

Exports::~Exports() { stop(); }

void Exports::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  // Nothing of a job outlives its process: what was queued or running then will not finish.
  db_.exec("UPDATE exports SET state = 'failed', error = 'the server stopped before the export finished', finished_at = ? "
           "WHERE state IN ('queued', 'running')",
           {clock_.now_ms()});
  started_ = true;
  stopping_ = false;
  worker_ = std::thread([this] { run(); });
}

void Exports::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard lock(mu_);
  started_ = false;
}

ExportJob Exports::submit(const ExportInput& in, const audit::Actor& by) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= opt_.queue)
      throw Problem(503, "export-queue-full", "Too many exports are waiting; try again in a few minutes",
                    "Đang có quá nhiều yêu cầu trích xuất chờ xử lý; vui lòng thử lại sau ít phút");
  }
  return store::Work::run(db_, [&](store::Work& w) {
    db_.exec("INSERT INTO exports(created_by, created_at, unit_id, camera_id, case_id, grant_id, from_ms, to_ms, watermark, state, progress) "
             "VALUES (?,?,?,?,?,?,?,?,?, 'queued', 0)",
             {by.user_id, clock_.now_ms(), in.unit_id, store::opt(in.camera_id), store::opt(in.case_id), store::opt(in.grant_id), in.from_ms,
              in.to_ms, store::opt(in.watermark)});
    auto job = *get(db_.last_insert_id());
    json items = json::array();
    for (const auto& it : in.items) {
      json d = it.describe;
      d["name"] = it.name;
      items.push_back(d);
    }
    audit_.append(by.event("evidence.export", "export", std::to_string(job.id), in.unit_id,
                           {{"camera_id", opt_id(in.camera_id)},
                            {"from", core::iso8601(in.from_ms)},
                            {"to", core::iso8601(in.to_ms)},
                            {"case_id", opt_id(in.case_id)},
                            {"grant_id", opt_id(in.grant_id)},
                            {"watermark", in.watermark ? json(*in.watermark) : json()},
                            {"items", items}}));
    w.after_commit([this, id = job.id, in] {
      {
        std::lock_guard lock(mu_);
        queue_.emplace_back(id, in);
      }
      cv_.notify_all();
    });
    return job;
  });
}

std::optional<ExportJob> Exports::get(int64_t id) {
  auto r = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

std::vector<ExportJob> Exports::list(int64_t user_id, int limit) {
  std::vector<ExportJob> out;
  for (const auto& r : db_.query(std::string(kSelect) + " WHERE created_by = ? ORDER BY id DESC LIMIT ?", {user_id, int64_t{limit}}))
    out.push_back(from_row(r));
  return out;
}

std::optional<std::string> Exports::link(int64_t id) {
  auto job = get(id);
  std::lock_guard lock(mu_);
  auto it = links_.find(id);
  if (it == links_.end() || !job || job->link_used || !job->link_expires || *job->link_expires <= clock_.now_ms()) return std::nullopt;
  return it->second;
}

std::string Exports::issue_link(int64_t id) {
  std::string token = core::random_token(24);
  db_.exec("UPDATE exports SET link_hash = ?, link_expires = ?, link_used_at = NULL WHERE id = ?",
           {core::sha256_hex(token), clock_.now_ms() + opt_.link_ms, id});
  std::lock_guard lock(mu_);
  links_[id] = token;
  return token;
}

std::string Exports::new_link(int64_t id, const audit::Actor& by) {
  auto job = get(id);
  if (!job || job->created_by != by.user_id) throw Problem::not_found("The export", "Bản trích xuất");
  if (job->state != "done") throw Problem::conflict("The export is not finished.", "Bản trích xuất chưa hoàn thành.");
  return store::Work::run(db_, [&](store::Work&) {
    auto token = issue_link(id);
    auto unit = db_.query_one("SELECT unit_id FROM exports WHERE id = ?", {id})->i64("unit_id");
    audit_.append(by.event("evidence.export.link", "export", std::to_string(id), unit, json::object()));
    return token;
  });
}

std::filesystem::path Exports::redeem(int64_t id, const std::string& token, const audit::Actor& by) {
  auto r = db_.query_one("SELECT created_by, unit_id, state, link_hash, link_expires, link_used_at FROM exports WHERE id = ?", {id});
  auto refuse = [&](const std::string& reason, Problem p) {
    store::Work::run(db_, [&](store::Work&) {
      audit_.append(by.event("evidence.export.download_refused", "export", std::to_string(id), r ? std::optional(r->i64("unit_id")) : std::nullopt,
                             {{"reason", reason}}));
    });
    throw p;
  };
  if (!r || r->i64("created_by") != by.user_id) refuse("not_found_or_another_account", Problem::not_found("The export", "Bản trích xuất"));
  if (r->str("state") != "done") refuse("not_finished", Problem::conflict("The export is not finished.", "Bản trích xuất chưa hoàn thành."));
  if (r->is_null("link_hash") || !core::secrets_equal(core::sha256_hex(token), r->str("link_hash")))
    refuse("wrong_token", Problem::not_found("The download link", "Liên kết tải"));
  if (!r->is_null("link_used_at"))
    refuse("link_used", Problem(410, "export-link-used", "This download link was used already; ask for a new one",
                                "Liên kết tải này đã được sử dụng; hãy tạo liên kết mới"));
  if (r->i64("link_expires") <= clock_.now_ms())
    refuse("link_expired", Problem(410, "export-link-expired", "This download link has expired; ask for a new one",
                                   "Liên kết tải đã hết hạn; hãy tạo liên kết mới"));
  auto path = dir_ / std::to_string(id) / "bundle.zip";
  store::Work::run(db_, [&](store::Work&) {
    // Spent here, in the same unit as its audit entry: two requests racing with one link get one download.
    if (db_.exec("UPDATE exports SET link_used_at = ? WHERE id = ? AND link_used_at IS NULL", {clock_.now_ms(), id}) != 1)
      throw Problem(410, "export-link-used", "This download link was used already; ask for a new one",
                    "Liên kết tải này đã được sử dụng; hãy tạo liên kết mới");
    audit_.append(by.event("evidence.export.download", "export", std::to_string(id), r->i64("unit_id"), json::object()));
  });
  std::lock_guard lock(mu_);
  links_.erase(id);
  return path;
}

BundleCheck Exports::verify(std::unique_ptr<ByteSource> bundle, int64_t unit_id, const audit::Actor& by) {
  std::string error;
  BundleCheck c;
  if (auto reader = zip_bundle(std::move(bundle), error)) {
    c = verify_bundle(*reader, key_.public_key());
  } else {
    c.reason_en = "Not an evidence bundle: " + error;
    c.reason_vi = "Không phải gói chứng cứ (tệp ZIP không đọc được)";
  }
  store::Work::run(db_, [&](store::Work&) {
    audit_.append(by.event("evidence.verify", "bundle", c.key_id, unit_id,
                           {{"ok", c.ok}, {"key_id", c.key_id}, {"signed_by_this_installation", c.signed_by_expected.value_or(false)},
                            {"reason", c.ok ? json() : json(c.reason_en)}}));
  });
  return c;
}

bool Exports::idle(int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return queue_.empty() && !busy_; });
}

void Exports::run() {
  for (;;) {
    std::pair<int64_t, ExportInput> next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    auto job = get(next.first);
    try {
      if (job) build(*job, next.second);
    } catch (const std::exception& e) {
      core::log_error(fmt::format("export {} failed: {}", next.first, e.what()));
      (void)fs_.unlink(dir_ / std::to_string(next.first) / "bundle.zip");
      try {
        finish(next.first, "failed", {{"error", e.what()}});
      } catch (const std::exception& e2) {
        core::log_error(fmt::format("export {}: cannot record the failure: {}", next.first, e2.what()));
      }
    }
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

void Exports::set_progress(const ExportJob& job, int64_t pct) {
  db_.exec("UPDATE exports SET progress = ?, state = 'running' WHERE id = ?", {pct, job.id});
  events::Event e;
  e.topic = "export.progress";
  e.read_action = auth::Action::authenticated;
  e.only_user = job.created_by;
  e.payload = {{"id", job.id}, {"state", "running"}, {"progress", pct}};
  bus_.publish(std::move(e));
}

void Exports::finish(int64_t id, const std::string& state, const json& result) {
  auto job = get(id);
  if (!job) return;
  db_.exec("UPDATE exports SET state = ?, progress = ?, error = ?, bytes = ?, manifest_sha256 = ?, finished_at = ? WHERE id = ?",
           {state, int64_t{state == "done" ? 100 : job->progress}, store::opt(result.contains("error") ? std::optional<std::string>(result["error"]) : std::nullopt),
            store::opt(result.contains("bytes") ? std::optional<int64_t>(result["bytes"].get<int64_t>()) : std::nullopt),
            store::opt(result.contains("manifest_sha256") ? std::optional<std::string>(result["manifest_sha256"]) : std::nullopt),
            clock_.now_ms(), id});
  if (state == "done") issue_link(id);
  events::Event e;
  e.topic = "export.progress";
  e.read_action = auth::Action::authenticated;
  e.only_user = job->created_by;
  e.payload = {{"id", id}, {"state", state}, {"progress", state == "done" ? 100 : job->progress}};
  if (result.contains("error")) e.payload["error"] = result["error"];
  bus_.publish(std::move(e));
}

void Exports::build(const ExportJob& job, const ExportInput& in) {
  set_progress(job, 0);
  auto& index = recorder_.index();
  // The clips first: their sizes are the measure of progress.
  std::vector<std::optional<Clip>> clips;
  uint64_t total = 1, done = 0;
  for (const auto& it : in.items) {
    if (it.kind != "clip") {
      clips.emplace_back();
      continue;
    }
    auto c = build_clip(index, index.stream(it.camera_id, "main").id, ms_to_90k(it.from_ms), ms_to_90k(it.to_ms));
    if (!c) throw std::runtime_error(fmt::format("nothing is recorded for {} any more", it.name));
    total += c->size;
    clips.push_back(std::move(c));
  }
  int64_t shown = 0;
  auto advance = [&](uint64_t bytes) {
    done += bytes;
    int64_t pct = int64_t(std::min<uint64_t>(99, done * 100 / total));
    if (pct != shown) set_progress(job, shown = pct);
  };

  auto dir = dir_ / std::to_string(job.id);
  make_dirs(fs_, dir).throw_if_error();
  auto path = dir / "bundle.zip";
  if (auto s = fs_.unlink(path); !s.ok() && s.code() != ENOENT) s.throw_if_error();
  std::unique_ptr<File> f;
  fs_.create_new(path, f).throw_if_error();
  ZipWriter zip(*f);
  const int64_t now = clock_.now_ms();
  json files = json::array();
  auto add = [&](const ExportItem& it, const std::function<void(const std::function<void(std::string_view)>&)>& produce) {
    zip.begin(it.name, now).throw_if_error();
    core::Sha256 h;
    uint64_t n = 0;
    produce([&](std::string_view b) {
      h.update(b);
      n += b.size();
      zip.write(b).throw_if_error();
    });
    zip.end().throw_if_error();
    json entry = {{"name", it.name}, {"bytes", n}, {"sha256", h.hex()}};
    entry.update(it.describe);
    files.push_back(entry);
  };

  for (size_t i = 0; i < in.items.size(); ++i) {
    const auto& it = in.items[i];
    if (it.kind == "clip") {
      const Clip& clip = *clips[i];
      if (!in.watermark) {
        // The fast path: the recorded bytes as they are.
        add(it, [&](const auto& sink) {
          std::string buf(1 << 20, '\0');
          for (uint64_t off = 0; off < clip.size;) {
            size_t k = size_t(std::min<uint64_t>(buf.size(), clip.size - off));
            read_clip(clip, off, buf.data(), k, fs_);
            sink(std::string_view(buf.data(), k));
            off += k;
            advance(k);
          }
        });
        continue;
      }
      auto tmp = dir / (it.name + ".tmp");
      (void)fs_.unlink(tmp);
      ClipBytes src(clip, fs_);
      std::string error;
      uint64_t base = done;
      bool ok = watermark_mp4(src, tmp, *in.watermark, opt_.watermark, [&](double frac) { advance(base + uint64_t(frac * double(clip.size)) - done); }, error);
      if (!ok) {
        (void)fs_.unlink(tmp);
        throw std::runtime_error(fmt::format("{}: {}", it.name, error));
      }
      auto marked = file_source(tmp, fs_);
      if (!marked) throw std::runtime_error("cannot read the watermarked clip " + tmp.string());
      add(it, [&](const auto& sink) {
        if (!read_entry(*marked, {it.name, 0, marked->size(), 0}, sink)) throw std::runtime_error("cannot read " + tmp.string());
      });
      marked.reset();
      if (auto s = fs_.unlink(tmp); !s.ok()) core::log_warn("export: " + s.message());
      continue;
    }
    std::string jpeg;
    if (it.stored_jpeg) {
      read_file(fs_, evidence_dir_ / *it.stored_jpeg, jpeg).throw_if_error();
      if (it.stored_sha256 && core::sha256_hex(jpeg) != *it.stored_sha256)
        throw std::runtime_error(fmt::format("the stored still {} is not what was attached (SHA-256 differs)", *it.stored_jpeg));
    } else {
      auto still = still_at(recorder_.index(), it.camera_id, it.at_ms);
      if (!still) throw std::runtime_error(fmt::format("no recorded frame for {}", it.name));
      jpeg = std::move(still->jpeg);
    }
    if (in.watermark) {
      std::string error;
      auto marked = watermark_jpeg(jpeg, *in.watermark, error);
      if (!marked) throw std::runtime_error(fmt::format("{}: {}", it.name, error));
      jpeg = std::move(*marked);
    }
    add(it, [&](const auto& sink) { sink(jpeg); });
  }

  json manifest = in.manifest;
  manifest["format"] = kBundleFormat;
  auto name = db_.query_one("SELECT value FROM installation WHERE key = 'name'");
  manifest["installation"] = {{"name", name ? json(name->str("value")) : json()}};
  // What the footage carries is the exporter's to say, whoever described the rest.
  manifest["watermark"] = in.watermark ? json{{"text", *in.watermark}, {"burned_in", true}} : json();
  manifest["exported_at"] = core::iso8601(now);
  manifest["signing"] = {{"algorithm", "Ed25519"}, {"key_id", key_.key_id()}, {"public_key", key_.public_key()}};
  manifest["files"] = files;
  std::string text = manifest_text(manifest);
  zip.begin(kManifestName, now).throw_if_error();
  zip.write(text).throw_if_error();
  zip.end().throw_if_error();
  zip.begin(kSignatureName, now).throw_if_error();
  zip.write(signature_text(key_.sign(text))).throw_if_error();
  zip.end().throw_if_error();
  zip.finish().throw_if_error();
  f->fsync().throw_if_error();
  f->close().throw_if_error();
  fs_.sync_dir(dir).throw_if_error();
  finish(job.id, "done", {{"bytes", int64_t(zip.bytes_written())}, {"manifest_sha256", core::sha256_hex(text)}});
}

json to_json(const ExportJob& j) {
  return {{"id", j.id},
          {"state", j.state},
          {"progress", j.progress},
          {"camera_id", opt_id(j.camera_id)},
          {"case_id", opt_id(j.case_id)},
          {"grant_id", opt_id(j.grant_id)},
          {"from", core::iso8601(j.from_ms)},
          {"to", core::iso8601(j.to_ms)},
          {"watermark", j.watermark ? json(*j.watermark) : json()},
          {"error", j.error ? json(*j.error) : json()},
          {"bytes", opt_id(j.bytes)},
          {"manifest_sha256", j.sha256 ? json(*j.sha256) : json()},
          {"created_by", j.created_by},
          {"created_at", core::iso8601(j.created_at)},
          {"finished_at", opt_time(j.finished_at)},
          {"link_expires_at", opt_time(j.link_expires)},
          {"link_used", j.link_used}};
}

}  // namespace watchfloor::video
