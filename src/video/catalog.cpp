#include "video/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/log.h"
#include "core/text.h"
#include "store/work.h"
#include "video/retention.h"
#include "video/rtp.h"

namespace watchfloor::video {
namespace {

using core::Problem;
using nlohmann::json;

const char* kSiteSelect = "SELECT id, unit_id, kind, name, address, latitude, longitude, created_at, updated_at FROM sites";

Site site_from_row(const store::Row& r) {
  return {r.i64("id"),   r.i64("unit_id"), r.i64("created_at"),   r.i64("updated_at"),   r.str("kind"),
          r.str("name"), r.str("address"), r.opt_f64("latitude"), r.opt_f64("longitude")};
}

const char* kCameraSelect =
    "SELECT c.id, c.site_id, s.unit_id, c.name, c.owner, c.owner_name, c.connection, c.main_url, c.sub_url, "
    "c.credentials IS NOT NULL AS credentials_set, c.enabled, c.retention_days, c.retention_bytes, c.created_at, "
    "c.updated_at, c.credentials_host, c.record_sub, c.sub_retention_days, c.node_id, c.recording_node_id, "
    "(SELECT name FROM recorder_nodes WHERE id = c.node_id) AS node_name, "
    "(SELECT name FROM recorder_nodes WHERE id = c.recording_node_id) AS recording_node_name "
    "FROM cameras c JOIN sites s ON s.id = c.site_id";

Camera camera_from_row(const store::Row& r) {
  Camera c;
  c.id = r.i64("id");
  c.site_id = r.i64("site_id");
  c.unit_id = r.i64("unit_id");
  c.name = r.str("name");
  c.owner = r.str("owner");
  c.owner_name = r.str("owner_name");
  c.connection = r.str("connection");
  c.main_url = r.str("main_url");
  c.sub_url = r.opt_str("sub_url");
  c.credentials_set = r.boolean("credentials_set");
  c.enabled = r.boolean("enabled");
  c.retention_days = r.i64("retention_days");
  c.retention_bytes = r.i64("retention_bytes");
  c.created_at = r.i64("created_at");
  c.updated_at = r.i64("updated_at");
  c.credentials_host = r.opt_str("credentials_host");
  c.record_sub = r.boolean("record_sub");
  c.sub_retention_days = r.i64("sub_retention_days");
  c.node_id = r.opt_i64("node_id");
  c.recording_node_id = r.opt_i64("recording_node_id");
  c.node_name = r.opt_str("node_name");
  c.recording_node_name = r.opt_str("recording_node_name");
  return c;
}

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// One parameter: its name (what is before '=') and where its value lies in the address.
struct QueryParam {
  std::string_view name;
  size_t value_begin, value_end;  // value_begin == value_end: no value
  bool has_value;
};

// The parameters of the address: name=value pairs after the host, split at '/', '?', '&' and ';'
// (cameras also take them in the path: /user=admin&password=…&channel=1), and bare names in the
// query. The whole rest is scanned: the RTSP client sends it to the camera, '#' and all.
std::vector<QueryParam> query_params(std::string_view url) {
  std::vector<QueryParam> out;
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return out;
  size_t i = url.find_first_of("/?", scheme + 3);
  if (i == std::string_view::npos) return out;
  size_t query = url.find('?', i);
  while (i < url.size()) {
    size_t begin = i + 1;
    size_t stop = url.find_first_of("/?&;", begin);
    if (stop == std::string_view::npos) stop = url.size();
    std::string_view part = url.substr(begin, stop - begin);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) out.push_back({part.substr(0, eq), begin + eq + 1, stop, true});
    else if (!part.empty() && query != std::string_view::npos && begin > query) out.push_back({part, stop, stop, false});
    i = stop;
  }
  return out;
}

// A field error; 422 for a well-formed value that a rule refuses (credentials where they do not
// belong), shaped as Problem::validation's 400.
Problem field_problem(const std::string& field, const std::string& vi, const std::string& en, int status) {
  if (status == 400) return Problem::field(field, vi, en);
  return Problem(status, "validation", "Invalid request", "Yêu cầu không hợp lệ", "The request has invalid fields: " + field,
                 "Yêu cầu có trường không hợp lệ: " + field, {core::FieldError{field, vi, en}});
}

// The endpoint the credentials of a stored row are bound to (see migration 7 for NULL).
std::optional<std::string> bound_endpoint(const Camera& c) {
  if (!c.credentials_set) return std::nullopt;
  return c.credentials_host ? c.credentials_host : rtsp_endpoint(c.main_url);
}

std::string in_list(const std::vector<int64_t>& ids, std::vector<store::Value>& params) {
  std::string sql = "(NULL";
  for (size_t i = 0; i < ids.size(); ++i) sql += ",?";
  params.insert(params.end(), ids.begin(), ids.end());
  return sql + ")";
}

}  // namespace

