#include "video/nodes.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/random.h"
#include "store/work.h"

namespace watchfloor::video {

using core::Problem;
using nlohmann::json;

namespace {

const char* kNodeSelect =
    "SELECT n.id, n.name, n.address, n.capacity, n.standby_node_id, n.created_at, n.revoked_at, n.started_ms, "
    "n.last_seen_ms, n.down_since_ms, n.disk_total, n.disk_free, n.sample_dirs, n.version, "
    "(SELECT COUNT(*) FROM cameras c WHERE c.node_id = n.id) AS cameras, "
    "(SELECT COUNT(*) FROM cameras c WHERE c.recording_node_id = n.id) AS recording "
    "FROM recorder_nodes n";

Node node_from_row(const store::Row& r) {
  Node n;
  n.id = r.i64("id");
  n.name = r.str("name");
  n.address = r.str("address");
  n.capacity = r.i64("capacity");
  n.standby_node_id = r.opt_i64("standby_node_id");
  n.created_at = r.i64("created_at");
  n.revoked_at = r.opt_i64("revoked_at");
  n.started_ms = r.opt_i64("started_ms");
  n.last_seen_ms = r.opt_i64("last_seen_ms");
  n.down_since_ms = r.opt_i64("down_since_ms");
  n.disk_total_bytes = r.i64("disk_total");
  n.disk_free_bytes = r.i64("disk_free");
  try {
    n.sample_dirs = json::parse(r.str("sample_dirs")).get<std::vector<std::string>>();
  } catch (const std::exception&) {
  }
  n.version = r.str("version");
  n.cameras = r.i64("cameras");
  n.recording = r.i64("recording");
  return n;
}

json opt_time(const std::optional<int64_t>& ms) { return ms ? json(core::iso8601(*ms)) : json(); }

// A node's name becomes its sample directory's label and appears in logs: short, plain letters.
void check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char ch : name)
    ok = ok && (std::isdigit(static_cast<unsigned char>(ch)) || (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '.' || ch == '_');
  if (!ok)
    throw Problem::field("name", "Tên máy ghi hình: chữ thường không dấu, số, '-', '.', '_' (tối đa 63 ký tự)",
                         "A node's name: lower-case letters, digits, '-', '.', '_' (at most 63 characters)");
}

// host:port, or [v6]:port: where the API servers reach the node.
void check_address(const std::string& address) {
  auto colon = address.rfind(':');
  bool ok = colon != std::string::npos && colon > 0 && colon + 1 < address.size() && colon + 6 >= address.size();
  int port = 0;
  for (size_t i = colon + 1; ok && i < address.size(); ++i) {
    ok = std::isdigit(static_cast<unsigned char>(address[i]));
    port = port * 10 + (address[i] - '0');
  }
  std::string host = ok ? address.substr(0, colon) : "";
  ok = ok && port > 0 && port < 65536 && host.find_first_of(" /?#@") == std::string::npos;
  if (ok && host.front() == '[') ok = host.back() == ']';
  if (!ok)
    throw Problem::field("address", "Địa chỉ máy ghi hình dạng máy:cổng, ví dụ 10.0.3.11:8443",
                         "The node's address as host:port, e.g. 10.0.3.11:8443");
}

void check_capacity(int64_t capacity) {
  if (capacity < 1 || capacity > 10'000)
    throw Problem::field("capacity", "Số camera tối đa từ 1 đến 10000", "Cameras at most: from 1 to 10000");
}

json audit_json(const Node& n) {
  return {{"name", n.name}, {"address", n.address}, {"capacity", n.capacity},
          {"standby_node_id", n.standby_node_id ? json(*n.standby_node_id) : json()}};
}

bool fresh(const Node& n, int64_t now_ms) {
  return n.last_seen_ms && now_ms - *n.last_seen_ms <= Nodes::kDownAfterMs;
}

Problem unavailable(const Node& n) {
  return Problem(503, "recorder-unavailable", "The recorder node is not available", "Máy ghi hình không sẵn sàng",
                 fmt::format("The recorder node {} holding this camera's video is {}; try again when it is back.", n.name,
                             n.revoked_at ? "revoked" : "not answering"),
                 fmt::format("Máy ghi hình {} giữ video của camera này {}; hãy thử lại khi máy hoạt động trở lại.",
                             n.name, n.revoked_at ? "đã bị thu hồi" : "không phản hồi"));
}

}  // namespace

std::string Node::state(int64_t now_ms) const {
  if (revoked_at) return "revoked";
  if (!last_seen_ms) return "new";
  if (down_since_ms || !fresh(*this, now_ms)) return "down";
  return "up";
}

json to_json(const Node& n, int64_t now_ms) {
  return {{"id", n.id},
          {"name", n.name},
          {"address", n.address},
          {"capacity", n.capacity},
          {"standby_node_id", n.standby_node_id ? json(*n.standby_node_id) : json()},
          {"state", n.state(now_ms)},
          {"created_at", core::iso8601(n.created_at)},
          {"started_at", opt_time(n.started_ms)},
          {"last_seen_at", opt_time(n.last_seen_ms)},
          {"down_since", opt_time(n.down_since_ms)},
          {"revoked_at", opt_time(n.revoked_at)},
          {"disk_total_bytes", n.disk_total_bytes},
          {"disk_free_bytes", n.disk_free_bytes},
          {"sample_dirs", n.sample_dirs},
          {"version", n.version},
          {"cameras", n.cameras},
          {"recording", n.recording}};
}

std::vector<Node> Nodes::list() {
  std::vector<Node> out;
  for (const auto& r : db_.query(std::string(kNodeSelect) + " ORDER BY n.name")) out.push_back(node_from_row(r));
  return out;
}

std::optional<Node> Nodes::get(int64_t id) {
  auto r = db_.query_one(std::string(kNodeSelect) + " WHERE n.id = ?", {id});
  return r ? std::optional(node_from_row(*r)) : std::nullopt;
}

namespace {
// The standby named for node `self` (0 when new): another node, not revoked.
void check_standby(Nodes& nodes, int64_t self, const std::optional<int64_t>& standby) {
  if (!standby) return;
  auto s = nodes.get(*standby);
  if (!s || s->revoked_at || s->id == self)
    throw Problem::field("standby_node_id", "Máy ghi hình dự phòng phải là một máy khác, chưa bị thu hồi",
                         "The standby must be another node, not revoked");
}
}  // namespace

Nodes::Issued Nodes::create(const NodeInput& in, const audit::Actor& actor) {
  if (!in.name) throw Problem::field("name", "Cần tên máy ghi hình", "The node needs a name");
  if (!in.address) throw Problem::field("address", "Cần địa chỉ máy ghi hình", "The node needs an address");
  if (!in.capacity) throw Problem::field("capacity", "Cần số camera tối đa", "How many cameras may it record?");
  check_name(*in.name);
  check_address(*in.address);
  check_capacity(*in.capacity);
  std::optional<int64_t> standby = in.standby_node_id.value_or(std::nullopt);
  std::string key = core::random_token(32);
  return store::Work::run(db_, [&](store::Work&) {
    if (db_.query_one("SELECT 1 FROM recorder_nodes WHERE name = ?", {*in.name}))
      throw Problem::field("name", "Đã có máy ghi hình tên này", "A node of this name exists");
    check_standby(*this, 0, standby);
    db_.exec("INSERT INTO recorder_nodes(name, address, capacity, key_sealed, standby_node_id, created_at) "
             "VALUES (?,?,?,?,?,?)",
             {*in.name, *in.address, *in.capacity, secrets_.seal(key), store::opt(standby), clock_.now_ms()});
    Node n = *get(db_.last_insert_id());
    audit_.append(actor.event("recorder_node.create", "recorder_node", std::to_string(n.id), std::nullopt, audit_json(n)));
    bus_.publish_on_commit("recorder.changed", std::nullopt, auth::Action::camera_read, {{"node_id", n.id}});
    return Issued{n, key};
  });
}

Node Nodes::update(int64_t id, const NodeInput& in, const audit::Actor& actor) {
  return store::Work::run(db_, [&](store::Work&) {
    auto n = get(id);
    if (!n) throw Problem::not_found("The recorder node", "Máy ghi hình");
    if (in.name && *in.name != n->name)
      throw Problem::field("name", "Không đổi được tên máy ghi hình (tên gắn với thư mục lưu video của máy)",
                           "A node's name cannot change (it names the node's video directory)");
    if (in.address) check_address(*in.address), n->address = *in.address;
    if (in.capacity) check_capacity(*in.capacity), n->capacity = *in.capacity;
    if (in.standby_node_id) check_standby(*this, id, *in.standby_node_id), n->standby_node_id = *in.standby_node_id;
    db_.exec("UPDATE recorder_nodes SET address = ?, capacity = ?, standby_node_id = ? WHERE id = ?",
             {n->address, n->capacity, store::opt(n->standby_node_id), id});
    audit_.append(actor.event("recorder_node.update", "recorder_node", std::to_string(id), std::nullopt, audit_json(*n)));
    bus_.publish_on_commit("recorder.changed", std::nullopt, auth::Action::camera_read, {{"node_id", id}});
    return *get(id);
  });
}

Node Nodes::revoke(int64_t id, const audit::Actor& actor) {
  return store::Work::run(db_, [&](store::Work&) {
    auto n = get(id);
    if (!n) throw Problem::not_found("The recorder node", "Máy ghi hình");
    if (!n->revoked_at) {
      db_.exec("UPDATE recorder_nodes SET revoked_at = ? WHERE id = ?", {clock_.now_ms(), id});
      // Nobody stands in for a revoked node, and a revoked node stands in for nobody.
      db_.exec("UPDATE recorder_nodes SET standby_node_id = NULL WHERE standby_node_id = ?", {id});
      audit_.append(actor.event("recorder_node.revoke", "recorder_node", std::to_string(id), std::nullopt, audit_json(*n)));
      bus_.publish_on_commit("recorder.changed", std::nullopt, auth::Action::camera_read, {{"node_id", id}});
    }
    return *get(id);
  });
}

std::string Nodes::rekey(int64_t id, const audit::Actor& actor) {
  std::string key = core::random_token(32);
  store::Work::run(db_, [&](store::Work&) {
    auto n = get(id);
    if (!n) throw Problem::not_found("The recorder node", "Máy ghi hình");
    if (n->revoked_at) throw Problem::conflict("The node is revoked", "Máy ghi hình đã bị thu hồi");
    db_.exec("UPDATE recorder_nodes SET key_sealed = ? WHERE id = ?", {secrets_.seal(key), id});
    audit_.append(actor.event("recorder_node.rekey", "recorder_node", std::to_string(id), std::nullopt, json::object()));
  });
  return key;
}

void Nodes::assign(int64_t camera_id, std::optional<int64_t> node_id, const audit::Actor& actor) {
  store::Work::run(db_, [&](store::Work&) {
    auto cam = catalog_.camera(camera_id);
    if (!cam) throw Problem::not_found("The camera", "Camera");
    if (cam->node_id == node_id) return;
    std::optional<int64_t> recording = node_id;
    if (node_id) {
      auto n = get(*node_id);
      if (!n || n->revoked_at)
        throw Problem::field("node_id", "Không có máy ghi hình này, hoặc máy đã bị thu hồi", "No such node, or it is revoked");
      if (n->cameras >= n->capacity) {
        Problem p(409, "node-full", "The recorder node is full", "Máy ghi hình đã đủ số camera",
                  fmt::format("{} records at most {} cameras.", n->name, n->capacity),
                  fmt::format("Máy {} ghi tối đa {} camera.", n->name, n->capacity),
                  {{"node_id", fmt::format("Máy {} đã đủ {} camera", n->name, n->capacity),
                    fmt::format("{} already records {} cameras", n->name, n->capacity)}});
        throw p;
      }
      // A node that is down hands the camera to its standby at once, as the leader would.
      if (n->state(clock_.now_ms()) == "down" && n->standby_node_id)
        if (auto s = get(*n->standby_node_id); s && s->state(clock_.now_ms()) == "up") recording = s->id;
    }
    db_.exec("UPDATE cameras SET node_id = ?, recording_node_id = ? WHERE id = ?",
             {store::opt(node_id), store::opt(recording), camera_id});
    audit_.append(actor.event("camera.assign", "camera", std::to_string(camera_id), cam->unit_id,
                              {{"node_id", node_id ? json(*node_id) : json()},
                               {"previous_node_id", cam->node_id ? json(*cam->node_id) : json()}}));
    publish_camera_changed(bus_, camera_id, cam->unit_id);
  });
}

std::optional<Node> Nodes::sign_in(const std::string& name, const std::string& key, const std::string& version) {
  auto r = db_.query_one("SELECT id, key_sealed, revoked_at FROM recorder_nodes WHERE name = ?", {name});
  if (!r || !r->is_null("revoked_at")) return std::nullopt;
  std::string expected;
  try {
    expected = secrets_.open(r->str("key_sealed"));
  } catch (const std::exception&) {
    return std::nullopt;  // sealed with another secret.key: this machine is not of the cluster
  }
  if (!core::secrets_equal(key, expected)) return std::nullopt;
  int64_t now = clock_.now_ms();
  db_.exec("UPDATE recorder_nodes SET started_ms = ?, last_seen_ms = ?, version = ? WHERE id = ?",
           {now, now, version, r->i64("id")});
  return get(r->i64("id"));
}

bool Nodes::heartbeat(int64_t node_id, const std::string& key, const Heartbeat& hb) {
  int64_t now = clock_.now_ms();
  return store::Work::run(db_, [&](store::Work&) {
    auto r = db_.query_one("SELECT key_sealed, revoked_at FROM recorder_nodes WHERE id = ?", {node_id});
    if (!r || !r->is_null("revoked_at") || !core::secrets_equal(key, secrets_.open(r->str("key_sealed")))) return false;
    // One row a beat, whatever the number of cameras: every write holds the cluster's writers' lock.
    json states = json::object();
    for (const auto& [camera_id, st] : hb.cameras) states[std::to_string(camera_id)] = to_json(st);
    db_.exec("UPDATE recorder_nodes SET last_seen_ms = ?, disk_total = ?, disk_free = ?, sample_dirs = ?, version = ?, "
             "camera_states = ? WHERE id = ?",
             {now, hb.disk_total_bytes, hb.disk_free_bytes, json(hb.sample_dirs).dump(), hb.version, states.dump(),
              node_id});
    return true;
  });
}

std::vector<int64_t> Nodes::cameras_of(int64_t node_id) {
  std::vector<int64_t> out;
  for (const auto& r : db_.query("SELECT id FROM cameras WHERE recording_node_id = ? ORDER BY id", {node_id}))
    out.push_back(r.i64("id"));
  return out;
}

NodeEndpoint Nodes::endpoint(const Node& n) {
  auto r = db_.query_one("SELECT key_sealed FROM recorder_nodes WHERE id = ?", {n.id});
  return NodeEndpoint{n.id, n.name, n.address, secrets_.open(r->str("key_sealed"))};
}

std::optional<NodeEndpoint> Nodes::live_endpoint(const Camera& cam) {
  if (!cam.recording_node_id) return std::nullopt;
  auto n = get(*cam.recording_node_id);
  if (!n) return std::nullopt;
  if (n->state(clock_.now_ms()) != "up") throw unavailable(*n);
  return endpoint(*n);
}

std::optional<NodeEndpoint> Nodes::playback_endpoint(const Camera& cam, const std::string& kind, int64_t from_90k,
                                                     int64_t to_90k) {
  // The node whose sample directory holds the first segment of the span; segments recorded by this server's own
  // recorder (a directory of no node) are read here.
  auto r = db_.query_one(
      "SELECT d.node_id FROM segments g JOIN streams s ON s.id = g.stream_id JOIN sample_dirs d ON d.id = g.sample_dir_id "
      "WHERE s.camera_id = ? AND s.kind = ? AND g.start_90k < ? AND g.end_90k > ? ORDER BY g.start_90k LIMIT 1",
      {cam.id, kind, std::max(to_90k, from_90k + 1), from_90k});
  std::optional<int64_t> node_id = r ? r->opt_i64("node_id") : cam.recording_node_id;
  if (!node_id) return std::nullopt;
  auto n = get(*node_id);
  if (!n) return std::nullopt;
  if (n->state(clock_.now_ms()) != "up") throw unavailable(*n);
  return endpoint(*n);
}

std::map<int64_t, CameraStatus> Nodes::statuses(const std::vector<Camera>& cams) {
  std::map<int64_t, CameraStatus> out;
  std::set<int64_t> on_nodes;
  for (const auto& c : cams)
    if (c.recording_node_id) on_nodes.insert(c.recording_node_id.value());
  if (on_nodes.empty()) return out;
  // Only what a node's state and its cameras' states need, of the nodes these cameras are recorded by.
  int64_t now = clock_.now_ms();
  std::string sql = "SELECT id, revoked_at, started_ms, last_seen_ms, down_since_ms, camera_states FROM recorder_nodes "
                    "WHERE id IN (";
  std::vector<store::Value> params;
  for (int64_t id : on_nodes) sql += params.empty() ? "?" : ",?", params.push_back(id);
  std::map<int64_t, Node> nodes;
  std::map<int64_t, json> told;  // node -> {"camera id": status}
  for (const auto& r : db_.query(sql + ")", params)) {
    Node n;
    n.id = r.i64("id");
    n.revoked_at = r.opt_i64("revoked_at");
    n.started_ms = r.opt_i64("started_ms");
    n.last_seen_ms = r.opt_i64("last_seen_ms");
    n.down_since_ms = r.opt_i64("down_since_ms");
    told[n.id] = json::parse(r.str("camera_states"), nullptr, false);
    nodes.emplace(n.id, n);
  }
  for (const auto& c : cams) {
    if (!c.recording_node_id) continue;
    CameraStatus st;
    auto n = nodes.find(*c.recording_node_id);
    const json* told_st = nullptr;
    if (n != nodes.end())
      if (const auto& j = told[n->first]; j.is_object() && j.contains(std::to_string(c.id)))
        told_st = &j[std::to_string(c.id)];
    if (n == nodes.end() || n->second.state(now) != "up") {
      st.state = "recorder_down";
      st.since_ms = n == nodes.end() ? now : n->second.down_since_ms.value_or(n->second.last_seen_ms.value_or(now));
    } else if (told_st) {
      st = camera_status_from_json(*told_st);
    } else {
      st.state = "starting";
      st.since_ms = n->second.started_ms.value_or(now);
    }
    out.emplace(c.id, st);
  }
  return out;
}

std::optional<CameraStatus> Nodes::status(const Camera& cam) {
  auto all = statuses({cam});
  auto it = all.find(cam.id);
  return it == all.end() ? std::nullopt : std::optional(it->second);
}

void Nodes::check() {
  int64_t now = clock_.now_ms();
  auto nodes = list();
  std::map<int64_t, const Node*> by_id;
  for (const auto& n : nodes) by_id[n.id] = &n;
  for (const auto& n : nodes) {
    if (n.revoked_at || !n.last_seen_ms) continue;
    bool silent = !fresh(n, now);
    if (silent && !n.down_since_ms) {
      // Down: the alert, and the standby (when one is up) records its cameras until it is back.
      const Node* standby = n.standby_node_id && by_id.count(*n.standby_node_id) ? by_id[*n.standby_node_id] : nullptr;
      bool take_over = standby && standby->state(now) == "up";
      store::Work::run(db_, [&](store::Work&) {
        db_.exec("UPDATE recorder_nodes SET down_since_ms = ? WHERE id = ? AND down_since_ms IS NULL",
                 {*n.last_seen_ms, n.id});
        std::vector<std::pair<int64_t, int64_t>> moved;  // camera, unit
        for (const auto& r : db_.query("SELECT c.id, s.unit_id FROM cameras c JOIN sites s ON s.id = c.site_id "
                                       "WHERE c.recording_node_id = ?",
                                       {n.id}))
          moved.emplace_back(r.i64("id"), r.i64("unit_id"));
        if (take_over) db_.exec("UPDATE cameras SET recording_node_id = ? WHERE recording_node_id = ?", {standby->id, n.id});
        // The timeline shows the hole now, not when the node comes back: from each of its streams' last committed
        // end, closed by the next segment of whichever recorder records the stream.
        db_.exec("INSERT INTO gaps(stream_id, camera_id, start_90k, cause) "
                 "SELECT s.id, s.camera_id, (SELECT MAX(g.end_90k) FROM segments g WHERE g.stream_id = s.id), "
                 "'recorder_down' FROM streams s JOIN sample_dirs d ON d.id = s.sample_dir_id WHERE d.node_id = ? "
                 "AND EXISTS (SELECT 1 FROM segments g WHERE g.stream_id = s.id) "
                 "AND NOT EXISTS (SELECT 1 FROM gaps x WHERE x.stream_id = s.id AND x.end_90k IS NULL)",
                 {n.id});
        alerts_.raise(recorder_alert(
            db_, "recorder.down", fmt::format("node:{}", n.id),
            take_over ? fmt::format("Máy ghi hình {} mất kết nối từ {}: {} camera chuyển sang máy dự phòng {}", n.name,
                                    core::iso8601(*n.last_seen_ms), moved.size(), standby->name)
                      : fmt::format("Máy ghi hình {} mất kết nối từ {}: {} camera không được ghi hình", n.name,
                                    core::iso8601(*n.last_seen_ms), moved.size()),
            take_over ? fmt::format("Recorder node {} silent since {}: {} cameras moved to standby {}", n.name,
                                    core::iso8601(*n.last_seen_ms), moved.size(), standby->name)
                      : fmt::format("Recorder node {} silent since {}: {} cameras are not recorded", n.name,
                                    core::iso8601(*n.last_seen_ms), moved.size()),
            {"admin", "camera_admin"},
            {{"node_id", n.id}, {"node", n.name}, {"cameras", moved.size()},
             {"standby", take_over ? json(standby->name) : json()}}));
        for (const auto& [camera, unit] : moved) publish_camera_changed(bus_, camera, unit, {{"state", "recorder_down"}});
        bus_.publish_on_commit("recorder.changed", std::nullopt, auth::Action::camera_read, {{"node_id", n.id}});
      });
      core::log_warn(fmt::format("recorder node {} is down (silent since {})", n.name, core::iso8601(*n.last_seen_ms)));
    } else if (!silent && n.down_since_ms) {
      // Back: its own cameras come home, and the alert closes.
      store::Work::run(db_, [&](store::Work&) {
        db_.exec("UPDATE recorder_nodes SET down_since_ms = NULL WHERE id = ?", {n.id});
        std::vector<std::pair<int64_t, int64_t>> home;
        for (const auto& r : db_.query("SELECT c.id, s.unit_id FROM cameras c JOIN sites s ON s.id = c.site_id "
                                       "WHERE c.node_id = ? AND (c.recording_node_id IS NULL OR c.recording_node_id <> ?)",
                                       {n.id, n.id}))
          home.emplace_back(r.i64("id"), r.i64("unit_id"));
        db_.exec("UPDATE cameras SET recording_node_id = node_id WHERE node_id = ?", {n.id});
        alerts_.resolve("recorder.down", fmt::format("node:{}", n.id));
        for (const auto& [camera, unit] : home) publish_camera_changed(bus_, camera, unit);
        bus_.publish_on_commit("recorder.changed", std::nullopt, auth::Action::camera_read, {{"node_id", n.id}});
      });
      core::log_info(fmt::format("recorder node {} is back", n.name));
    }
  }
}

}  // namespace watchfloor::video
