// watchfloor command line: serve, demo, migrate, user, org, audit verify, evidence verify, video fsck, backup, restore, seed,
// routes.
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "api/api.h"
#include "app/backup.h"
#include "app/installation.h"
#include "app/migrate_store.h"
#include "core/log.h"
#include "core/random.h"
#include "org/preset.h"
#include "store/db.h"
#include "video/bundle.h"
#include "video/fsck.h"

using namespace watchfloor;

namespace {

struct Where {
  std::optional<std::filesystem::path> config, data;
  std::optional<std::string> listen, metrics_listen;
  void add_to(CLI::App* cmd, bool with_listen) {
    cmd->add_option("--config", config, "TOML configuration file");
    cmd->add_option("--data", data, "data directory (overrides the configuration)");
    if (with_listen) {
      cmd->add_option("--listen", listen, "HOST:PORT to listen on (overrides the configuration)");
      cmd->add_option("--metrics-listen", metrics_listen,
                      "HOST:PORT of the metrics listener, \"\" for none (overrides the configuration)");
    }
  }
  std::unique_ptr<app::Installation> open() const {
    return std::make_unique<app::Installation>(app::resolve_config(config, data, listen, metrics_listen));
  }
};

void print_logins(const nlohmann::json& logins, const std::filesystem::path& file) {
  std::cout << "\nwatchfloor demo — tài khoản thử nghiệm / demo logins (also in " << file.string() << "):\n";
  for (const auto& l : logins) {
    std::string roles;
    for (const auto& r : l.at("roles")) {
      if (!roles.empty()) roles += ',';
      roles += r.get<std::string>();
    }
    std::cout << "  " << std::left << std::setw(18) << l.at("username").get<std::string>() << " "
              << std::setw(24) << l.at("password").get<std::string>() << " " << std::setw(12)
              << l.at("unit").get<std::string>() << " " << roles << "\n";
  }
  std::cout << std::endl;
}

org::User find_user(app::Installation& inst, const std::string& username) {
  auto u = inst.users.by_username(username);
  if (!u) throw std::runtime_error("no user named '" + username + "'");
  return *u;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything this process creates — the data directory, the database and its -wal/-shm, keys,
  // recordings, exports — is for the service account alone (core/private_files.h).
  ::umask(077);
  CLI::App cli{"watchfloor — hệ thống giám sát trực tuyến ngành Hải quan / customs online supervision platform"};
  cli.require_subcommand(1);
  bool verbose = false;
  cli.add_flag("-v,--verbose", verbose, "debug logging");

  Where serve_w, demo_w, migrate_w, user_w, org_w, audit_w, backup_w, restore_w, seed_w;
  auto* serve = cli.add_subcommand("serve", "serve the console and the API");
  serve_w.add_to(serve, true);

  auto* demo = cli.add_subcommand("demo", "create (if absent) and serve a demo installation");
  demo_w.add_to(demo, true);
  std::string camsim_path;
  int camsim_port = 8554;
  demo->add_option("--camsim", camsim_path, "start this camera simulator (build/watchfloor-camsim) and record its cameras");
  demo->add_option("--camsim-port", camsim_port, "RTSP port of the simulator")->check(CLI::Range(1, 65535));
  // The API and browser tests make one demo, copy it for each server they start and save its creation each time.
  bool demo_create_only = false;
  demo->add_flag("--create-only", demo_create_only, "create (if absent) the demo installation and exit without serving")
      ->excludes(demo->get_option("--camsim"));

  auto* recorder = cli.add_subcommand("recorder", "run this machine as a recorder node of a cluster ([node] in --config)");
  Where recorder_w;
  recorder_w.add_to(recorder, false);
  auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
  migrate_w.add_to(migrate, false);

  auto* migrate_store = cli.add_subcommand("migrate-store", "move an installation from its SQLite file into PostgreSQL");
  std::string store_from, store_to;
  migrate_store->add_option("--from", store_from, "sqlite:PATH of the installation's watchfloor.db")->required();
  migrate_store->add_option("--to", store_to, "postgresql://… of an empty database (default: WATCHFLOOR_STORE_URL)");

  auto* user = cli.add_subcommand("user", "manage people");
  user->require_subcommand(1);
  user_w.add_to(user, false);
  std::string username, unit_code, full_name, title;
  std::vector<std::string> roles;
  auto* user_add = user->add_subcommand("add", "add a person; prints a one-time password");
  user_add->add_option("username", username)->required();
  user_add->add_option("--unit", unit_code, "code of the person's unit")->required();
  user_add->add_option("--full-name", full_name, "full name")->required();
  user_add->add_option("--title", title, "job title");
  user_add->add_option("--role", roles, "ROLE or ROLE@UNITCODE (repeatable)");
  auto* user_passwd = user->add_subcommand("passwd", "set a new one-time password");
  user_passwd->add_option("username", username)->required();
  auto* user_disable = user->add_subcommand("disable", "disable an account and end its sessions");
  user_disable->add_option("username", username)->required();
  for (auto* leaf : {user_add, user_passwd, user_disable}) leaf->fallthrough();

  auto* org_cmd = cli.add_subcommand("org", "organisation import and export");
  org_cmd->require_subcommand(1);
  org_w.add_to(org_cmd, false);
  std::filesystem::path org_file;
  auto* org_import = org_cmd->add_subcommand("import", "create or update units from a JSON file");
  org_import->add_option("file", org_file)->required();
  auto* org_export = org_cmd->add_subcommand("export", "write the organisation to a JSON file");
  org_export->add_option("file", org_file)->required();
  org_import->fallthrough();
  org_export->fallthrough();

  auto* audit_cmd = cli.add_subcommand("audit", "audit log");
  audit_cmd->require_subcommand(1);
  audit_w.add_to(audit_cmd, false);
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "check the hash chain and the newest signed checkpoint (and FILE's); exit 1 when broken or cut short");
  std::optional<std::filesystem::path> checkpoint_file;
  audit_verify->add_option("--checkpoint", checkpoint_file, "a checkpoint file downloaded earlier or kept by another unit");
  audit_verify->fallthrough();
  std::optional<std::filesystem::path> checkpoint_out;
  auto* audit_checkpoint = audit_cmd->add_subcommand("checkpoint", "sign the log's head now and print the checkpoint (JSON)");
  audit_checkpoint->add_option("--out", checkpoint_out, "write it to this file instead");
  audit_checkpoint->fallthrough();

