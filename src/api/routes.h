#pragma once
// Internal to the api module: each resource file adds its routes.
#include <functional>
#include <map>

#include <algorithm>
#include <iterator>
#include <mutex>
#include <unordered_map>

#include "api/api.h"
#include "core/json_body.h"
#include "http/client.h"
#include "video/catalog.h"

namespace watchfloor::video {
struct NodeEndpoint;  // video/nodes.h
struct CameraStatus;  // video/recorder.h
}

namespace watchfloor::api {

void add_auth_routes(http::Router& r, Services& s);
void add_unit_routes(http::Router& r, Services& s);
void add_user_routes(http::Router& r, Services& s);
void add_audit_routes(http::Router& r, Services& s);
void add_duty_routes(http::Router& r, Services& s);
void add_ops_routes(http::Router& r, Services& s);
void add_ws_routes(http::Router& r, Services& s);
void add_case_routes(http::Router& r, Services& s);
void add_video_routes(http::Router& r, Services& s);
void add_recorder_node_routes(http::Router& r, Services& s);
void add_wall_routes(http::Router& r, Services& s);
void add_live_routes(http::Router& r, Services& s);
void add_map_routes(http::Router& r, Services& s);
void add_sharing_routes(http::Router& r, Services& s);
void add_evidence_routes(http::Router& r, Services& s);

// The stream a video request names (`?stream=main|sub`, main by default; 400 naming `stream` otherwise).
std::string stream_kind(const http::Context& ctx);
// A camera's state: from this server's recorder, or as the recorder node recording it last told it — read from
// `on_nodes` (Nodes::statuses of a whole list, one query) when the caller has it.
std::optional<video::CameraStatus> camera_status(Services& s, const video::Camera& c,
                                                 const std::map<int64_t, video::CameraStatus>* on_nodes = nullptr);
// The camera of the route's {id}: 404 when unknown or outside what the caller may read; 403 saying so when a
// grant that gave it has expired or was revoked.
video::Camera load_camera(http::Context& ctx, Services& s);
// The one check of a use of a camera's video (`a` on `t`, its camera and unit filled in from `c`): by role, or
// through a data-sharing grant (Art. 16.3), whose id it returns (for record_use). Refused: a 403 problem naming
// what the grant lacks (grant-*), audited; else 403.
std::optional<int64_t> require_video(http::Context& ctx, Services& s, const video::Camera& c, auth::Action a, auth::Target t);
// The audit entry of one use of a camera's video, naming the grant it went through, which counts the use.
void record_use(Services& s, const video::Camera& c, const std::string& action, nlohmann::json details,
                std::optional<int64_t> grant, const audit::Actor& by);
// What the caller is to a case (the policy's relation), the policy target of the case, and the case of the
// route's {id} (404 when unknown or not readable by the caller).
std::optional<std::string> relation(http::Context& ctx, Services& s, const supervision::Case& c);
auth::Target case_target(http::Context& ctx, Services& s, const supervision::Case& c);
supervision::Case load_case(http::Context& ctx, Services& s, const std::string& param = "id");
// ?from=&to= (ISO 8601; `to` defaults to now, `from` to default_ms before it) as 90 kHz wall times; to − from
// within `max_ms` (422 naming `to` otherwise).
std::pair<int64_t, int64_t> span_90k(const http::Context& ctx, const core::Clock& clock, int64_t default_ms, int64_t max_ms);

// Recorded video as served, by this server's recorder or a recorder node's (node_api.cpp): one function each, so
// that a clip is the same bytes, ETag and headers wherever it is read. No permission check and no audit here: the
// caller's, which audits from the rest of the struct.
struct ServedClip {
  http::Response res;
  std::string etag;
  std::string first_frame;  // ISO 8601: X-Recording-Start
  std::vector<int64_t> segments;
  int64_t bytes = 0;        // of the whole clip, whatever range was asked
};
// The clip of [from, to) of a camera's stream (instant replay included), with the request's Range and If-Range:
// ETag, X-Recording-Start / End, Cache-Control, Content-Disposition when `download`. 404 `no-recording` when
// nothing is recorded there; 416 for a range beyond it.
ServedClip serve_clip(video::Recorder& recorder, int64_t camera_id, const std::string& kind, int64_t from_90k, int64_t to_90k,
                      bool download, const http::Request& req);
struct ServedStill {
  http::Response res;
  std::string frame_time;  // ISO 8601: X-Frame-Time
};
// The JPEG of the keyframe nearest `at_ms` (within 10 s); 404 `no-recording` when there is none.
ServedStill serve_still(video::Recorder& recorder, int64_t camera_id, int64_t at_ms, const std::string& kind);
// How this server reaches a recorder node ([nodes] tls and ca_file of the configuration).
http::ClientTarget node_target(Services& s, const video::NodeEndpoint& ep);

// A WebSocket route's checks before the upgrade: 426 without Upgrade, 403 `bad-origin` from another site.
void require_websocket(const http::Context& ctx);

// The WebSockets of a kind one user holds open, bounded: a script opening sockets in a loop cannot
// take the server's connections or its memory. A slot is taken before the upgrade and given back
// when the connection's handler goes. Thread-safe.
class UserSlots {
 public:
  bool admit(int64_t user_id, int max);  // false when the user holds `max` already (max ≤ 0: no bound)
  void release(int64_t user_id);

