// Evidence: clips and stills attached to a case (for the people who act on the case and may play back the
// camera), signed export bundles with their one-time download links, and the verification of a bundle.
// Thin: parse, ask the policy, call video::Evidence / video::Exports (each call one audited unit of work).
#include <fmt/format.h>

#include "api/routes.h"
#include "core/json_body.h"
#include "core/tz.h"
#include "video/evidence.h"
#include "video/export.h"
#include "video/recorder.h"
#include "video/zip.h"

namespace watchfloor::api {
namespace {

// What an export of a camera's footage may be, decided in one place: who may take footage out, under which
// data-sharing grant, and with which watermark. Taking footage out is a download: by role, those who may play the
// camera back; under a grant (Art. 16.3), only a `download` grant covering the range. An export for anyone outside
// the unit that operates the camera (a grant's holder, the sector's watchers, another province) carries a visible
// watermark naming who took it, under which grant, and when.
struct ExportAuth {
  std::optional<int64_t> grant_id;
  std::optional<std::string> watermark;
};

ExportAuth authorise_export(http::Context& ctx, Services& s, const video::Camera& camera, int64_t from_ms, int64_t to_ms) {
  auth::Target t;
  t.span_ms = std::pair{from_ms, to_ms};
  t.download = true;
  ExportAuth out;
  out.grant_id = require_video(ctx, s, camera, auth::Action::video_playback, t);
  if (out.grant_id) s.grants.used(*out.grant_id);  // the export's audit entry names it
  const auto& p = ctx.principal();
  if (!out.grant_id && ctx.scope->contains(s.requests.operating_unit(camera.unit_id), p.unit_id)) return out;
  auto user = s.users.get(p.user_id);
  auto unit = s.units.get(p.unit_id);
  std::string at = video::local_iso8601(s.clock.now_ms(), std::string(core::kDefaultTimeZone));  // 2026-12-06T14:05:09+07:00
  std::string when = at.substr(8, 2) + "/" + at.substr(5, 2) + "/" + at.substr(0, 4) + " " + at.substr(11, 5);
  out.watermark = fmt::format("Trích xuất cho: {} – {}\n{}\nLúc {} (giờ Việt Nam)", user ? user->full_name : p.username,
                              unit ? unit->name_vi : "",
                              out.grant_id ? fmt::format("Theo quyền khai thác số {}", *out.grant_id) : std::string("Ngoài đơn vị quản lý camera"),
                              when);
  return out;
}

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

// The camera a body names: unknown, or hidden from the caller, is the field's error.
video::Camera body_camera(http::Context& ctx, Services& s, int64_t id) {
  auto c = s.catalog.camera(id);
  if (!c || !ctx.may(Action::camera_read, auth::Target::of_camera(c->unit_id, c->id))) throw Problem::field("camera_id", "Không có camera này", "No such camera");
  return *c;
}

std::string zone_of(Services& s, int64_t unit_id) {
  auto u = s.units.get(unit_id);
  return u && !u->time_zone.empty() ? u->time_zone : std::string(core::kDefaultTimeZone);
}

json evidence_json(Services& s, const video::EvidenceItem& e) {
  json j = video::to_json(e);
  if (auto c = s.catalog.camera(e.camera_id)) j["camera_name"] = c->name;
  return with_names(s, j);
}

// ---- evidence on a case --------------------------------------------------------------------------

http::Response list_evidence(http::Context& ctx, Services& s) {
  auto c = load_case(ctx, s);
  json items = json::array();
  for (const auto& e : s.evidence.list(c.id, query(ctx, "removed") == "true")) items.push_back(evidence_json(s, e));
  return http::Response::json(200, {{"items", items}, {"max_clip_minutes", s.evidence.max_clip_ms() / 60'000}});
}

http::Response attach_evidence(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"kind", "camera_id", "from", "to", "at", "note"});
  video::EvidenceInput in;
  auto kind = choice(b, "kind", Need::required, video::kEvidenceKinds);
  auto camera = b.integer("camera_id", Need::required);
  bool clip = kind == "clip";
  in.from_ms = time_field(b, "from", clip ? Need::required : Need::optional);
  in.to_ms = time_field(b, "to", clip ? Need::required : Need::optional);
  in.at_ms = time_field(b, "at", kind == "snapshot" ? Need::required : Need::optional);
  in.note = b.string("note", Need::optional, 2000).value_or("");
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  auto cam = body_camera(ctx, s, *camera);
  ctx.require(Action::video_playback, {cam.unit_id});
  in.case_id = c.id;
  in.camera_id = cam.id;
  in.kind = *kind;
  in.hold_reason = fmt::format("Chứng cứ của vụ việc {}{}", c.number, in.note.empty() ? "" : ": " + in.note);
  return http::Response::json(201, evidence_json(s, s.evidence.attach(in, c.unit_id, ctx.actor())));
}

http::Response remove_evidence(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body.empty() ? "{}" : ctx.req.body, {"reason"});
  auto reason = b.string("reason", Need::required, 2000);
  b.finish();
  auto c = load_case(ctx, s);
  ctx.require(Action::case_handle, case_target(ctx, s, c));
  auto e = s.evidence.get(ctx.id_param("eid"));
  if (!e || e->case_id != c.id) throw Problem::not_found("The evidence", "Chứng cứ");
  if (auto cam = s.catalog.camera(e->camera_id)) ctx.require(Action::video_playback, {cam->unit_id});
  return http::Response::json(200, evidence_json(s, s.evidence.remove(e->id, *reason, c.unit_id, ctx.actor())));
}

// ---- exports -------------------------------------------------------------------------------------

json camera_manifest(Services& s, const video::Camera& cam) {
  auto site = s.catalog.site(cam.site_id);
  auto unit = s.units.get(cam.unit_id);
  return {{"camera", {{"id", cam.id}, {"name", cam.name}}},
          {"site", site ? json{{"id", site->id}, {"name", site->name}, {"kind", site->kind}} : json()},
          {"unit", unit ? json{{"id", unit->id}, {"code", unit->code}, {"name", unit->name_vi}, {"time_zone", zone_of(s, unit->id)}} : json()}};
}

// What a case export or an export for a case names of the case.
json case_manifest(const supervision::Case& c) { return {{"id", c.id}, {"number", c.number}}; }

http::Response create_export(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"camera_id", "from", "to", "snapshots", "case_id"});
  auto camera_id = b.integer("camera_id", Need::optional);
  auto case_id = b.integer("case_id", camera_id ? Need::optional : Need::required);
  auto from = time_field(b, "from", camera_id ? Need::required : Need::optional);
  auto to = time_field(b, "to", camera_id ? Need::required : Need::optional);
  std::vector<int64_t> snapshots;
  if (const auto* list = b.raw("snapshots")) {
    if (!list->is_array() || list->size() > 50) b.error("snapshots", "Phải là danh sách thời điểm (tối đa 50)", "Must be a list of times (at most 50)");
    else
      for (size_t i = 0; i < list->size(); ++i) {
        auto ms = (*list)[i].is_string() ? core::parse_iso8601((*list)[i].get<std::string>()) : std::nullopt;
        if (!ms) b.error(fmt::format("snapshots[{}]", i), "Thời gian phải theo ISO 8601", "Time must be ISO 8601");
        else snapshots.push_back(*ms);
      }
  }
  if (!camera_id && (from || to || b.has("snapshots")))
    b.error("camera_id", "Chọn camera cho khoảng thời gian cần trích xuất", "Name the camera of the period to export");
  b.finish();
  const int64_t max_ms = s.evidence.max_clip_ms();
  std::optional<supervision::Case> kase;
  if (case_id) {
    auto c = s.cases.get(*case_id);
    if (!c || !ctx.may(Action::case_read, case_target(ctx, s, *c))) throw Problem::field("case_id", "Không có vụ việc này", "No such case");
    kase = *c;
  }
  auto principal = ctx.principal();
  auto me = s.users.get(principal.user_id);
  auto my_unit = s.units.get(principal.unit_id);
  video::ExportInput in;
  in.case_id = case_id;
  json manifest = {{"case", kase ? case_manifest(*kase) : json()},
                   {"exported_by", {{"user_id", principal.user_id}, {"username", principal.username},
                                    {"full_name", me ? me->full_name : ""},
                                    {"unit", my_unit ? json{{"id", my_unit->id}, {"name", my_unit->name_vi}} : json()}}}};
  std::optional<ExportAuth> auth;
  if (camera_id) {
    auto cam = body_camera(ctx, s, *camera_id);
    if (*to <= *from) throw Problem::field("to", "Thời điểm kết thúc phải sau thời điểm bắt đầu", "`to` must be after `from`");
    if (*to - *from > max_ms)
      throw Problem::field("to", fmt::format("Trích xuất tối đa {} phút một lần", max_ms / 60'000),
                           fmt::format("At most {} minutes at a time", max_ms / 60'000));
    auth = authorise_export(ctx, s, cam, *from, *to);
    if (!video::recorded_in(s.recorder.index(), cam.id, *from, *to))
      throw Problem::field("from", "Không có dữ liệu ghi hình của camera trong khoảng thời gian này",
                           "Nothing of this camera is recorded in this period");
    for (size_t i = 0; i < snapshots.size(); ++i)
      if (!video::recorded_in(s.recorder.index(), cam.id, snapshots[i] - 10'000, snapshots[i] + 10'000))
        throw Problem::field(fmt::format("snapshots[{}]", i), "Không có khung hình ghi trong vòng 10 giây quanh thời điểm này",
                             "No recorded frame within 10 s of this time");
    in.camera_id = cam.id, in.unit_id = cam.unit_id, in.from_ms = *from, in.to_ms = *to;
    manifest.update(camera_manifest(s, cam));
    const std::string tz = zone_of(s, cam.unit_id);
    manifest["time_range"] = {{"from", video::local_iso8601(*from, tz)}, {"to", video::local_iso8601(*to, tz)}};
    video::ExportItem clip{"clip", cam.id, *from, *to, 0, std::nullopt, std::nullopt, "clip-camera-" + std::to_string(cam.id) + ".mp4",
                           {{"kind", "clip"}, {"camera_id", cam.id}, {"from", video::local_iso8601(*from, tz)}, {"to", video::local_iso8601(*to, tz)}}};
    in.items.push_back(clip);
    for (size_t i = 0; i < snapshots.size(); ++i)
      in.items.push_back({"snapshot", cam.id, 0, 0, snapshots[i], std::nullopt, std::nullopt, fmt::format("snapshot-{}-camera-{}.jpg", i + 1, cam.id),
                          {{"kind", "snapshot"}, {"camera_id", cam.id}, {"at", video::local_iso8601(snapshots[i], tz)}}});
  } else {
    // All of the case's evidence: each camera's footage authorised as if exported alone.
    auto items = s.evidence.list(kase->id);
    if (items.empty()) throw Problem::field("case_id", "Vụ việc chưa có chứng cứ nào để trích xuất", "The case has no evidence to export");
    const std::string tz = zone_of(s, kase->unit_id);
    std::optional<int64_t> lo, hi, only_camera;
    bool one_camera = true;
    int n = 0;
    for (const auto& e : items) {
      auto cam = s.catalog.camera(e.camera_id);
      if (!cam) continue;
      int64_t a = e.from_ms.value_or(e.frame_ms.value_or(0)), z = e.to_ms.value_or(a + 1);
      auto ea = authorise_export(ctx, s, *cam, a, z);
      if (!auth || (!auth->watermark && ea.watermark)) auth = ea;
      lo = std::min(lo.value_or(a), a), hi = std::max(hi.value_or(z), z);
      if (only_camera && *only_camera != cam->id) one_camera = false;
      only_camera = cam->id;
      ++n;
      json d = {{"kind", e.kind}, {"camera_id", cam->id}, {"camera_name", cam->name}, {"evidence_id", e.id}, {"note", e.note}};
      if (e.kind == "clip") {
        d["from"] = video::local_iso8601(*e.from_ms, tz), d["to"] = video::local_iso8601(*e.to_ms, tz);
        in.items.push_back({"clip", cam->id, *e.from_ms, *e.to_ms, 0, std::nullopt, std::nullopt,
                            fmt::format("{:02}-clip-camera-{}.mp4", n, cam->id), d});
      } else {
        d["at"] = video::local_iso8601(*e.at_ms, tz), d["frame_time"] = video::local_iso8601(*e.frame_ms, tz);
        in.items.push_back({"snapshot", cam->id, 0, 0, *e.frame_ms, e.file, e.sha256, fmt::format("{:02}-snapshot-camera-{}.jpg", n, cam->id), d});
      }
    }
    if (in.items.empty()) throw Problem::field("case_id", "Vụ việc chưa có chứng cứ nào để trích xuất", "The case has no evidence to export");
    in.unit_id = kase->unit_id, in.from_ms = *lo, in.to_ms = *hi;
    if (one_camera) in.camera_id = only_camera;
    if (one_camera) manifest.update(camera_manifest(s, *s.catalog.camera(*only_camera)));
    else manifest.update({{"camera", json()}, {"site", json()}});
    auto unit = s.units.get(kase->unit_id);
    if (!one_camera || !manifest.contains("unit"))
      manifest["unit"] = unit ? json{{"id", unit->id}, {"code", unit->code}, {"name", unit->name_vi}, {"time_zone", tz}} : json();
    manifest["time_range"] = {{"from", video::local_iso8601(*lo, tz)}, {"to", video::local_iso8601(*hi, tz)}};
  }
  in.grant_id = auth ? auth->grant_id : std::nullopt;
  in.watermark = auth ? auth->watermark : std::nullopt;
  manifest["grant_id"] = in.grant_id ? json(*in.grant_id) : json();
  in.manifest = manifest;
  auto job = s.exports.submit(in, ctx.actor());
  return http::Response::json(202, with_names(s, video::to_json(job)));
}

video::ExportJob own_export(http::Context& ctx, Services& s) {
  auto job = s.exports.get(ctx.id_param());
  if (!job || job->created_by != ctx.principal().user_id) throw Problem::not_found("The export", "Bản trích xuất");
  return *job;
}

json export_json(Services& s, const video::ExportJob& job) {
  json j = with_names(s, video::to_json(job));
  auto token = s.exports.link(job.id);
  j["download_url"] = token ? json(fmt::format("/api/v1/exports/{}/bundle?token={}", job.id, *token)) : json();
  return j;
}

http::Response list_exports(http::Context& ctx, Services& s) {
  json items = json::array();
  for (const auto& job : s.exports.list(ctx.principal().user_id)) items.push_back(export_json(s, job));
  return http::Response::json(200, {{"items", items}});
}

http::Response get_export(http::Context& ctx, Services& s) { return http::Response::json(200, export_json(s, own_export(ctx, s))); }

http::Response new_export_link(http::Context& ctx, Services& s) {
  auto job = own_export(ctx, s);
  s.exports.new_link(job.id, ctx.actor());
  return http::Response::json(200, export_json(s, *s.exports.get(job.id)));
}

// The bundle as the server reads it, piece by piece.
class FileBody final : public http::BodySource {
 public:
  explicit FileBody(std::unique_ptr<video::ByteSource> src) : src_(std::move(src)) {}
  uint64_t size() const override { return src_->size(); }
  size_t read(uint64_t offset, char* out, size_t n) override {
    n = size_t(std::min<uint64_t>(n, src_->size() - std::min(offset, src_->size())));
    if (!src_->read(offset, out, n)) throw std::runtime_error("the export bundle cannot be read");
    return n;
  }

 private:
  std::unique_ptr<video::ByteSource> src_;
};

http::Response download_export(http::Context& ctx, Services& s) {
  auto token = query(ctx, "token");
  if (!token) throw Problem::field("token", "Thiếu mã liên kết tải", "The link's token is missing");
  auto path = s.exports.redeem(ctx.id_param(), *token, ctx.actor());
  auto src = video::file_source(path);
  if (!src) throw Problem(500, "export-missing", "The bundle's file is missing", "Không tìm thấy tệp của bản trích xuất");
  http::Response res;
  res.content_type = "application/zip";
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"watchfloor-export-{}.zip\"", ctx.id_param()));
  res.headers.emplace_back("Cache-Control", "no-store");
  res.source = std::make_shared<FileBody>(std::move(src));
  return res;
}

// Checking a bundle brought from elsewhere: anyone logged in inside customs.
http::Response verify_evidence(http::Context& ctx, Services& s) {
  if (auth::is_external(ctx.principal(), *ctx.scope)) throw Problem::forbidden();
  auto type = ctx.req.header("content-type");
  if (!ctx.req.body.empty() && type.rfind("application/zip", 0) != 0)
    throw Problem(415, "unsupported-media-type", "Send the bundle as application/zip", "Hãy gửi gói chứng cứ dạng application/zip",
                  "The body must be the bundle's ZIP file.", "Nội dung phải là tệp ZIP của gói chứng cứ.");
  auto check = s.exports.verify(video::memory_source(ctx.req.body), ctx.principal().unit_id, ctx.actor());
  return http::Response::json(200, video::to_json(check));
}

}  // namespace

void add_evidence_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/cases/{id}/evidence", Action::case_read, list_evidence},
    {"POST", "/api/v1/cases/{id}/evidence", Action::case_handle, attach_evidence},
    {"DELETE", "/api/v1/cases/{id}/evidence/{eid}", Action::case_handle, remove_evidence},
    // Exports are decided by authorise_export (the camera, later a data-sharing grant), not by a role.
    {"POST", "/api/v1/exports", Action::authenticated, create_export},
    {"GET", "/api/v1/exports", Action::authenticated, list_exports},
    {"GET", "/api/v1/exports/{id}", Action::authenticated, get_export},
    {"POST", "/api/v1/exports/{id}/link", Action::authenticated, new_export_link},
    {"GET", "/api/v1/exports/{id}/bundle", Action::authenticated, download_export},
  });
  r.add("POST", "/api/v1/evidence/verify", Action::authenticated, [&s](http::Context& ctx) { return verify_evidence(ctx, s); }).body_type =
      "application/zip";
}

}  // namespace watchfloor::api
