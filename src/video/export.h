#pragma once
// Evidence exports (docs/formats.md §15): a background worker builds one signed bundle at a time from a
// bounded queue — the clip(s) as recorded (the bytes of build_clip; re-encoded with a burned-in watermark
// when the export carries one), the stills, manifest.json and manifest.sig — under DATA/exports/{id}/, and
// reports its progress (0–100 by bytes, or frames when re-encoding) in the row and as an `export.progress`
// event to its creator alone. A job survives nothing: one queued or running when the process stopped is
// marked failed at the next start.
//
// The bundle is downloaded with a link token issued when the job finishes: the creator's only, valid once,
// for `link_ms`; a used or expired token is refused (410) and the refusal audited, as every download is.
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "core/signing.h"
#include "events/bus.h"
#include "store/db.h"
#include "video/bundle.h"
#include "video/fs.h"
#include "video/watermark.h"

namespace watchfloor::video {

class Recorder;

// One file of a bundle.
struct ExportItem {
  std::string kind;  // clip | snapshot
  int64_t camera_id = 0;
  int64_t from_ms = 0, to_ms = 0;         // a clip
  int64_t at_ms = 0;                      // a still
  std::optional<std::string> stored_jpeg;  // a still attached to a case: its file (else taken from the recording)
  std::optional<std::string> stored_sha256;
  std::string name;                       // in the bundle
  nlohmann::json describe = nlohmann::json::object();  // added to its manifest entry (camera, times, evidence id)
};

struct ExportInput {
  int64_t unit_id = 0;  // the camera's (or the case's) unit: where the export is audited
  std::optional<int64_t> camera_id, case_id, grant_id;
  int64_t from_ms = 0, to_ms = 0;
  std::optional<std::string> watermark;
  std::vector<ExportItem> items;
  // The manifest's descriptive fields (camera, site, unit, time_range, case, grant_id, exported_by); the exporter
  // adds format, installation, exported_at, watermark, signing and files.
  nlohmann::json manifest = nlohmann::json::object();
};

struct ExportJob {
  int64_t id = 0, created_by = 0, created_at = 0, progress = 0;
  std::string state;  // queued | running | done | failed
  std::optional<int64_t> camera_id, case_id, grant_id, bytes, finished_at, link_expires;
  int64_t from_ms = 0, to_ms = 0;
  std::optional<std::string> watermark, error, sha256;
  bool link_used = false;
};

struct ExportOptions {
  size_t queue = 8;              // jobs waiting beyond the running one; more: 503
  int64_t link_ms = 10 * 60'000;  // a download link's life
  WatermarkOptions watermark;
};

class Exports {
 public:
  Exports(store::Db& db, const core::Clock& clock, audit::AuditLog& audit, events::Bus& bus, Recorder& recorder,
          const core::SigningKey& key, std::filesystem::path dir, std::filesystem::path evidence_dir, ExportOptions opt,
          Fs& fs = posix_fs());
  ~Exports();
  Exports(const Exports&) = delete;
  Exports& operator=(const Exports&) = delete;

  // Marks what an earlier process left queued or running as failed, and starts the worker.
  void start();
  void stop();
  // Queues the job (audited "evidence.export" with camera, range, case, grant and watermark); 503 when the
  // queue is full.
  ExportJob submit(const ExportInput& in, const audit::Actor& by);
  std::optional<ExportJob> get(int64_t id);
  std::vector<ExportJob> list(int64_t user_id, int limit = 100);
  // The live download link of a finished job (it is kept in memory only; the row holds its hash).
  std::optional<std::string> link(int64_t id);
  // A new link for the creator's finished job, replacing the old one (audited "evidence.export.link").
  std::string new_link(int64_t id, const audit::Actor& by);
  // The bundle's file, for the job's creator holding its live link: 404 for another account or a wrong token,
  // 410 `export-link-used` / `export-link-expired`, 409 while it is not finished. Each refusal is audited
  // ("evidence.export.download_refused"), and so is the download ("evidence.export.download"); the link is
  // spent before the first byte is sent.
  std::filesystem::path redeem(int64_t id, const std::string& token, const audit::Actor& by);
  // A bundle someone brought to be checked (against this installation's key), audited ("evidence.verify" at
  // their unit, with the outcome).
  BundleCheck verify(std::unique_ptr<ByteSource> bundle, int64_t unit_id, const audit::Actor& by);
  // Waits until no job is queued or running (tests, the benchmark); false on timeout.
  bool idle(int64_t timeout_ms);

 private:
  void run();
  void build(const ExportJob& job, const ExportInput& in);
  void set_progress(const ExportJob& job, int64_t pct);
  void finish(int64_t id, const std::string& state, const nlohmann::json& result);
  std::string issue_link(int64_t id);

  store::Db& db_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  events::Bus& bus_;
  Recorder& recorder_;
  const core::SigningKey& key_;
  std::filesystem::path dir_, evidence_dir_;
  ExportOptions opt_;
  Fs& fs_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<int64_t, ExportInput>> queue_;
  std::map<int64_t, std::string> links_;  // job id -> live token
  bool busy_ = false, stopping_ = false, started_ = false;
  std::thread worker_;
};

nlohmann::json to_json(const ExportJob& j);
// The manifest's name for an ISO 8601 time in a zone ("2026-12-06T10:00:00.000+07:00").
std::string local_iso8601(int64_t ms, const std::string& time_zone);

}  // namespace watchfloor::video
