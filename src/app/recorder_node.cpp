// `watchfloor recorder --config FILE`: this machine as a recorder node (video/nodes.h). It signs in with the name
// and key the administrator registered it with, records the cameras the cluster gives it (a change on any server
// reaches it as a `camera.changed` event), heart-beats every 5 s with its disks and its cameras' states, and serves
// recordings, stills and live view to the API servers only (api/node_api.cpp), every request signed with its key.
#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/api.h"
#include "app/installation.h"
#include "core/log.h"
#include "http/server.h"

namespace watchfloor::app {

namespace {
video::Heartbeat beat(Installation& inst, int64_t node_id) {
  video::Heartbeat hb;
  auto disk = inst.recorder.retention().space();
  hb.disk_total_bytes = int64_t(disk.total);
  hb.disk_free_bytes = int64_t(disk.free);
  hb.sample_dirs = {inst.recorder.index().own_dir().string()};
  hb.version = WATCHFLOOR_VERSION;
  for (int64_t id : inst.nodes.cameras_of(node_id))
    if (auto st = inst.recorder.status(id)) hb.cameras.emplace(id, *st);
  return hb;
}
}  // namespace

int serve_node(Installation& inst, std::ostream& out) {
  const auto& nc = inst.config.node;
  if (inst.db->dialect() != store::Dialect::postgres)
    throw std::runtime_error("a recorder node records for a cluster: [store] url must name its PostgreSQL store");
  if (nc.name.empty() || nc.key.empty())
    throw std::runtime_error("[node] name and key are required: register the node in the console (Máy ghi hình / "
                             "Recorder nodes) and copy its key");
  auto node = inst.nodes.sign_in(nc.name, nc.key, WATCHFLOOR_VERSION);
  if (!node) throw std::runtime_error("recorder node \"" + nc.name + "\" is not registered, is revoked, or its key is wrong");
  warn_about_exposed_files(inst.config);
  inst.recorder.set_node(node->id, node->name);

  http::ServerOptions opt;
  http::parse_listen(nc.listen, opt);
  opt.threads = 4;
  opt.tls_cert = nc.tls_cert;
  opt.tls_key = nc.tls_key;
  opt.max_body_bytes = 4096;  // the API servers only ask
  opt.idle_timeout_s = 60;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  opt.on_stop = [&] {
    stop_within(std::chrono::milliseconds(1800));
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    cv.notify_all();
  };
  http::Server server(opt, api::make_node_handler({inst.recorder, inst.catalog, inst.clock, nc.key}));
  server.bind();

  // Changes to the cameras, made on any server: the recorder starts, restarts or stops the camera on its own thread.
  uint64_t sub = inst.bus.subscribe([&inst](const events::Event& e) {
    if (e.topic == "camera.changed") inst.recorder.request_sync(e.payload.value("camera_id", int64_t{0}));
  });
  inst.recorder.on_health([&inst](const video::HealthChange& h) {
    try {
      log_camera_health(inst, h);
    } catch (const std::exception& e) {
      core::log_error(std::string("camera health to duty log: ") + e.what());
    }
  });
  inst.recorder.start();
  out << "watchfloor: listening on " << (server.tls() ? "https://" : "http://") << opt.host << ":" << server.port()
      << " (recorder node " << node->name << ")\n"
      << std::flush;
  core::log_info(fmt::format("recorder node {} (id {}) recording into {}", node->name, node->id,
                             inst.recorder.index().own_dir().string()));

  // The heart-beat: a node revoked or given a new key stops.
  bool revoked = false;
  std::thread heart([&] {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      bool ok = true;
      try {
        ok = inst.nodes.heartbeat(node->id, nc.key, beat(inst, node->id));
      } catch (const std::exception& e) {
        core::log_error(std::string("recorder node heart-beat failed: ") + e.what());
      }
      if (!ok) {
        core::log_error("recorder node " + node->name + " was revoked or given a new key: stopping");
        revoked = true;
        server.stop();
        return;
      }
      lock.lock();
      cv.wait_for(lock, std::chrono::milliseconds(video::Nodes::kHeartbeatMs), [&] { return stopping; });
    }
  });
  server.run();
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  cv.notify_all();
  heart.join();
  inst.bus.unsubscribe(sub);
  inst.recorder.stop();
  core::log_info("recorder node stopped: every segment committed");
  return revoked ? 3 : 0;
}

}  // namespace watchfloor::app