std::optional<UrlRefusal> check_rtsp_url(const std::string& url) {
  if (url.size() > 1000) return UrlRefusal{"Dài tối đa 1000 ký tự", "At most 1000 characters"};
  std::string_view rest;
  for (std::string_view scheme : {"rtsp://", "rtsps://"})
    if (url.rfind(scheme, 0) == 0) rest = std::string_view(url).substr(scheme.size());
  if (rest.empty()) return UrlRefusal{"Địa chỉ phải bắt đầu bằng rtsp:// hoặc rtsps://", "The address must start with rtsp:// or rtsps://"};
  auto authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos)
    return UrlRefusal{"Không ghi tên đăng nhập, mật khẩu trong địa chỉ; nhập vào ô riêng (được mã hóa)",
                     "Do not put a username or password in the address; use the credential fields (stored encrypted)", 422};
  if (authority.empty() || authority.front() == ':') return UrlRefusal{"Thiếu tên máy hoặc địa chỉ IP", "The host is missing"};
  if (std::any_of(url.begin(), url.end(), [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; }))
    return UrlRefusal{"Địa chỉ có ký tự không hợp lệ", "The address has invalid characters"};
  for (const auto& p : query_params(url))
    if (credential_like_parameter(p.name))
      return UrlRefusal{fmt::format("Không ghi tên đăng nhập, mật khẩu hay mã truy cập trong địa chỉ (tham số “{}”); "
                                   "nhập vào ô Tên đăng nhập và Mật khẩu (được mã hóa)", p.name),
                       fmt::format("Do not put a username, password or token in the address (parameter “{}”); "
                                   "use the username and password fields (stored encrypted)", p.name),
                        422};
  // The host and port the RTSP client would connect to, and that credentials are bound to.
  if (!rtsp_endpoint(url)) return UrlRefusal{"Tên máy hoặc cổng không hợp lệ", "Not a valid host or port"};
  return std::nullopt;
}

bool credential_like_parameter(std::string_view name) {
  // Percent-decoded, lower-cased, without separators: "Pass%77ord", "user_name", "access-token".
  std::string n;
  for (size_t i = 0; i < name.size(); ++i) {
    char ch = name[i];
    if (ch == '%' && i + 2 < name.size() && hex_digit(name[i + 1]) >= 0 && hex_digit(name[i + 2]) >= 0) {
      ch = char(hex_digit(name[i + 1]) * 16 + hex_digit(name[i + 2]));
      i += 2;
    }
    if (ch == '_' || ch == '-' || ch == '.' || ch == ' ' || ch == '+') continue;
    n.push_back(char(std::tolower(static_cast<unsigned char>(ch))));
  }
  static constexpr std::string_view kNames[] = {"user",  "username", "usr",    "login",  "pass",       "password",   "pwd",
                                                "passwd", "auth",    "token",  "key",    "secret",     "credential", "credentials",
                                                "userid", "loginname", "apikey", "passcode", "authorization"};
  static constexpr std::string_view kEndings[] = {"token", "password", "passwd", "secret", "apikey"};
  if (std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames)) return true;
  return std::any_of(std::begin(kEndings), std::end(kEndings),
                     [&](std::string_view e) { return n.size() >= e.size() && n.compare(n.size() - e.size(), e.size(), e) == 0; });
}