  std::filesystem::path backup_dir;
  auto* backup = cli.add_subcommand("backup", "copy the database (while the server runs), secret.key and a manifest of the video index into DEST");
  backup_w.add_to(backup, false);
  backup->add_option("dest", backup_dir, "a new or empty directory")->required();
  bool restore_force = false;
  auto* restore = cli.add_subcommand("restore", "restore a backup into the data directory and report missing video files");
  restore_w.add_to(restore, false);
  restore->add_option("src", backup_dir, "a directory written by watchfloor backup")->required();
  restore->add_flag("--force", restore_force, "replace the database and secret.key of a data directory that is not empty");

  auto* routes = cli.add_subcommand("routes", "print every HTTP route");

  // The recorder's store against its index (docs/formats.md §6); exit 1 when problems remain.
  Where video_w;
  auto* video_cmd = cli.add_subcommand("video", "recordings");
  video_cmd->require_subcommand(1);
  video_w.add_to(video_cmd, false);
  video::FsckOptions fsck_opt;
  auto* video_fsck = video_cmd->add_subcommand("fsck", "check the video index against the files");
  video_fsck->add_flag("--repair", fsck_opt.repair, "do what is safe: drop rows of lost files, remove orphans");
  video_fsck->add_flag("--hash", fsck_opt.hash, "also re-hash every segment");
  video_fsck->fallthrough();
  Where evidence_w;
  auto* evidence_cmd = cli.add_subcommand("evidence", "evidence bundles");
  evidence_cmd->require_subcommand(1);
  evidence_w.add_to(evidence_cmd, false);
  std::filesystem::path bundle_path;
  std::optional<std::string> public_key;
  auto* evidence_verify = evidence_cmd->add_subcommand(
      "verify", "check an export bundle (ZIP or unpacked directory): signature, every file; exit 1 naming what fails");
  evidence_verify->add_option("BUNDLE", bundle_path, "the bundle's .zip file or the directory it was unpacked into")->required();
  evidence_verify->add_option("--public-key", public_key, "the signer's public key (base64) to check against");
  evidence_verify->fallthrough();
  auto* seed = cli.add_subcommand("seed", "grow a demo installation to N cases, cameras, people and audit entries (bench/growth, bench/scale)");
  seed_w.add_to(seed, false);
  int64_t seed_cases = 0, seed_cameras = 0, seed_users = 0, seed_audit = 0;
  seed->add_option("--cases", seed_cases, "cases in all (all but the newest 2,000 seeded ones concluded and closed, those in handling)")->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
  seed->add_option("--cameras", seed_cameras, "cameras in all")->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));
  seed->add_option("--users", seed_users, "people in all")->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));
  seed->add_option("--audit", seed_audit, "audit log entries in all")->check(CLI::Range(int64_t{0}, int64_t{100'000'000}));

  CLI11_PARSE(cli, argc, argv);
  core::init_logging(verbose);

  try {
    if (*serve) {
      auto inst = serve_w.open();
      app::bootstrap(*inst, std::cout);
      return app::serve(*inst, std::cout);
    }
    if (*demo) {
      if (!demo_w.data && !demo_w.config) demo_w.data = "var/demo";
      auto inst = demo_w.open();
      auto logins = app::ensure_demo(*inst);
      app::ensure_demo_duty(*inst, inst->duty);
      app::ensure_demo_cases(*inst);
      if (!camsim_path.empty()) {
        if (!std::filesystem::exists(camsim_path)) throw std::runtime_error("no camera simulator at " + camsim_path);
        app::ensure_demo_cameras(*inst, camsim_port);
        app::ensure_demo_walls(*inst);
        app::ensure_demo_sharing(*inst);
        app::start_camsim(camsim_path, inst->config.data_dir / "camsim-cache", camsim_port);
      }
      print_logins(logins, inst->config.data_dir / "demo-logins.json");
      if (demo_create_only) return 0;
      return app::serve(*inst, std::cout);
    }
    if (*recorder) return app::serve_node(*recorder_w.open(), std::cout);
    if (*migrate) {
      auto inst = migrate_w.open();  // opening applies the migrations
      std::cout << "watchfloor: schema version " << store::schema_version(*inst->db) << "\n";
      return 0;
    }
    if (*migrate_store) {
      if (store_to.empty())
        if (const char* url = std::getenv("WATCHFLOOR_STORE_URL")) store_to = url;
      return app::migrate_store(store_from, store_to, std::cout);
    }
    if (*user) {
      auto inst = user_w.open();
      if (*user_add) {
        auto unit = inst->units.by_code(unit_code);
        if (!unit) throw std::runtime_error("no unit with code '" + unit_code + "'");
        org::UserInput in;
        in.username = username;
        in.full_name = full_name;
        in.title = title;
        in.unit_id = unit->id;
        in.password = core::random_password();
        in.must_change_password = true;
        in.roles.emplace();
        for (const auto& spec : roles) {
          auto at = spec.find('@');
          auto role = auth::parse_role(spec.substr(0, at));
          if (!role) throw std::runtime_error("unknown role '" + spec.substr(0, at) + "'");
          auto grant_unit = at == std::string::npos ? unit : inst->units.by_code(spec.substr(at + 1));
          if (!grant_unit) throw std::runtime_error("no unit with code '" + spec.substr(at + 1) + "'");
          in.roles->push_back({*role, grant_unit->id});
        }
        inst->users.create(in, app::cli_actor());
        std::cout << "watchfloor: created \"" << username << "\" with one-time password: " << *in.password << "\n";
      } else if (*user_passwd) {
        auto u = find_user(*inst, username);
        std::string pw = core::random_password();
        inst->users.set_password(u.id, pw, true, app::cli_actor());
        std::cout << "watchfloor: new one-time password for \"" << username << "\": " << pw << "\n";
      } else if (*user_disable) {
        auto u = find_user(*inst, username);
        org::UserInput in;
        in.active = false;
        inst->users.update(u.id, in, app::cli_actor());  // ends the person's sessions
        std::cout << "watchfloor: disabled \"" << username << "\"\n";
      }
      return 0;
    }
    if (*org_cmd) {
      auto inst = org_w.open();
      if (*org_import) {
        auto doc = app::read_json_file(org_file);
        auto r = org::import_org(inst->units, doc, org_file.filename().string(), app::cli_actor());
        std::cout << "watchfloor: imported " << r.created << " new and " << r.updated << " updated units\n";
      } else {
        std::ofstream out(org_file);
        out << org::export_org(inst->units).dump(2) << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + org_file.string());
        std::cout << "watchfloor: wrote " << org_file.string() << "\n";
      }
      return 0;
    }
    if (*audit_cmd && *audit_verify) {
      auto inst = audit_w.open();
      auto v = inst->audit.verify();
      if (!v.ok) {
        std::cout << "BROKEN: first broken entry seq " << *v.first_broken_seq << " (" << v.reason << ")\n";
        return 1;
      }
      std::cout << "OK: " << v.entries << " entries, hash chain intact\n";
      auto report = [](const char* what, const audit::CheckpointCheck& c) {
        std::cout << (c.ok ? "OK: " : "BROKEN: ") << what << (c.ok ? "" : ": " + c.reason_en) << "\n";
        return c.ok;
      };
      bool ok = report("the newest stored checkpoint", inst->checkpoints.check_latest());
      if (checkpoint_file) {
        auto cp = audit::checkpoint_from_json(app::read_json_file(*checkpoint_file));
        if (!cp) {
          std::cout << "BROKEN: " << checkpoint_file->string() << " is not a watchfloor audit checkpoint\n";
          return 1;
        }
        ok = report(("checkpoint of entry " + std::to_string(cp->seq) + " in " + checkpoint_file->string()).c_str(),
                    inst->checkpoints.check(*cp)) && ok;
      }
      return ok ? 0 : 1;
    }
    if (*audit_cmd && *audit_checkpoint) {
      auto inst = audit_w.open();
      auto cp = inst->checkpoints.take();
      if (!cp) {
        std::cerr << "the audit log is empty: nothing to sign\n";
        return 1;
      }
      auto text = audit::to_json(*cp).dump(2) + "\n";
      if (checkpoint_out) {
        if (!(std::ofstream(*checkpoint_out) << text)) {
          std::cerr << "cannot write " << checkpoint_out->string() << "\n";
          return 1;
        }
        std::cout << "checkpoint of entry " << cp->seq << " written to " << checkpoint_out->string() << "\n";
      } else {
        std::cout << text;
      }
      return 0;
    }
    if (*evidence_cmd && *evidence_verify) {
      // Against --public-key, or this installation's key when --data or --config names one; else only the
      // key inside the manifest (and the output says so).
      std::optional<std::string> expected = public_key;
      std::string whose = public_key ? "the key given" : "";
      if (!expected && (evidence_w.data || evidence_w.config)) {
        auto cfg = app::resolve_config(evidence_w.config, evidence_w.data, std::nullopt);
        if (!std::filesystem::exists(cfg.data_dir / "signing.key")) throw std::runtime_error("no signing.key in " + cfg.data_dir.string());
        expected = core::SigningKey(cfg.data_dir / "signing.key").public_key();
        whose = "this installation's key";
      }
      std::string error;
      auto bundle = video::open_bundle(bundle_path, error);
      if (!bundle) {
        std::cout << "FAILED: " << bundle_path.string() << ": " << error << "\n";
        return 1;
      }
      auto c = video::verify_bundle(*bundle, expected, public_key.has_value());
      bool named = false;
      for (const auto& f : c.files)
        if (!f.ok) std::cout << "FAILED: " << f.name << ": " << f.reason_en << "\n", named = true;
      if (!c.ok) {
        if (!named) std::cout << "FAILED: " << c.reason_en << "\n";
        return 1;
      }
      std::cout << "OK: signed by key " << c.key_id;
      if (c.signed_by_expected) std::cout << (*c.signed_by_expected ? " (" + whose + ")" : " (NOT " + whose + ")");
      else std::cout << " (the key in the manifest; give --public-key or --data to check whose it is)";
      std::cout << ", " << c.file_count << " files intact\n";
      return 0;
    }
    if (*video_cmd && *video_fsck) {
      auto inst = video_w.open();
      auto r = video::fsck(inst->recorder.index(), video::posix_fs(), inst->clock, fsck_opt);
      video::print(r, std::cout);
      if (r.repaired())
        inst->audit.append(
            app::cli_actor().event("video.fsck.repair", "video", "store", std::nullopt, video::to_json(r)));
      return r.problems_left() ? 1 : 0;
    }
    if (*backup) {
      auto inst = backup_w.open();
      auto r = app::backup(*inst, backup_dir);
      std::cout << "watchfloor: backup in " << r.dir.string() << ": database " << r.db_bytes << " bytes (SHA-256 "
                << r.db_sha256 << "), schema version " << r.schema_version << ", " << r.segments
                << " indexed video segments in manifest.json\n";
      return 0;
    }
    if (*restore) {
      app::print_restore(app::restore(app::resolve_config(restore_w.config, restore_w.data, std::nullopt), backup_dir, restore_force),
                         std::cout);
      return 0;
    }
    if (*seed) {
      if (!seed_w.data && !seed_w.config) throw std::runtime_error("seed needs --data (a demo installation's directory)");
      auto inst = seed_w.open();
      auto r = app::seed(*inst, seed_cases, seed_cameras, seed_users, seed_audit);
      std::cout << "watchfloor: " << r.cases << " cases (" << r.cases_added << " new, " << r.cases_closed << " closed, " << r.cases_handled << " taken into handling), " << r.cameras << " cameras ("
                << r.cameras_added << " new), " << r.users << " people (" << r.users_added << " new), " << r.audit
                << " audit entries (" << r.audit_added << " new)\n";
      return 0;
    }
    if (*routes) {
      // Routes are registered against services; a throwaway in-memory installation is enough to list them.
      core::Config cfg;
      cfg.data_dir = std::filesystem::temp_directory_path() / ("watchfloor-routes-" + core::random_token(6));
      {
        app::Installation inst(cfg);
        api::Services s = inst.services();
        auto router = api::make_router(s);
        for (const auto& r : router->routes()) std::cout << r.method << " " << r.pattern << "\n";
      }
      std::filesystem::remove_all(cfg.data_dir);
      return 0;
    }
  } catch (const core::Problem& p) {
    std::cerr << "watchfloor: " << p.to_json().dump(2) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "watchfloor: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
