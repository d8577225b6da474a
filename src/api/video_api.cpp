// Sites and cameras. Reading them is for everyone inside customs within the site's unit and the units
// above it; changing them is for camera administrators in scope. Credentials go in, never out.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "api/routes.h"
#include "core/log.h"
#include "core/request_signature.h"
#include "http/client.h"
#include "store/work.h"
#include "video/catalog.h"
#include "video/evidence.h"
#include "video/nodes.h"
#include "video/playback.h"
#include "video/recorder.h"

namespace watchfloor::api {
namespace {

using auth::Action;
using core::Need;
using core::Problem;
using nlohmann::json;

// A number field that may be null: absent -> nullopt, null -> optional(nullopt).
std::optional<std::optional<double>> nullable_number(core::JsonBody& b, std::string_view f) {
  const auto* v = b.raw(f);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<double>();
  if (!v->is_number()) {
    b.error(b.path(f), "Phải là số", "Must be a number");
    return std::nullopt;
  }
  return std::optional<double>(v->get<double>());
}

video::SiteInput parse_site(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"unit_id", "kind", "name", "address", "latitude", "longitude"});
  Need need = create ? Need::required : Need::optional;
  video::SiteInput in;
  in.unit_id = b.integer("unit_id", need);
  in.kind = choice(b, "kind", need, video::kSiteKinds);
  in.name = b.string("name", need, 200);
  in.address = b.string("address", Need::optional, 500);
  in.latitude = nullable_number(b, "latitude");
  in.longitude = nullable_number(b, "longitude");
  b.finish();
  return in;
}

video::CameraInput parse_camera(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"site_id", "name", "owner", "owner_name", "connection", "main_url", "sub_url", "username",
                                        "password", "enabled", "retention_days", "retention_bytes", "record_sub",
                                        "sub_retention_days", "node_id"});
  Need need = create ? Need::required : Need::optional;
  video::CameraInput in;
  in.site_id = b.integer("site_id", need);
  in.name = b.string("name", need, 200);
  in.owner = choice(b, "owner", Need::optional, video::kOwners);
  in.owner_name = b.string("owner_name", Need::optional, 300);
  in.connection = choice(b, "connection", Need::optional, video::kConnections);
  in.main_url = b.string("main_url", need, 1000);
  if (const auto* sub = b.raw("sub_url")) in.sub_url = sub->is_null() ? std::optional<std::string>() : b.string("sub_url", Need::optional, 1000);
  in.enabled = b.boolean("enabled", Need::optional);
  in.retention_days = b.integer("retention_days", Need::optional);
  in.retention_bytes = b.integer("retention_bytes", Need::optional);
  in.record_sub = b.boolean("record_sub", Need::optional);
  in.sub_retention_days = b.integer("sub_retention_days", Need::optional);
  in.node_id = b.nullable_integer("node_id");
  // Credentials come as a pair; null username removes them. They are sealed before they are stored.
  const auto* user = b.raw("username");
  if (user && user->is_null()) {
    in.credentials = std::optional<std::pair<std::string, std::string>>();
  } else if (user || b.has("password")) {
    auto u = b.string("username", Need::required, 200);
    auto p = b.string("password", Need::required, 200);
    if (u && p) in.credentials = std::pair{*u, *p};
  }
  b.finish();
  return in;
}

video::Site load_site(http::Context& ctx, Services& s) {
  auto site = s.catalog.site(ctx.id_param());
  if (!site || !ctx.may(Action::camera_read, {site->unit_id})) throw Problem::not_found("The site", "Địa điểm");
  return *site;
}

// The site a camera is put at must be one the caller administers.
void require_site_write(http::Context& ctx, Services& s, int64_t site_id) {
  auto site = s.catalog.site(site_id);
  if (!site || !ctx.may(Action::camera_read, {site->unit_id})) throw Problem::not_found("The site", "Địa điểm");
  ctx.require(Action::camera_write, {site->unit_id});
}

json site_json(Services& s, const video::Site& site) { return with_names(s, video::to_json(site)); }
// `states`: the states of the cameras recorded by nodes, when a list has them already (Nodes::statuses).
json camera_json(Services& s, const video::Camera& c, const std::map<int64_t, video::CameraStatus>* states = nullptr) {
  json j = video::to_json(c);
  if (auto st = camera_status(s, c, states)) j.update(video::to_json(*st));
  return with_names(s, j);
}