std::string redact_url(const std::string& url) {
  std::string out;
  size_t done = 0;
  for (const auto& p : query_params(url)) {
    if (!p.has_value || p.value_begin == p.value_end || !credential_like_parameter(p.name)) continue;
    out.append(url, done, p.value_begin - done);
    out += "***";
    done = p.value_end;
  }
  if (done == 0) return url;
  out.append(url, done, std::string::npos);
  return out;
}

std::optional<std::string> rtsp_endpoint(std::string_view url) {
  // rtsps:// is parsed as rtsp:// with its own default port (RFC 7826 §19.2).
  constexpr std::string_view secure = "rtsps://";
  uint16_t default_port = 554;
  std::string text(url);
  if (url.size() >= secure.size() && core::ascii_lower(url.substr(0, secure.size())) == secure) {
    text = "rtsp://" + std::string(url.substr(secure.size()));
    default_port = 322;
  }
  auto u = rtsp::parse_url(text);
  if (!u) return std::nullopt;
  std::string host = core::ascii_lower(u->host);
  bool v6 = host.find(':') != std::string::npos;
  return fmt::format("{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", u->port_given ? u->port : default_port);
}

bool same_endpoint(std::string_view a, std::string_view b) {
  auto ea = rtsp_endpoint(a);
  return ea && ea == rtsp_endpoint(b);
}

// ---- sites ------------------------------------------------------------------------------------

std::vector<Site> Catalog::sites(std::optional<int64_t> unit_id) {
  std::vector<store::Value> params;
  std::string sql = kSiteSelect;
  if (unit_id) sql += " WHERE unit_id IN " + in_list(units_.tree()->subtree(*unit_id), params);
  std::vector<Site> out;
  for (const auto& r : db_.query(sql + " ORDER BY name", params)) out.push_back(site_from_row(r));
  return out;
}

