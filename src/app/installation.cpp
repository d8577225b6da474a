#include "store/work.h"
#include "app/installation.h"

#include <unistd.h>

#include <fmt/format.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>
#include <iostream>

#include "api/api.h"
#include "core/json_body.h"
#include "core/log.h"
#include "core/private_files.h"
#include "core/random.h"
#include "duty/report.h"
#include "duty/watch.h"
#include "http/server.h"
#include "org/preset.h"

namespace watchfloor::app {

namespace {
video::RecorderOptions recorder_options(const core::RecorderConfig& c) {
  video::RecorderOptions o;
  o.writer.segment_s = c.segment_s;
  o.writer.min_segment_s = std::min(10, c.segment_s / 2);
  o.rtsp_timeout_ms = c.rtsp_timeout_s * 1000;
  o.offline_alert_after_ms = int64_t(c.offline_alert_s) * 1000;
  o.backoff_max_ms = int64_t(c.backoff_max_s) * 1000;
  o.retention_interval_ms = int64_t(c.retention_interval_s) * 1000;
  o.floor_percent = c.floor_percent;
  o.scrub.bytes_per_s = int64_t(c.scrub_mb_per_s) << 20;
  return o;
}

video::ExportOptions export_options(const core::EvidenceConfig& c) {
  video::ExportOptions o;
  o.queue = size_t(c.export_queue);
  o.link_ms = int64_t(c.link_minutes) * 60'000;
  o.watermark.preset = c.x264_preset;
  return o;
}
}  // namespace

Installation::Installation(core::Config cfg)
    : config(std::move(cfg)),
      db(store::open(config.store.url, config.data_dir / "watchfloor.db", {.readers = config.store.readers})),
      audit(*db, clock),
      refusals(audit, clock),
      bus(clock, events::Bus::kDefaultCapacity, clock.now_ms() * 1000),
      cluster_events(*db, clock),
      sessions(*db, clock, config.security),
      // On PostgreSQL every server shares one sign-in budget (auth/throttle.h); on SQLite one server owns the store.
      throttle(clock, config.security, db->dialect() == store::Dialect::postgres ? db.get() : nullptr),
      units(*db, clock, audit, bus),
      users(*db, clock, units, audit, sessions),
      alerts(*db, clock, bus, audit),
      duty(*db, clock, units, users, audit, bus),
      inbox(*db, clock, bus),
      directory(*db, units, duty),
      tasks(*db, clock, units, duty, directory, audit),
      cases(*db, clock, units, duty, directory, bus, alerts, audit, inbox, tasks),
      coordination(*db, clock, units, duty, directory, bus, alerts, audit, inbox, cases),
      escalation(*db, clock, units, duty, directory, alerts, audit, inbox, cases),
      secrets(config.data_dir / "secret.key"),
      signing(config.data_dir / "signing.key"),
      checkpoints(*db, clock, audit, signing,
                  {config.audit.checkpoint_entries, int64_t{config.audit.checkpoint_minutes} * 60'000}),
      catalog(*db, clock, units, secrets, audit, &bus),
      recorder(*db, clock, catalog, alerts, bus, config.data_dir / "video", recorder_options(config.recorder)),
      relationships(*db, clock, audit, units),
      grants(*db, clock, audit, bus, inbox),
      requests(*db, clock, audit, units, duty, directory, inbox, catalog, relationships, grants, config.sharing),
      evidence(*db, clock, catalog, recorder.index(), recorder.retention(), audit, config.data_dir / "evidence", int64_t{config.evidence.max_clip_minutes} * 60'000),
      exports(*db, clock, audit, bus, recorder, signing, config.data_dir / "exports", config.data_dir / "evidence",
              export_options(config.evidence)),
      nodes(*db, clock, secrets, audit, alerts, bus, catalog) {
  if (db->dialect() == store::Dialect::postgres) cluster_events.start(bus);
  // Open cases of the duty watch travel with the handover (Art. 16.4a).
  duty.add_open_items_source([this](int64_t unit_id) { return cases.open_items(unit_id); });
}

api::Services Installation::services() {
  return api::Services{*db, clock, config, units, users, sessions, throttle, audit, checkpoints, bus, duty, alerts,
                       tasks, cases, coordination, inbox, escalation, catalog, recorder, relationships, requests, grants,
                       evidence, exports, nodes};
}

std::optional<std::string> Installation::setting(const std::string& key) {
  auto row = db->query_one("SELECT value FROM installation WHERE key = ?", {key});
  return row ? std::optional(row->str("value")) : std::nullopt;
}

void Installation::set_setting(const std::string& key, const std::string& value) {
  db->exec("INSERT INTO installation(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
           {key, value});
}

audit::Actor cli_actor() {
  const char* login = getlogin();
  return audit::Actor::system(login ? std::string("cli:") + login : "cli");
}

std::filesystem::path resources_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec)
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      // The repository (build/watchfloor), or an installation's PREFIX/share/watchfloor (/usr/bin/watchfloor).
      for (const auto& candidate : {dir, dir / "share" / "watchfloor"})
        if (std::filesystem::exists(candidate / "presets" / "org-2017.json")) return candidate;
  return std::filesystem::current_path();
}

core::Config resolve_config(const std::optional<std::filesystem::path>& config_file,
                            const std::optional<std::filesystem::path>& data_dir,
                            const std::optional<std::string>& listen,
                            const std::optional<std::string>& metrics_listen) {
  core::Config c = config_file ? core::load_config(*config_file) : core::Config{};
  if (data_dir) c.data_dir = *data_dir;
  // The store's URL may carry a password: the environment keeps it out of the configuration file.
  if (const char* url = std::getenv("WATCHFLOOR_STORE_URL"); url && *url) c.store.url = url;
  if (listen) c.server.listen = *listen;
  if (metrics_listen) c.server.metrics_listen = *metrics_listen;
  if (c.server.web_root.empty()) c.server.web_root = resources_dir() / "web" / "dist";
  return c;
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return core::parse_json(text);
  } catch (const core::Problem& p) {
    throw std::runtime_error(file.string() + ": " + p.what());
  }
}

void bootstrap(Installation& inst, std::ostream& out) {
  if (inst.db->query_one("SELECT 1 FROM users LIMIT 1")) return;
  std::string password = core::random_password();
  auto setup = audit::Actor::system("setup");
  store::Work::run(*inst.db, [&](store::Work&) {
    if (!inst.db->query_one("SELECT 1 FROM units LIMIT 1"))
      org::import_org(inst.units, read_json_file(resources_dir() / "presets" / "org-2017.json"), "org-2017.json",
                      setup);
    auto root = inst.db->query_one("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
    org::UserInput in;
    in.username = "admin";
    in.full_name = "Quản trị hệ thống";
    in.title = "Quản trị hệ thống";
    in.unit_id = root->i64("id");
    in.password = password;
    in.must_change_password = true;
    in.roles = std::vector<auth::Grant>{{auth::Role::admin, root->i64("id")}};
    inst.users.create(in, setup);
    if (!inst.setting("kind")) inst.set_setting("kind", "real");
  });
  out << "watchfloor: created administrator \"admin\" with one-time password: " << password << "\n"
      << "watchfloor: it must be changed at first login; it is not shown again.\n"
      << std::flush;
}

int64_t system_user_id(Installation& inst) {
  if (auto r = inst.db->query_one("SELECT id FROM users WHERE username = 'system'")) return r->i64("id");
  auto root = inst.db->query_one("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
  if (!root) throw std::runtime_error("no unit for the system account");
  // An inactive account with no password hash that any verifier accepts: it cannot log in.
  inst.db->exec("INSERT INTO users(username, full_name, unit_id, title, password_hash, active, created_at) "
                "VALUES ('system', 'Hệ thống watchfloor', ?, '', '!', 0, ?)",
                {root->i64("id"), inst.clock.now_ms()});
  return inst.db->last_insert_id();
}

void log_camera_health(Installation& inst, const video::HealthChange& h) {
  // The duty watch of the camera's unit: the nearest unit up the tree that designates one; its shift
  // is rostered at that unit or at the designated one (as routing finds it, Art. 16.4a).
  std::optional<duty::Shift> shift;
  std::string tz = "Asia/Ho_Chi_Minh";
  for (auto u = inst.units.get(h.unit_id); u && !shift; u = u->parent_id ? inst.units.get(*u->parent_id) : std::nullopt) {
    auto d = u->designations.find("duty_watch");
    if (d == u->designations.end()) continue;
    for (int64_t at : {u->id, d->second})
      if (auto s = inst.duty.shift_at(at, h.at_ms); s && s->status(h.at_ms) == "on_duty" && !shift) shift = s;
    tz = u->time_zone;
    break;
  }
  if (!shift) return;
  std::string text =
      h.kind == "outage_started"
          ? fmt::format("Camera {} mất tín hiệu từ {} (hệ thống tự ghi).", h.camera_name,
                        duty::format_local(h.outage_started_ms, tz, "%H:%M %d/%m/%Y"))
          : fmt::format("Camera {} đã có tín hiệu trở lại (hệ thống tự ghi).", h.camera_name);
  // Audited and published ("duty_log.created") by the duty watch itself.
  inst.duty.add_log(shift->id, system_user_id(inst), "equipment_status", text, {{"camera_id", h.camera_id}}, std::nullopt);
}

void warn_about_exposed_files(const core::Config& config) {
  for (const auto& p : {config.data_dir, config.data_dir / "watchfloor.db", config.data_dir / "secret.key",
                        config.data_dir / "signing.key"})
    if (auto warning = core::exposure_warning(p)) core::log_warn(*warning);
}

namespace {
std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}
}  // namespace

void stop_within(std::chrono::milliseconds limit) {
  static std::once_flag once;
  std::call_once(once, [limit] {
    std::thread([limit] {
      std::this_thread::sleep_for(limit);
      // Only what is safe while the rest of the process may be tearing down: no logger, no locks.
      static const char msg[] =
          "watchfloor: still stopping after the time allowed; exiting now (committed data is on disk)\n";
      [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
      std::_Exit(0);
    }).detach();
  });
}

int serve(Installation& inst, std::ostream& out) {
  warn_about_exposed_files(inst.config);
  api::Services services = inst.services();
  auto router = api::make_router(services);
  auto authenticator = api::make_authenticator(services);
  std::optional<http::Server> metrics_server;
  http::ServerOptions metrics_opt;
  if (!inst.config.server.metrics_listen.empty()) {
    http::parse_listen(inst.config.server.metrics_listen, metrics_opt);
    metrics_opt.threads = 1;
    metrics_opt.max_body_bytes = 4096;
    metrics_opt.max_connections = 16;
    metrics_opt.read_timeout_s = 10;
    metrics_opt.write_timeout_s = 10;
    metrics_opt.publish_gauges = false;  // the connection gauges describe the main listener
    metrics_server.emplace(metrics_opt,
                           http::make_dispatcher(api::make_metrics_router(), authenticator, http::DispatchOptions{}));
  }
  http::ServerOptions opt;
  http::parse_listen(inst.config.server.listen, opt);
  opt.threads = inst.config.server.threads;
  opt.max_body_bytes = inst.config.server.max_body_bytes;
  opt.large_bodies = {{"/api/v1/evidence/verify", size_t(inst.config.evidence.verify_max_mb) << 20}};
  opt.max_header_bytes = inst.config.server.max_header_bytes;
  opt.max_connections = inst.config.server.max_connections;
  opt.max_connections_per_ip = inst.config.server.max_connections_per_ip;
  opt.header_timeout_s = inst.config.server.header_timeout_s;
  opt.idle_timeout_s = inst.config.server.idle_timeout_s;
  opt.trusted_proxies = inst.config.server.trusted_proxies;
  opt.tls_cert = inst.config.server.tls_cert;
  opt.tls_key = inst.config.server.tls_key;
  opt.read_timeout_s = inst.config.server.read_timeout_s;
  opt.write_timeout_s = inst.config.server.write_timeout_s;
  opt.ws_tick_s = inst.config.server.ws_session_check_s;
  http::DispatchOptions dispatch{inst.config.server.web_root, nullptr};
  dispatch.on_refused = [&inst](const http::Context& ctx, const http::Route& route, int status, const std::string& reason) {
    audit::Refusal r{std::nullopt, {}, std::nullopt, ctx.req.remote_ip, ctx.req.method, route.pattern, status, reason,
                     ctx.refusal_subject};
    if (ctx.identity) {
      r.actor_id = ctx.identity->principal.user_id;
      r.actor = ctx.identity->principal.username;
      r.unit_id = ctx.identity->principal.unit_id;
    }
    inst.refusals.note(r);
  };
  // The watch over the duty watch and the cases (below) ends with the server; and whatever still runs
  // 1.8 s after the stop began does not hold the process (stop_within).
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool stopping = false;
  opt.on_stop = [&] {
    stop_within(std::chrono::milliseconds(1800));
    {
      std::lock_guard lock(watch_mu);
      stopping = true;
    }
    watch_cv.notify_all();
  };
  http::Server server(opt, http::make_dispatcher(router, authenticator, dispatch));
  server.bind();
  if (!std::filesystem::exists(inst.config.server.web_root / "index.html"))
    core::log_warn("the console is not built (" + inst.config.server.web_root.string() + "/index.html missing); run make build");
  // Metrics are for monitoring, not for serving: a port another instance holds (two demos on one
  // machine) costs the metrics, not the start.
  bool metrics_up = false;
  if (metrics_server) {
    try {
      metrics_server->bind();
      metrics_up = true;
    } catch (const std::exception& e) {
      core::log_warn(fmt::format("metrics listener {} not started: {}", inst.config.server.metrics_listen, e.what()));
    }
  }
  out << "watchfloor: listening on " << (server.tls() ? "https://" : "http://") << url_host(opt.host) << ":" << server.port() << "\n";
  if (metrics_up) out << "watchfloor: metrics on http://" << url_host(metrics_opt.host) << ":" << metrics_server->port() << "\n";
  out << std::flush;
  core::log_info("serving; data in " + inst.config.data_dir.string());
  // The watch over the duty watch (alerts for missing members, late handovers and roster gaps, every
  // 30 s) and over the cases (escalation, acknowledgement timeouts, coordination deadlines, every 10 s).
  std::thread watchman([&] {
    std::unique_lock lock(watch_mu);
    for (int round = 0;; ++round) {
      lock.unlock();
      // With several servers on one store, one of them keeps this watch (store::Db::leads).
      bool lead = inst.db->leads("watchman");
      try {
        if (lead && round % 3 == 0) duty::check_duty(inst.duty, inst.units, inst.alerts, inst.clock.now_ms());
      } catch (const std::exception& e) {
        core::log_error(std::string("duty watch check failed: ") + e.what());
      }
      try {
        if (inst.db->leads("recorders")) inst.nodes.check();
      } catch (const std::exception& e) {
        core::log_error(std::string("recorder nodes check failed: ") + e.what());
      }
      try {
        if (lead) inst.escalation.check(inst.clock.now_ms());
      } catch (const std::exception& e) {
        core::log_error(std::string("case escalation check failed: ") + e.what());
      }
      inst.refusals.flush();
      try {
        if (lead) inst.checkpoints.take_if_due();
      } catch (const std::exception& e) {
        core::log_error(std::string("audit checkpoint failed: ") + e.what());
      }
      lock.lock();
      if (watch_cv.wait_for(lock, std::chrono::seconds(10), [&] { return stopping; })) break;
    }
  });
  inst.recorder.on_health([&inst](const video::HealthChange& h) {
    try {
      log_camera_health(inst, h);
    } catch (const std::exception& e) {
      core::log_error(std::string("camera health to duty log: ") + e.what());
    }
  });
  // A camera changed on another server (or given to a node, or taken back) is started or stopped here too.
  uint64_t camera_changes = inst.bus.subscribe([&inst](const events::Event& e) {
    if (e.topic == "camera.changed") inst.recorder.request_sync(e.payload.value("camera_id", int64_t{0}));
  });
  if (inst.config.recorder.enabled) inst.recorder.start();
  else core::log_json({{"event", "recorder.disabled"}, {"reason", "[recorder] enabled = false: another server records"}});
  inst.exports.start();
  std::thread metrics_thread;
  if (metrics_up)
    metrics_thread = std::thread([&] {
      try {
        metrics_server->run();
      } catch (const std::exception& e) {
        core::log_error(std::string("metrics listener failed: ") + e.what());
      }
    });
  server.run();
  if (metrics_thread.joinable()) {
    metrics_server->stop();
    metrics_thread.join();
  }
  inst.exports.stop();
  inst.bus.unsubscribe(camera_changes);
  inst.recorder.stop();
  watchman.join();
  inst.refusals.flush(true);
  try {
    inst.checkpoints.take();  // the log as it was left
  } catch (const std::exception& e) {
    core::log_error(std::string("audit checkpoint at stop failed: ") + e.what());
  }
  core::log_info("stopped: every request finished, the database is closed cleanly");
  return 0;
}

}  // namespace watchfloor::app