// A camera as the caller may see it. Seen only through a data-sharing grant (Art. 16.3): its name, place and
// state, and the grant's window — not its addresses, credentials or retention.
json camera_json(http::Context& ctx, Services& s, const video::Camera& c,
                 const std::map<int64_t, video::CameraStatus>* states = nullptr) {
  json j = camera_json(s, c, states);
  auto grant = auth::via_grant(ctx.principal(), Action::camera_read, auth::Target::of_camera(c.unit_id, c.id), *ctx.scope);
  if (!grant) return j;
  json shown = json::object();
  for (const char* k : {"id", "name", "site_id", "unit_id", "unit_name", "unit_name_en", "owner", "owner_name", "enabled", "state",
                        "state_since", "live"})
    if (j.contains(k)) shown[k] = j[k];
  if (auto rec = s.grants.get(*grant)) {
    json w = sharing::to_json(*rec, s.clock.now_ms());
    shown["grant"] = {{"id", rec->id},       {"expires_at", w["expires_at"]}, {"from", w["from"]},
                      {"to", w["to"]},       {"mode", w["mode"]},             {"data_types", w["data_types"]}};
  }
  return shown;
}

int64_t stream_id(Services& s, const video::Camera& c, const std::string& kind) { return s.recorder.index().stream(c.id, kind).id; }

json span_json(int64_t start_90k, std::optional<int64_t> end_90k) {
  return {{"start", core::iso8601(video::t90k_to_ms(start_90k))},
          {"end", end_90k ? json(core::iso8601(video::t90k_to_ms(*end_90k))) : json()},
          {"start_90k", start_90k},
          {"end_90k", end_90k ? json(*end_90k) : json()}};
}

// A clip served with HTTP Range (one range; several answer the whole body).
class ClipSource final : public http::BodySource {
 public:
  ClipSource(video::Clip clip, uint64_t offset, uint64_t length) : clip_(std::move(clip)), offset_(offset), length_(length) {}
  uint64_t size() const override { return length_; }
  size_t read(uint64_t offset, char* out, size_t n) override { return video::read_clip(clip_, offset_ + offset, out, n); }

 private:
  video::Clip clip_;
  uint64_t offset_, length_;
};

inline constexpr const char* kOutageStates[] = {"open", "closed", "all"};

// The node's answer to `target` (the span as this server resolved it, so that the node serves exactly what was
// allowed), with the browser's Range and If-Range. A node that refuses the signature is this installation's
// fault, not the user's: it must not reach the console as a 401, which means "log in again".
http::Response from_node(Services& s, const video::NodeEndpoint& ep, const std::string& target, const http::Request& req) {
  auto headers = core::sign_request(ep.key, "GET", target, s.clock.now_ms());
  for (const char* h : {"Range", "If-Range"})
    if (auto v = req.header(h); !v.empty()) headers.emplace_back(h, v);
  auto res = http::fetch(node_target(s, ep), "GET", target, std::move(headers));
  if (res.status == 401) {
    core::log_json({{"event", "node.refused"}, {"node", ep.name}, {"target", target}});
    throw Problem(502, "recorder-refused", "The recorder node refused this server's request", "Máy ghi hình từ chối yêu cầu của máy chủ",
                  fmt::format("The recorder node {} did not accept the signature: its key or its clock differs from this "
                              "server's. An administrator should check the node.", ep.name),
                  fmt::format("Máy ghi hình {} không chấp nhận chữ ký: khoá hoặc đồng hồ của máy ghi hình khác với máy chủ này. "
                              "Quản trị viên cần kiểm tra máy ghi hình.", ep.name));
  }
  return res;
}