std::optional<Site> Catalog::site(int64_t id) {
  auto r = db_.query_one(std::string(kSiteSelect) + " WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return site_from_row(*r);
}

void Catalog::check_site(const Site& s) {
  auto u = units_.get(s.unit_id);
  if (!u || u->external) throw Problem::field("unit_id", "Phải là một đơn vị Hải quan", "Must be a customs unit");
  if (s.latitude && (*s.latitude < -90 || *s.latitude > 90))
    throw Problem::field("latitude", "Vĩ độ từ -90 đến 90", "Latitude from -90 to 90");
  if (s.longitude && (*s.longitude < -180 || *s.longitude > 180))
    throw Problem::field("longitude", "Kinh độ từ -180 đến 180", "Longitude from -180 to 180");
}

Site Catalog::create_site(const SiteInput& in) {
  Site s;
  s.unit_id = *in.unit_id;
  s.kind = *in.kind;
  s.name = *in.name;
  s.address = in.address.value_or("");
  s.latitude = in.latitude.value_or(std::nullopt);
  s.longitude = in.longitude.value_or(std::nullopt);
  check_site(s);
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO sites(unit_id, kind, name, address, latitude, longitude, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
           {s.unit_id, s.kind, s.name, s.address, store::opt(s.latitude), store::opt(s.longitude), now, now});
  return *site(db_.last_insert_id());
}

Site Catalog::update_site(int64_t id, const SiteInput& in) {
  auto s = site(id);
  if (!s) throw Problem::not_found("The site", "Địa điểm");
  if (in.unit_id) s->unit_id = *in.unit_id;
  if (in.kind) s->kind = *in.kind;
  if (in.name) s->name = *in.name;
  if (in.address) s->address = *in.address;
  if (in.latitude) s->latitude = *in.latitude;
  if (in.longitude) s->longitude = *in.longitude;
  check_site(*s);
  db_.exec("UPDATE sites SET unit_id=?, kind=?, name=?, address=?, latitude=?, longitude=?, updated_at=? WHERE id=?",
           {s->unit_id, s->kind, s->name, s->address, store::opt(s->latitude), store::opt(s->longitude), clock_.now_ms(), id});
  return *site(id);
}

void Catalog::remove_site(int64_t id) {
  if (!site(id)) throw Problem::not_found("The site", "Địa điểm");
  if (db_.query_one("SELECT 1 FROM cameras WHERE site_id = ? LIMIT 1", {id}))
    throw Problem::conflict("The site still has cameras; move or delete them first.",
                            "Địa điểm còn camera; hãy chuyển hoặc xóa camera trước.");
  db_.exec("DELETE FROM sites WHERE id = ?", {id});
}

// ---- cameras ----------------------------------------------------------------------------------

std::vector<Camera> Catalog::cameras(std::optional<int64_t> site_id, std::optional<int64_t> unit_id) {
  std::vector<store::Value> params;
  std::string sql = std::string(kCameraSelect) + " WHERE 1=1";
  if (site_id) sql += " AND c.site_id = ?", params.push_back(*site_id);
  if (unit_id) sql += " AND s.unit_id IN " + in_list(units_.tree()->subtree(*unit_id), params);
  std::vector<Camera> out;
  for (const auto& r : db_.query(sql + " ORDER BY s.name, c.name", params)) out.push_back(camera_from_row(r));
  return out;
}

std::vector<Camera> Catalog::cameras(const Query& q) {
  std::vector<store::Value> params;
  std::string sql = std::string(kCameraSelect) + " WHERE 1=1";
  if (q.site_id) sql += " AND c.site_id = ?", params.push_back(*q.site_id);
  if (q.unit_id) sql += " AND s.unit_id IN " + in_list(units_.tree()->subtree(*q.unit_id), params);
  if (q.readable_roots) {
    std::vector<int64_t> ids;
    for (auto root : *q.readable_roots)
      for (auto id : units_.tree()->subtree(root)) ids.push_back(id);
    sql += " AND s.unit_id IN " + in_list(ids, params);
  }
  if (q.after) {
    sql += " AND (s.name, c.name, c.id) > (?, ?, ?)";
    params.push_back(std::get<0>(*q.after));
    params.push_back(std::get<1>(*q.after));
    params.push_back(std::get<2>(*q.after));
  }
  params.push_back(q.limit);
  std::vector<Camera> out;
  for (const auto& r : db_.query(sql + " ORDER BY s.name, c.name, c.id LIMIT ?", params)) out.push_back(camera_from_row(r));
  return out;
}

std::optional<Camera> Catalog::camera(int64_t id) {
  auto r = db_.query_one(std::string(kCameraSelect) + " WHERE c.id = ?", {id});
  if (!r) return std::nullopt;
  return camera_from_row(*r);
}

void Catalog::check_camera(const Camera& c) {
  if (!site(c.site_id)) throw Problem::field("site_id", "Địa điểm không tồn tại", "No such site");
  if (auto why = check_rtsp_url(c.main_url)) throw field_problem("main_url", why->vi, why->en, why->status);
  if (c.sub_url)
    if (auto why = check_rtsp_url(*c.sub_url)) throw field_problem("sub_url", why->vi, why->en, why->status);
  if (c.owner != "customs" && c.owner_name.empty())
    throw Problem::field("owner_name", "Ghi tên doanh nghiệp hoặc cơ quan quản lý camera", "Name the enterprise or agency that owns it");
  if (c.retention_days < 1 || c.retention_days > 3650)
    throw Problem::field("retention_days", "Từ 1 đến 3650 ngày", "From 1 to 3650 days");
  if (c.retention_bytes < 0) throw Problem::field("retention_bytes", "Không được âm", "Must not be negative");
  if (c.record_sub && !c.sub_url)
    throw Problem::field("record_sub", "Cần địa chỉ luồng phụ (sub_url) để ghi luồng phụ", "Recording the sub stream needs its sub_url");
  if (c.sub_retention_days < 1 || c.sub_retention_days > 3650)
    throw Problem::field("sub_retention_days", "Từ 1 đến 3650 ngày", "From 1 to 3650 days");
}

Camera Catalog::create_camera(const CameraInput& in) {
  Camera c;
  c.site_id = *in.site_id;
  c.name = *in.name;
  c.owner = in.owner.value_or("customs");
  c.owner_name = in.owner_name.value_or("");
  c.connection = in.connection.value_or("customs_network");
  c.main_url = *in.main_url;
  c.sub_url = in.sub_url.value_or(std::nullopt);
  c.enabled = in.enabled.value_or(true);
  c.retention_days = in.retention_days.value_or(30);
  c.retention_bytes = in.retention_bytes.value_or(0);
  c.record_sub = in.record_sub.value_or(false);
  c.sub_retention_days = in.sub_retention_days.value_or(7);
  check_camera(c);
  std::optional<std::string> sealed, bound;
  if (in.credentials && *in.credentials) {
    sealed = secrets_.seal(json{{"username", (*in.credentials)->first}, {"password", (*in.credentials)->second}}.dump());
    bound = rtsp_endpoint(c.main_url);
  }
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO cameras(site_id, name, owner, owner_name, connection, main_url, sub_url, credentials, credentials_host, enabled, "
           "retention_days, retention_bytes, record_sub, sub_retention_days, created_at, updated_at) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
           {c.site_id, c.name, c.owner, c.owner_name, c.connection, c.main_url, store::opt(c.sub_url), store::opt(sealed),
            store::opt(bound), int64_t{c.enabled}, c.retention_days, c.retention_bytes, int64_t{c.record_sub},
            c.sub_retention_days, now, now});
  return *camera(db_.last_insert_id());
}

Camera Catalog::update_camera(int64_t id, const CameraInput& in) {
  auto c = camera(id);
  if (!c) throw Problem::not_found("The camera", "Camera");
  const auto bound = bound_endpoint(*c);  // before the address changes (a row from before migration 7)
  if (in.site_id) c->site_id = *in.site_id;
  if (in.name) c->name = *in.name;
  if (in.owner) c->owner = *in.owner;
  if (in.owner_name) c->owner_name = *in.owner_name;
  if (in.connection) c->connection = *in.connection;
  if (in.main_url) c->main_url = *in.main_url;
  if (in.sub_url) c->sub_url = *in.sub_url;
  if (in.enabled) c->enabled = *in.enabled;
  if (in.retention_days) c->retention_days = *in.retention_days;
  if (in.retention_bytes) c->retention_bytes = *in.retention_bytes;
  if (in.record_sub) c->record_sub = *in.record_sub;
  if (in.sub_retention_days) c->sub_retention_days = *in.sub_retention_days;
  check_camera(*c);
  // Credentials never follow the address to another host or port (they would be sent there): the
  // change enters them again or removes them in the same request.
  if (bound && !in.credentials && rtsp_endpoint(c->main_url) != bound)
    throw field_problem("password", "Địa chỉ camera đã đổi máy chủ hoặc cổng: nhập lại tên đăng nhập và mật khẩu (hoặc xóa chúng)",
                         "The camera's host or port changed: enter the username and password again (or remove them)", 422);
  db_.exec("UPDATE cameras SET site_id=?, name=?, owner=?, owner_name=?, connection=?, main_url=?, sub_url=?, enabled=?, "
           "retention_days=?, retention_bytes=?, record_sub=?, sub_retention_days=?, updated_at=? WHERE id=?",
           {c->site_id, c->name, c->owner, c->owner_name, c->connection, c->main_url, store::opt(c->sub_url), int64_t{c->enabled},
            c->retention_days, c->retention_bytes, int64_t{c->record_sub}, c->sub_retention_days, clock_.now_ms(), id});
  if (in.credentials) {
    std::optional<std::string> sealed, host;
    if (*in.credentials) {
      sealed = secrets_.seal(json{{"username", (*in.credentials)->first}, {"password", (*in.credentials)->second}}.dump());
      host = rtsp_endpoint(c->main_url);
    }
    db_.exec("UPDATE cameras SET credentials = ?, credentials_host = ? WHERE id = ?", {store::opt(sealed), store::opt(host), id});
  }
  return *camera(id);
}

void Catalog::remove_camera(int64_t id) {
  if (!camera(id)) throw Problem::not_found("The camera", "Camera");
  db_.exec("DELETE FROM cameras WHERE id = ?", {id});
}

std::optional<Credentials> Catalog::credentials(int64_t camera_id, const std::string& url) {
  auto c = camera(camera_id);
  auto bound = c ? bound_endpoint(*c) : std::nullopt;
  if (!bound) return std::nullopt;
  if (auto target = rtsp_endpoint(url); target != bound) {
    core::log_warn(fmt::format("camera {}: credentials withheld: they are bound to {}, the address connects to {}", camera_id, *bound,
                               target.value_or("(no host)")));
    return std::nullopt;
  }
  auto r = db_.query_one("SELECT credentials FROM cameras WHERE id = ?", {camera_id});
  if (!r || r->is_null("credentials")) return std::nullopt;
  auto j = json::parse(secrets_.open(r->str("credentials")));
  return Credentials{j.value("username", ""), j.value("password", "")};
}

json to_json(const Site& s) {
  return {{"id", s.id},
          {"unit_id", s.unit_id},
          {"kind", s.kind},
          {"name", s.name},
          {"address", s.address},
          {"latitude", s.latitude ? json(*s.latitude) : json()},
          {"longitude", s.longitude ? json(*s.longitude) : json()},
          {"created_at", core::iso8601(s.created_at)},
          {"updated_at", core::iso8601(s.updated_at)}};
}

json to_json(const Camera& c) {
  return {{"id", c.id},
          {"site_id", c.site_id},
          {"unit_id", c.unit_id},
          {"name", c.name},
          {"owner", c.owner},
          {"owner_name", c.owner_name},
          {"connection", c.connection},
          {"main_url", redact_url(c.main_url)},
          {"sub_url", c.sub_url ? json(redact_url(*c.sub_url)) : json()},
          {"credentials_set", c.credentials_set},
          {"enabled", c.enabled},
          {"retention_days", c.retention_days},
          {"retention_bytes", c.retention_bytes},
          {"record_sub", c.record_sub},
          {"sub_retention_days", c.sub_retention_days},
          {"node_id", c.node_id ? json(*c.node_id) : json()},
          {"recording_node_id", c.recording_node_id ? json(*c.recording_node_id) : json()},
          {"node_name", c.node_name ? json(*c.node_name) : json()},
          {"recording_node_name", c.recording_node_name ? json(*c.recording_node_name) : json()},
          {"state", "unknown"},  // online / offline / degraded once the recorder runs (issue 5)
          {"created_at", core::iso8601(c.created_at)},
          {"updated_at", core::iso8601(c.updated_at)}};
}

std::vector<Outage> Catalog::outages(const std::string& state) {
  std::string sql = "SELECT id, camera_id, owner_name, started_ms, ended_ms, repair_due_ms FROM camera_outages";
  if (state == "open") sql += " WHERE ended_ms IS NULL";
  if (state == "closed") sql += " WHERE ended_ms IS NOT NULL";
  std::vector<Outage> out;
  for (const auto& r : db_.query(sql + " ORDER BY started_ms DESC, id DESC"))
    out.push_back({r.i64("id"), r.i64("camera_id"), r.i64("started_ms"), r.i64("repair_due_ms"), r.opt_i64("ended_ms"),
                   r.str("owner_name")});
  return out;
}

// ---- changes by a person, audited ---------------------------------------------------------------

Site Catalog::create_site(const SiteInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto site = create_site(in);
    audit_.append(by.event("site.create", "site", std::to_string(site.id), site.unit_id, to_json(site)));
    return site;
  });
}

