// Recorder nodes (video/nodes.h): camera administrators see them, to assign cameras; the administrator registers,
// changes, re-keys and revokes them. A node's key is in the answer of its registration and of a new key only.
#include "api/routes.h"
#include "core/json_body.h"
#include "video/nodes.h"

namespace watchfloor::api {
namespace {

using core::Need;
using core::Problem;
using nlohmann::json;

json node_json(Services& s, const video::Node& n, const std::map<int64_t, std::string>& names) {
  json j = video::to_json(n, s.clock.now_ms());
  auto it = n.standby_node_id ? names.find(*n.standby_node_id) : names.end();
  j["standby_node_name"] = it == names.end() ? json() : json(it->second);
  return j;
}

json node_json(Services& s, const video::Node& n) {
  std::map<int64_t, std::string> names;
  if (n.standby_node_id)
    if (auto sb = s.nodes.get(*n.standby_node_id)) names[sb->id] = sb->name;
  return node_json(s, n, names);
}

video::NodeInput parse_node(const std::string& text, bool create) {
  auto b = core::JsonBody::parse(text, {"name", "address", "capacity", "standby_node_id"});
  Need need = create ? Need::required : Need::optional;
  video::NodeInput in;
  in.name = b.string("name", need, 63);
  in.address = b.string("address", need, 300);
  in.capacity = b.integer("capacity", need);
  in.standby_node_id = b.nullable_integer("standby_node_id");
  b.finish();
  return in;
}

// Nodes record for a cluster; one server on its SQLite file records every camera itself.
void require_cluster_store(Services& s) {
  if (s.db.dialect() != store::Dialect::postgres)
    throw Problem(409, "nodes-need-postgresql", "Recorder nodes need a PostgreSQL store",
                  "Máy ghi hình riêng cần kho dữ liệu PostgreSQL",
                  "This installation runs on one server with its SQLite file, which records every camera itself.",
                  "Hệ thống đang chạy trên một máy chủ với tệp SQLite; máy chủ này tự ghi hình mọi camera.");
}

video::Node load_node(http::Context& ctx, Services& s) {
  auto n = s.nodes.get(ctx.id_param());
  if (!n) throw Problem::not_found("The recorder node", "Máy ghi hình");
  return *n;
}

http::Response list_nodes(http::Context&, Services& s) {
  auto nodes = s.nodes.list();
  std::map<int64_t, std::string> names;
  for (const auto& n : nodes) names[n.id] = n.name;
  json items = json::array();
  for (const auto& n : nodes) items.push_back(node_json(s, n, names));
  return http::Response::json(
      200, {{"items", items}, {"store", s.db.dialect() == store::Dialect::postgres ? "postgresql" : "sqlite"}});
}

http::Response create_node(http::Context& ctx, Services& s) {
  auto in = parse_node(ctx.req.body, true);
  require_cluster_store(s);
  auto issued = s.nodes.create(in, ctx.actor());
  return http::Response::json(201, {{"node", node_json(s, issued.node)}, {"key", issued.key}})
      .with_header("Cache-Control", "no-store");
}

http::Response update_node(http::Context& ctx, Services& s) {
  auto in = parse_node(ctx.req.body, false);
  auto n = load_node(ctx, s);
  return http::Response::json(200, node_json(s, s.nodes.update(n.id, in, ctx.actor())));
}

http::Response revoke_node(http::Context& ctx, Services& s) {
  auto n = load_node(ctx, s);
  return http::Response::json(200, node_json(s, s.nodes.revoke(n.id, ctx.actor())));
}

http::Response rekey_node(http::Context& ctx, Services& s) {
  auto n = load_node(ctx, s);
  return http::Response::json(200, {{"key", s.nodes.rekey(n.id, ctx.actor())}}).with_header("Cache-Control", "no-store");
}

}  // namespace

void add_recorder_node_routes(http::Router& r, Services& s) {
  add_routes(r, s, {
    {"GET", "/api/v1/recorder-nodes", auth::Action::camera_write, list_nodes},
    {"POST", "/api/v1/recorder-nodes", auth::Action::config_write, create_node},
    {"PATCH", "/api/v1/recorder-nodes/{id}", auth::Action::config_write, update_node},
    {"POST", "/api/v1/recorder-nodes/{id}/revoke", auth::Action::config_write, revoke_node},
    {"POST", "/api/v1/recorder-nodes/{id}/key", auth::Action::config_write, rekey_node},
  });
}

}  // namespace watchfloor::api