// A clip from the node holding it: the node's answer, and what the audit names from its X-Clip-* headers, which
// stay between the servers.
ServedClip clip_from_node(Services& s, const video::NodeEndpoint& ep, int64_t camera_id, const std::string& kind,
                          int64_t from_90k, int64_t to_90k, bool download, const http::Request& req) {
  std::string target = fmt::format("/node/v1/cameras/{}/media.mp4?from={}&to={}&stream={}{}", camera_id,
                                    core::iso8601(video::t90k_to_ms(from_90k)), core::iso8601(video::t90k_to_ms(to_90k)), kind,
                                    download ? "&download=1" : "");
  ServedClip out;
  out.res = from_node(s, ep, target, req);
  out.etag = out.res.header("ETag");
  out.first_frame = out.res.header("X-Recording-Start");
  std::string segments = out.res.header("X-Clip-Segments");
  for (size_t at = 0; at < segments.size();) {
    size_t comma = std::min(segments.find(',', at), segments.size());
    if (auto id = parse_int(segments.substr(at, comma - at), 1, INT64_MAX)) out.segments.push_back(*id);
    at = comma + 1;
  }
  out.bytes = parse_int(out.res.header("X-Clip-Bytes"), 0, INT64_MAX).value_or(0);
  std::erase_if(out.res.headers, [](const auto& h) {
    std::string lower = h.first;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.rfind("x-clip-", 0) == 0;
  });
  return out;
}

}  // namespace

std::pair<int64_t, int64_t> span_90k(const http::Context& ctx, const core::Clock& clock, int64_t default_ms, int64_t max_ms) {
  int64_t to = query_time(ctx, "to", clock.now_ms());
  int64_t from = query_time(ctx, "from", to - default_ms);
  if (to <= from) throw Problem::field("to", "Thời điểm kết thúc phải sau thời điểm bắt đầu", "`to` must be after `from`");
  if (to - from > max_ms)
    throw Problem::field("to", fmt::format("Khoảng thời gian tối đa {} giờ", max_ms / 3'600'000),
                         fmt::format("At most {} hours at a time", max_ms / 3'600'000));
  return {video::ms_to_90k(from), video::ms_to_90k(to)};
}

http::ClientTarget node_target(Services& s, const video::NodeEndpoint& ep) {
  return http::ClientTarget::parse(ep.address, s.config.nodes.tls, s.config.nodes.ca_file, ep.name);
}