 private:
  std::mutex mu_;
  std::unordered_map<int64_t, int> taken_;
};

// Adds "<field>_name" beside every field holding a user id ("full_name" and "username" beside
// "user_id") and "<prefix>unit_name"/"_name_en" beside every "<prefix>unit_id".
nlohmann::json with_names(Services& s, nlohmann::json j);

// Query parameters: a positive id, or an ISO 8601 time (field-named 422 when malformed).
std::optional<int64_t> query_id(const http::Context& ctx, const std::string& key);
int64_t query_time(const http::Context& ctx, const std::string& key, int64_t fallback);

// The whole of `text` as an integer in [lo, hi], or nullopt.
std::optional<int64_t> parse_int(const std::string& text, int64_t lo, int64_t hi);

// A query parameter, or nullopt when absent or empty.
std::optional<std::string> query(const http::Context& ctx, const std::string& key);

// One route: the policy action that guards it and its handler, a named function of the resource's file.
struct Handler {
  const char* method;
  const char* pattern;
  auth::Action action;
  http::Response (*fn)(http::Context&, Services&);
};
void add_routes(http::Router& r, Services& s, std::initializer_list<Handler> table);

// Keyset paging of a long list: `limit` (1..500, default 100) and the `cursor` the previous page answered.
// The cursor is opaque to clients: the last row's id for lists newest first (`before`), the last row's
// sort key as a JSON array for lists in name order (`after`).
struct Page {
  int64_t limit = 100;
  std::optional<int64_t> before;
  std::optional<nlohmann::json> after;
};
inline constexpr int64_t kMaxPage = 500;
Page page(const http::Context& ctx);
// {"items", "next_cursor"}: the cursor is set when the query returned a whole page (`scanned` rows, the
// last with key `last`: an id or a JSON array), even if the policy then kept fewer of them.
nlohmann::json paged(nlohmann::json items, const Page& p, size_t scanned, const nlohmann::json& last);

// Body fields: an ISO 8601 time; a list of `min` to `max` positive ids (field-named errors).
std::optional<int64_t> time_field(core::JsonBody& b, std::string_view f, core::Need need);
std::vector<int64_t> ids(core::JsonBody& b, std::string_view f, size_t max, size_t min = 1);  // min 0: absent, null or [] is none

// A string field that must be one of `set`; the error lists the allowed values.
template <size_t N>
std::optional<std::string> choice(core::JsonBody& b, std::string_view f, core::Need need, const char* const (&set)[N]) {
  auto v = b.string(f, need, 64);
  if (v && std::none_of(std::begin(set), std::end(set), [&](const char* x) { return *v == x; })) {
    std::string allowed;
    for (const char* x : set) allowed += (allowed.empty() ? "" : ", ") + std::string(x);
    b.error(b.path(f), "Giá trị không hợp lệ; chọn một trong: " + allowed, "Invalid value; one of: " + allowed);
  }
  return v;
}

// A query parameter that must be one of `set` (a validation problem naming it otherwise).
template <size_t N>
std::optional<std::string> query_choice(const http::Context& ctx, const std::string& key, const char* const (&set)[N]) {
  auto v = query(ctx, key);
  if (v && std::none_of(std::begin(set), std::end(set), [&](const char* x) { return *v == x; }))
    throw core::Problem::field(key, "Giá trị không hợp lệ", "Invalid value");
  return v;
}

}  // namespace watchfloor::api
