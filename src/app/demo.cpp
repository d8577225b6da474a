// The demo installation: the 2017 organisation and one person per role in several units, with
// random passwords written to DATA/demo-logins.json. Demo passwords exist only here.
#include <fstream>

#include "store/work.h"
#include "app/installation.h"
#include "core/private_files.h"
#include "core/random.h"
#include "org/preset.h"

namespace watchfloor::app {

nlohmann::json ensure_demo(Installation& inst) {
  auto logins_file = inst.config.data_dir / "demo-logins.json";
  auto kind = inst.setting("kind");
  if (kind && *kind != "demo")
    throw std::runtime_error(inst.config.data_dir.string() + " holds a real installation; the demo needs its own data directory");
  if (kind && std::filesystem::exists(logins_file)) return read_json_file(logins_file);

  auto dir = resources_dir() / "presets";
  auto people = read_json_file(dir / "demo-users-2017.json");
  auto logins = nlohmann::json::array();
  auto demo = audit::Actor::system("demo");
  store::Work::run(*inst.db, [&](store::Work&) {
    inst.set_setting("kind", "demo");
    org::import_org(inst.units, read_json_file(dir / "org-2017.json"), "org-2017.json", demo);
    for (const auto& p : people) {
      auto unit = inst.units.by_code(p.at("unit").get<std::string>());
      if (!unit) throw std::runtime_error("demo user " + p.at("username").get<std::string>() + ": unknown unit");
      org::UserInput in;
      in.username = p.at("username").get<std::string>();
      in.full_name = p.at("full_name").get<std::string>();
      in.title = p.value("title", "");
      in.unit_id = unit->id;
      in.password = core::random_password();
      in.roles.emplace();
      auto role_names = nlohmann::json::array();
      for (const auto& g : p.at("roles")) {
        auto role = auth::parse_role(g.at("role").get<std::string>());
        auto at = inst.units.by_code(g.at("unit").get<std::string>());
        if (!role || !at) throw std::runtime_error("demo user " + *in.username + ": bad role grant");
        in.roles->push_back({*role, at->id});
        role_names.push_back(g.at("role"));
      }
      // Idempotent: a start that died before writing the logins file gets new passwords here.
      auto existing = inst.users.by_username(*in.username);
      if (existing) inst.users.set_password(existing->id, *in.password, false, demo);
      auto user = existing ? *existing : inst.users.create(in, demo);
      logins.push_back({{"username", user.username},
                        {"password", *in.password},
                        {"roles", role_names},
                        {"unit", unit->code},
                        {"full_name", user.full_name},
                        {"unit_name", unit->name_vi}});
    }
  });
  auto tmp = logins_file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    core::make_private(tmp);  // the passwords of every demo account
    out << logins.dump(2) << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, logins_file);
  return logins;
}

}  // namespace watchfloor::app