ServedClip serve_clip(video::Recorder& recorder, int64_t camera_id, const std::string& kind, int64_t from_90k, int64_t to_90k,
                      bool download, const http::Request& req) {
  // Instant replay: the segment being written plays too, up to its last fragment in the file.
  auto clip = video::build_clip(recorder.index(), recorder.index().stream(camera_id, kind).id, from_90k, to_90k,
                                recorder.open_segment(camera_id, kind));
  if (!clip) throw Problem(404, "no-recording", "Nothing is recorded in this period", "Không có dữ liệu ghi hình trong khoảng thời gian này");
  ServedClip out;
  out.etag = clip->etag;
  out.first_frame = core::iso8601(video::t90k_to_ms(clip->first_frame_90k));
  out.segments = clip->segment_ids;
  out.bytes = static_cast<int64_t>(clip->size);
  uint64_t size = clip->size;
  std::optional<std::pair<uint64_t, uint64_t>> range;
  std::string if_range = req.header("if-range");
  if (if_range.empty() || if_range == clip->etag) range = http::parse_byte_range(req.header("range"), size);
  auto& res = out.res;
  res.content_type = "video/mp4";
  res.with_header("Accept-Ranges", "bytes").with_header("ETag", clip->etag);
  res.with_header("X-Recording-Start", out.first_frame);
  // Where the clip ends: asked again with this as `to`, a clip reaching into the segment being
  // written is the same bytes however much has been recorded since (a player's Range requests).
  res.with_header("X-Recording-End", core::iso8601(video::t90k_to_ms(clip->end_90k)));
  res.with_header("Cache-Control", "private, max-age=3600");
  if (download)
    res.with_header("Content-Disposition", fmt::format("attachment; filename=\"camera-{}-{}.mp4\"", camera_id, out.first_frame));
  if (range) {
    res.status = 206;
    res.with_header("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->first + range->second - 1, size));
    res.source = std::make_shared<ClipSource>(std::move(*clip), range->first, range->second);
  } else {
    res.source = std::make_shared<ClipSource>(std::move(*clip), 0, size);
  }
  return out;
}

ServedStill serve_still(video::Recorder& recorder, int64_t camera_id, int64_t at_ms, const std::string& kind) {
  auto still = video::still_at(recorder.index(), camera_id, at_ms, kind);
  if (!still) throw Problem(404, "no-recording", "No recorded frame within 10 s of this time", "Không có khung hình ghi trong vòng 10 giây quanh thời điểm này");
  ServedStill out;
  out.frame_time = core::iso8601(still->frame_ms);
  out.res.content_type = "image/jpeg";
  out.res.body = std::move(still->jpeg);
  out.res.with_header("X-Frame-Time", out.frame_time);
  return out;
}

std::optional<video::CameraStatus> camera_status(Services& s, const video::Camera& c,
                                                 const std::map<int64_t, video::CameraStatus>* on_nodes) {
  if (!c.recording_node_id) return s.recorder.status(c.id);
  if (!on_nodes) return s.nodes.status(c);
  auto it = on_nodes->find(c.id);
  return it == on_nodes->end() ? std::nullopt : std::optional(it->second);
}

std::string stream_kind(const http::Context& ctx) { return query_choice(ctx, "stream", video::kStreamKinds).value_or("main"); }

video::Camera load_camera(http::Context& ctx, Services& s) {
  auto cam = s.catalog.camera(ctx.id_param());
  if (!cam) throw Problem::not_found("The camera", "Camera");
  auto t = auth::Target::of_camera(cam->unit_id, cam->id);
  if (!ctx.may(Action::camera_read, t)) {
    if (auto why = auth::grant_shortfall(ctx.principal(), Action::camera_read, t)) s.grants.refuse(*why, "camera", cam->id, cam->unit_id, {}, ctx.actor());
    throw Problem::not_found("The camera", "Camera");
  }
  return *cam;
}

void record_use(Services& s, const video::Camera& c, const std::string& action, json details, std::optional<int64_t> grant,
                const audit::Actor& by) {
  if (grant) details["grant_id"] = *grant;
  s.catalog.used(c, action, details, by);
  if (grant) s.grants.used(*grant);
}

std::optional<int64_t> require_video(http::Context& ctx, Services& s, const video::Camera& c, auth::Action a, auth::Target t) {
  t.camera = c.id;
  t.unit = c.unit_id;
  const auto& p = ctx.principal();
  if (ctx.may(a, t)) return auth::via_grant(p, a, t, *ctx.scope);
  if (auto why = auth::grant_shortfall(p, a, t)) {
    json details = {{"action", a == Action::video_live ? "live" : t.snapshot ? "snapshot" : t.download ? "download" : "playback"}};
    if (t.span_ms) details["from"] = core::iso8601(t.span_ms->first), details["to"] = core::iso8601(t.span_ms->second);
    s.grants.refuse(*why, "camera", c.id, c.unit_id, details, ctx.actor());
  }
  throw Problem::forbidden();
}

namespace {

http::Response list_sites(http::Context& ctx, Services& s) {
  json items = json::array();
  for (const auto& site : s.catalog.sites(query_id(ctx, "unit")))
    if (ctx.may(Action::camera_read, {site.unit_id})) items.push_back(site_json(s, site));
  return http::Response::json(200, {{"items", items}});
}

http::Response create_site(http::Context& ctx, Services& s) {
  auto in = parse_site(ctx.req.body, true);
  if (s.units.tree()->exists(*in.unit_id)) ctx.require(Action::camera_write, {*in.unit_id});
  return http::Response::json(201, site_json(s, s.catalog.create_site(in, ctx.actor())));
}

http::Response get_site(http::Context& ctx, Services& s) {
  return http::Response::json(200, site_json(s, load_site(ctx, s)));
}

http::Response update_site(http::Context& ctx, Services& s) {
  auto in = parse_site(ctx.req.body, false);
  auto site = load_site(ctx, s);
  ctx.require(Action::camera_write, {site.unit_id});
  if (in.unit_id && s.units.tree()->exists(*in.unit_id)) ctx.require(Action::camera_write, {*in.unit_id});
  return http::Response::json(200, site_json(s, s.catalog.update_site(site.id, in, ctx.actor())));
}

http::Response delete_site(http::Context& ctx, Services& s) {
  auto site = load_site(ctx, s);
  ctx.require(Action::camera_write, {site.unit_id});
  s.catalog.remove_site(site.id, ctx.actor());
  return http::Response::no_content();
}

http::Response list_cameras(http::Context& ctx, Services& s) {
  auto pg = page(ctx);
  video::Catalog::Query q{query_id(ctx, "site"), query_id(ctx, "unit"),
                          auth::scope_roots(ctx.principal(), Action::camera_read, *ctx.scope), std::nullopt, pg.limit};
  if (pg.after) {
    const json& k = *pg.after;
    if (k.size() != 3 || !k[0].is_string() || !k[1].is_string() || !k[2].is_number_integer())
      throw Problem::field("cursor", "Con trỏ trang không hợp lệ", "Not a valid page cursor");
    q.after = std::tuple{k[0].get<std::string>(), k[1].get<std::string>(), k[2].get<int64_t>()};
  }
  auto cameras = s.catalog.cameras(q);
  auto states = s.nodes.statuses(cameras);
  json items = json::array();
  std::set<int64_t> listed;
  for (const auto& c : cameras)
    if (ctx.may(Action::camera_read, auth::Target::of_camera(c.unit_id, c.id)))
      items.push_back(camera_json(ctx, s, c, &states)), listed.insert(c.id);
  // Art. 16.3: the cameras a grant gives, on the first page.
  if (!pg.after)
    for (const auto& g : ctx.principal().data_grants)
      for (int64_t id : g.lapsed ? std::vector<int64_t>{} : g.cameras)
        if (auto c = s.catalog.camera(id); c && !listed.count(id) && (!q.site_id || *q.site_id == c->site_id)) {
          items.push_back(camera_json(ctx, s, *c));
          listed.insert(id);
        }
  json last;
  if (!cameras.empty())
    if (auto site = s.catalog.site(cameras.back().site_id)) last = json::array({site->name, cameras.back().name, cameras.back().id});
  return http::Response::json(200, paged(std::move(items), pg, cameras.size(), last));
}

http::Response create_camera(http::Context& ctx, Services& s) {
  auto in = parse_camera(ctx.req.body, true);
  require_site_write(ctx, s, *in.site_id);
  auto c = store::Work::run(s.db, [&](store::Work&) {
    auto created = s.catalog.create_camera(in, ctx.actor());
    if (in.node_id) s.nodes.assign(created.id, *in.node_id, ctx.actor());
    return *s.catalog.camera(created.id);
  });
  s.recorder.sync(c.id);
  return http::Response::json(201, camera_json(s, c));
}

http::Response get_camera(http::Context& ctx, Services& s) {
  return http::Response::json(200, camera_json(ctx, s, load_camera(ctx, s)));
}

http::Response update_camera(http::Context& ctx, Services& s) {
  auto in = parse_camera(ctx.req.body, false);
  auto c = load_camera(ctx, s);
  ctx.require(Action::camera_write, {c.unit_id});
  if (in.site_id) require_site_write(ctx, s, *in.site_id);
  c = store::Work::run(s.db, [&](store::Work&) {
    s.catalog.update_camera(c.id, in, ctx.actor());
    if (in.node_id) s.nodes.assign(c.id, *in.node_id, ctx.actor());
    return *s.catalog.camera(c.id);
  });
  s.recorder.sync(c.id);
  return http::Response::json(200, camera_json(s, c));
}

http::Response delete_camera(http::Context& ctx, Services& s) {
  auto c = load_camera(ctx, s);
  ctx.require(Action::camera_write, {c.unit_id});
  s.recorder.retention().check_removable(c.id);  // before recording stops
  s.recorder.stop_camera(c.id);
  s.recorder.retention().remove_camera(c.id);
  s.catalog.remove_camera(c.id, ctx.actor());
  s.recorder.sync(c.id);
  return http::Response::no_content();
}

// "Test connection": what the camera sends, or why it cannot be reached. Audited (it uses the credentials).
http::Response probe_camera(http::Context& ctx, Services& s) {
  auto c = load_camera(ctx, s);
  ctx.require(Action::camera_write, {c.unit_id});
  video::RtspOptions o;
  if (auto cr = s.catalog.credentials(c.id, c.main_url)) o.credentials = std::pair{cr->username, cr->password};
  auto res = video::probe(c.main_url, o, 3.0);
  json out = res.ok ? json{{"ok", true}, {"stream", "main"}, {"codec", res.codec}, {"width", res.width}, {"height", res.height},
                           {"fps", std::round(res.fps * 10) / 10}, {"kbps", std::round(res.kbps)}}
                    : json{{"ok", false}, {"stream", "main"}, {"code", res.failure.code},
                           {"reason", {{"vi", res.failure.vi}, {"en", res.failure.en}}}};
  s.catalog.used(c, "camera.probe", out, ctx.actor());
  return http::Response::json(200, out);
}

// Under a grant (Art. 16.3), the part of [from, to) inside the grant's window; the whole span otherwise.
std::pair<int64_t, int64_t> within_grant(const http::Context& ctx, std::optional<int64_t> grant, int64_t from_90k, int64_t to_90k) {
  for (const auto& g : ctx.principal().data_grants)
    if (grant && g.id == *grant && g.from_ms && g.to_ms) {
      from_90k = std::max(from_90k, video::ms_to_90k(*g.from_ms));
      to_90k = std::max(from_90k, std::min(to_90k, video::ms_to_90k(*g.to_ms)));
    }
  return {from_90k, to_90k};
}


http::Response list_recordings(http::Context& ctx, Services& s) {
  auto c = load_camera(ctx, s);
  auto grant = require_video(ctx, s, c, Action::video_playback, {});
  auto asked = span_90k(ctx, s.clock, 86'400'000, 31LL * 86'400'000);
  auto [from, to] = within_grant(ctx, grant, asked.first, asked.second);
  auto kind = stream_kind(ctx);
  int64_t stream = stream_id(s, c, kind);
  // Segments coalesced per run: what a timeline draws. Neither segments nor gaps are clipped.
  json segs = json::array();
  for (const auto& seg : s.recorder.index().segments(stream, from, to)) {
    if (seg.state != "ok") continue;
    if (!segs.empty() && segs.back()["run_id"] == seg.run_id && segs.back()["end_90k"] == seg.start_90k) {
      auto& b = segs.back();
      b["end_90k"] = seg.end_90k;
      b["end"] = core::iso8601(video::t90k_to_ms(seg.end_90k));
      b["bytes"] = b["bytes"].get<int64_t>() + seg.bytes;
      b["frames"] = b["frames"].get<int64_t>() + seg.frames;
      b["recovered"] = b["recovered"].get<bool>() || (seg.flags & 1);
      continue;
    }
    json j = span_json(seg.start_90k, seg.end_90k);
    j.update({{"run_id", seg.run_id}, {"bytes", seg.bytes}, {"frames", seg.frames}, {"recovered", bool(seg.flags & 1)}});
    segs.push_back(j);
  }
  for (auto& j : segs) j.erase("run_id");
  // The segment being written is not in the index yet: while recording, the timeline grows to now.
  auto st = kind == "main" || c.record_sub ? camera_status(s, c) : std::nullopt;
  if (st && st->recording && to > video::ms_to_90k(st->since_ms)) {
    int64_t start = video::ms_to_90k(st->since_ms), now = video::ms_to_90k(s.clock.now_ms());
    if (!segs.empty() && segs.back()["end_90k"].get<int64_t>() > start) {
      segs.back()["live"] = true;
      start = segs.back()["end_90k"].get<int64_t>();
      segs.back()["end_90k"] = now;
      segs.back()["end"] = core::iso8601(video::t90k_to_ms(now));
    } else if (now > start) {
      json j = span_json(start, now);
      j.update({{"bytes", 0}, {"frames", 0}, {"recovered", false}, {"live", true}});
      segs.push_back(j);
    }
  }
  json gaps = json::array();
  for (const auto& g : s.recorder.index().gaps(stream, from, to)) {
    json j = span_json(g.start_90k, g.end_90k);
    j["cause"] = g.cause;
    gaps.push_back(j);
  }
  record_use(s, c, "video.recordings",
             {{"from", core::iso8601(video::t90k_to_ms(from))}, {"to", core::iso8601(video::t90k_to_ms(to))}}, grant, ctx.actor());
  return http::Response::json(200, {{"segments", segs}, {"gaps", gaps}});
}

http::Response media(http::Context& ctx, Services& s) {
  auto c = load_camera(ctx, s);
  auto [from, to] = span_90k(ctx, s.clock, 3'600'000, 24LL * 3'600'000);
  // ?download=1: saved as a file (Content-Disposition: attachment), which a view-only grant does not give.
  bool download = query(ctx, "download") == "1";
  auth::Target t;
  t.span_ms = std::pair{video::t90k_to_ms(from), video::t90k_to_ms(to)};
  t.download = download;
  auto grant = require_video(ctx, s, c, Action::video_playback, t);
  auto kind = stream_kind(ctx);
  auto clip = [&] {
    if (auto ep = s.nodes.playback_endpoint(c, kind, from, to)) return clip_from_node(s, *ep, c.id, kind, from, to, download, ctx.req);
    return serve_clip(s.recorder, c.id, kind, from, to, download, ctx.req);
  }();
  if (clip.res.status >= 300) return std::move(clip.res);  // the node's 404 or 416: nothing was served
  // One audit entry per clip and session; the Range requests of a playing video are not re-audited.
  std::string key = clip.etag + ctx.req.cookie("wf_session");
  static std::mutex mu;
  static std::set<std::string> seen;
  bool first;
  {
    std::lock_guard lock(mu);
    if (seen.size() > 10'000) seen.clear();
    first = seen.insert(key).second;
  }
  if (first) {
    record_use(s, c, download ? "video.download" : "video.playback",
               {{"from", core::iso8601(video::t90k_to_ms(from))},
                {"to", core::iso8601(video::t90k_to_ms(to))},
                {"first_frame", clip.first_frame},
                {"segments", clip.segments},
                {"bytes", clip.bytes}},
               grant, ctx.actor());
  }
  return std::move(clip.res);
}

http::Response snapshot(http::Context& ctx, Services& s) {
  auto c = load_camera(ctx, s);
  int64_t at = query_time(ctx, "at", s.clock.now_ms());
  auth::Target t;
  t.span_ms = std::pair{at, at};
  t.snapshot = true;
  auto grant = require_video(ctx, s, c, Action::video_playback, t);
  auto kind = stream_kind(ctx);
  ServedStill still;
  if (auto ep = s.nodes.playback_endpoint(c, kind, video::ms_to_90k(at), video::ms_to_90k(at))) {
    still.res = from_node(s, *ep, fmt::format("/node/v1/cameras/{}/snapshot.jpg?at={}&stream={}", c.id, core::iso8601(at), kind), ctx.req);
    still.frame_time = still.res.header("X-Frame-Time");
  } else {
    still = serve_still(s.recorder, c.id, at, kind);
  }
  if (still.res.status >= 300) return std::move(still.res);
  record_use(s, c, "video.snapshot", {{"at", core::iso8601(at)}, {"frame_time", still.frame_time}}, grant, ctx.actor());
  return std::move(still.res);
}

// Outages of enterprise cameras (sự cố camera doanh nghiệp), newest first; read like the cameras.
http::Response camera_outages(http::Context& ctx, Services& s) {
  std::string state = query_choice(ctx, "state", kOutageStates).value_or("open");
  auto camera = query_id(ctx, "camera");
  std::map<int64_t, video::Camera> readable;
  for (const auto& c : s.catalog.cameras(query_id(ctx, "site"), std::nullopt))
    if (ctx.may(Action::camera_read, {c.unit_id}) && (!camera || c.id == *camera)) readable.emplace(c.id, c);
  int64_t now = s.clock.now_ms();
  std::map<int64_t, std::string> site_names;
  for (const auto& site : s.catalog.sites(std::nullopt)) site_names[site.id] = site.name;
  json items = json::array();
  for (const auto& o : s.catalog.outages(state)) {
    auto it = readable.find(o.camera_id);
    if (it == readable.end()) continue;
    const auto& c = it->second;
    items.push_back({{"id", o.id},
                     {"camera_id", c.id},
                     {"camera_name", c.name},
                     {"site_id", c.site_id},
                     {"site_name", site_names[c.site_id]},
                     {"unit_id", c.unit_id},
                     {"owner_name", o.owner_name},
                     {"started_at", core::iso8601(o.started_ms)},
                     {"ended_at", o.ended_ms ? json(core::iso8601(*o.ended_ms)) : json()},
                     {"repair_due_at", core::iso8601(o.repair_due_ms)},
                     {"overdue", o.overdue(now)},
                     {"duration_s", (o.ended_ms.value_or(now) - o.started_ms) / 1000}});
  }
  return http::Response::json(200, with_names(s, json{{"items", items}}));
}

// Evidence holds (giữ dữ liệu làm chứng cứ).
http::Response list_holds(http::Context& ctx, Services& s) {
  auto camera = query_id(ctx, "camera");
  json items = json::array();
  std::map<int64_t, std::optional<video::Camera>> cameras;  // holds cluster on a few cameras: read each once
  for (const auto& h : s.recorder.retention().holds(camera, false)) {
    auto [it, fresh] = cameras.try_emplace(h.camera_id);
    if (fresh) it->second = s.catalog.camera(h.camera_id);
    const auto& c = it->second;
    if (!c || !ctx.may(Action::camera_read, {c->unit_id})) continue;
    json j = video::to_json(h);
    j["camera_name"] = c->name;
    if (h.case_id)
      if (auto number = s.cases.number_of(*h.case_id)) j["case_number"] = *number;
    items.push_back(with_names(s, j));
  }
  return http::Response::json(200, {{"items", items}});
}

http::Response create_hold(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body, {"camera_id", "from", "to", "reason", "case_id", "holder_id"});
  video::HoldInput in;
  auto cam = b.integer("camera_id", Need::required);
  auto from = b.string("from", Need::required, 40);
  auto to = b.string("to", Need::required, 40);
  auto reason = b.string("reason", Need::required, 2000);
  in.case_id = b.integer("case_id", Need::optional);
  auto holder = b.integer("holder_id", Need::optional);
  auto from_ms = from ? core::parse_iso8601(*from) : std::nullopt;
  auto to_ms = to ? core::parse_iso8601(*to) : std::nullopt;
  if (from && !from_ms) b.error("from", "Thời điểm không hợp lệ (ISO-8601)", "Not an ISO-8601 time");
  if (to && !to_ms) b.error("to", "Thời điểm không hợp lệ (ISO-8601)", "Not an ISO-8601 time");
  b.finish();
  auto c = s.catalog.camera(*cam);
  if (!c || !ctx.may(Action::camera_read, {c->unit_id})) throw Problem::field("camera_id", "Không có camera này", "No such camera");
  ctx.require(Action::hold_write, {c->unit_id});
  in.camera_id = c->id, in.from_ms = *from_ms, in.to_ms = *to_ms, in.reason = *reason;
  in.holder_id = holder.value_or(ctx.principal().user_id);
  auto h = s.catalog.create_hold(s.recorder.retention(), in, ctx.actor());
  json j = video::to_json(h);
  j["camera_name"] = c->name;
  return http::Response::json(201, with_names(s, j));
}

http::Response release_hold(http::Context& ctx, Services& s) {
  auto b = core::JsonBody::parse(ctx.req.body.empty() ? "{}" : ctx.req.body, {"reason"});
  auto reason = b.string("reason", Need::required, 2000);
  b.finish();
  auto h = s.recorder.retention().hold(ctx.id_param());
  auto c = h ? s.catalog.camera(h->camera_id) : std::nullopt;
  if (!h || !c || !ctx.may(Action::camera_read, {c->unit_id})) throw Problem::not_found("The hold", "Lệnh giữ dữ liệu");
  ctx.require(Action::hold_write, {c->unit_id});
  auto released = s.catalog.release_hold(s.recorder.retention(), h->id, *reason, ctx.actor());
  return http::Response::json(200, with_names(s, video::to_json(released)));
}

}  // namespace

void add_video_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/sites", Action::camera_read, list_sites},
    {"POST", "/api/v1/sites", Action::camera_write, create_site},
    {"GET", "/api/v1/sites/{id}", Action::camera_read, get_site},
    {"PATCH", "/api/v1/sites/{id}", Action::camera_write, update_site},
    {"DELETE", "/api/v1/sites/{id}", Action::camera_write, delete_site},
    {"GET", "/api/v1/cameras", Action::camera_read, list_cameras},
    {"POST", "/api/v1/cameras", Action::camera_write, create_camera},
    {"GET", "/api/v1/cameras/{id}", Action::camera_read, get_camera},
    {"PATCH", "/api/v1/cameras/{id}", Action::camera_write, update_camera},
    {"DELETE", "/api/v1/cameras/{id}", Action::camera_write, delete_camera},
    {"POST", "/api/v1/cameras/{id}/probe", Action::camera_write, probe_camera},
    {"GET", "/api/v1/cameras/{id}/recordings", Action::video_playback, list_recordings},
    {"GET", "/api/v1/cameras/{id}/media.mp4", Action::video_playback, media},
    {"GET", "/api/v1/cameras/{id}/snapshot.jpg", Action::video_playback, snapshot},
    {"GET", "/api/v1/camera-outages", Action::camera_read, camera_outages},
    {"GET", "/api/v1/holds", Action::camera_read, list_holds},
    {"POST", "/api/v1/holds", Action::hold_write, create_hold},
    {"DELETE", "/api/v1/holds/{id}", Action::hold_write, release_hold},
  });
}

}  // namespace watchfloor::api