Site Catalog::update_site(int64_t id, const SiteInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto site = update_site(id, in);
    audit_.append(by.event("site.update", "site", std::to_string(site.id), site.unit_id, to_json(site)));
    return site;
  });
}

void Catalog::remove_site(int64_t id, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work&) {
    auto site = this->site(id);
    remove_site(id);
    audit_.append(by.event("site.delete", "site", std::to_string(id), site->unit_id, to_json(*site)));
  });
}

Camera Catalog::create_camera(const CameraInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto c = create_camera(in);
    // The audit entry says that credentials were set, never what they are.
    audit_.append(by.event("camera.create", "camera", std::to_string(c.id), c.unit_id, to_json(c)));
    changed(c);
    return c;
  });
}

Camera Catalog::update_camera(int64_t id, const CameraInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto before = camera(id);
    auto c = update_camera(id, in);
    nlohmann::json details = to_json(c);
    // What happened to the credentials and the host:port they are bound to; never the secret.
    if (in.credentials) {
      details["credentials_changed"] = true;
      const char* what = "set";
      if (!c.credentials_set) what = "removed";
      else if (before->credentials_set && !same_endpoint(before->main_url, c.main_url)) what = "rebound";
      details["credentials"] = what;
      details["credentials_host"] = c.credentials_host ? nlohmann::json(*c.credentials_host) : nlohmann::json();
    }
    audit_.append(by.event("camera.update", "camera", std::to_string(c.id), c.unit_id, details));
    changed(c);
    return c;
  });
}

void Catalog::remove_camera(int64_t id, const audit::Actor& by) {
  store::Work::run(db_, [&](store::Work&) {
    auto c = camera(id);
    remove_camera(id);
    audit_.append(by.event("camera.delete", "camera", std::to_string(id), c->unit_id, to_json(*c)));
    changed(*c);
  });
}

void Catalog::changed(const Camera& c) {
  if (bus_) publish_camera_changed(*bus_, c.id, c.unit_id);
}

void publish_camera_changed(events::Bus& bus, int64_t camera_id, int64_t unit_id, nlohmann::json extra) {
  events::Event e;
  e.topic = "camera.changed";
  e.unit_id = unit_id;
  e.read_action = auth::Action::camera_read;
  e.payload = std::move(extra);
  e.payload["camera_id"] = camera_id;
  bus.publish_on_commit(std::move(e), "camera:" + std::to_string(camera_id));
}

void Catalog::used(const Camera& c, const std::string& action, const nlohmann::json& details, const audit::Actor& by) {
  audit_.append(by.event(action, "camera", std::to_string(c.id), c.unit_id, details));
}

Hold Catalog::create_hold(Retention& retention, const HoldInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto h = retention.create_hold(in, by.user_id);
    auto c = camera(h.camera_id);
    audit_.append(by.event("hold.create", "hold", std::to_string(h.id), c ? std::optional(c->unit_id) : std::nullopt, to_json(h)));
    return h;
  });
}

Hold Catalog::release_hold(Retention& retention, int64_t hold_id, const std::string& reason, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto h = retention.release_hold(hold_id, by.user_id, reason);
    auto c = camera(h.camera_id);
    audit_.append(by.event("hold.release", "hold", std::to_string(h.id), c ? std::optional(c->unit_id) : std::nullopt, to_json(h)));
    return h;
  });
}

}  // namespace watchfloor::video
