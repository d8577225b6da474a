// `watchfloor seed`: the demo installation grown to a year's worth of a busy province, or to the sector's size, for
// the growth and scale benchmarks (bench/growth, bench/scale). Everything goes through the domain layer (Cases,
// Catalog, Users, AuditLog), as the API would do it, but many creations share one transaction so that 100,000 cases
// take minutes.
#include <fmt/format.h>

#include <chrono>

#include "store/work.h"
#include "app/installation.h"
#include "core/log.h"
#include "core/random.h"

namespace watchfloor::app {
namespace {

using nlohmann::json;

constexpr int kBatch = 250;  // creations per transaction

const char* const kSites[] = {"Cổng B cảng Tân Vũ", "Bãi container số 3", "Khu vực soi chiếu", "Cửa khẩu quốc tế Hữu Nghị",
                              "Kho ngoại quan Đình Vũ", "Cảng hàng không quốc tế Nội Bài"};
const char* const kWhat[] = {"Xe đầu kéo kéo container rời bãi khi tờ khai chưa được thông quan",
                             "Niêm phong hải quan có dấu hiệu bị can thiệp",
                             "Số kiện thực tế nhiều hơn khai báo",
                             "Phương tiện dừng đỗ ngoài tuyến đường quy định",
                             "Hình ảnh soi chiếu có dấu hiệu lẫn hàng không khai báo"};

supervision::CaseInput case_input(int64_t unit_id, int64_t n, int64_t now) {
  supervision::CaseInput in;
  in.unit_id = unit_id;
  in.severity = n % 10 == 0 ? "high" : n % 3 == 0 ? "low" : "medium";
  in.observed_at = now - (n % 600) * 60'000LL;
  in.site = kSites[n % std::size(kSites)];
  in.subject = "goods";
  in.description = fmt::format("Tăng trưởng {}: {}", n, kWhat[n % std::size(kWhat)]);
  in.immediate_measure = "Đề nghị Đội Giám sát dừng phương tiện tại cổng ra";
  in.identifiers = {{"containers", {fmt::format("SDCU{:07}", n % 10'000'000)}},
                    {"plates", {fmt::format("15C-{:03}.{:02}", n / 100 % 1000, n % 100)}}};
  return in;
}

// The demo's supervision officers who can report a case now (their unit's duty watch routes it).
std::vector<org::User> reporters(Installation& inst, const json& logins) {
  std::vector<org::User> out;
  for (const auto& l : logins) {
    bool officer = false;
    for (const auto& r : l.at("roles")) officer = officer || r == "supervision_officer";
    auto u = officer ? inst.users.by_username(l.at("username").get<std::string>()) : std::nullopt;
    if (!u) continue;
    try {
      store::Work::run(*inst.db, [&](store::Work&) {
        auto c = inst.cases.create(case_input(u->unit_id, 0, inst.clock.now_ms()), u->id);
        inst.cases.report(c.id, u->id);
        throw std::runtime_error("trial");  // rolled back: only asking whether it routes
      });
    } catch (const std::runtime_error& e) {
      if (std::string(e.what()) == "trial") out.push_back(*u);
    } catch (const std::exception&) {
    }
  }
  if (out.empty()) throw std::runtime_error("seed: no supervision officer of the demo can report a case");
  return out;
}

// Runs `make(i)` for i in [from, to) in units of work of kBatch, with one audit entry by `by` per unit.
template <typename F>
void batched(Installation& inst, const audit::Actor& by, const std::string& action, int64_t from, int64_t to,
             F&& make) {
  auto started = std::chrono::steady_clock::now();
  for (int64_t at = from; at < to; at += kBatch) {
    int64_t end = std::min(to, at + kBatch);
    store::Work::run(*inst.db, [&](store::Work&) {
      for (int64_t i = at; i < end; ++i) make(i);
      inst.audit.append(
          by.event(action, "seed", fmt::format("{}-{}", at + 1, end), std::nullopt, {{"count", end - at}}));
    });
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    core::log_info(fmt::format("seed: {} {} of {} ({:.0f}/s)", action, end, to, double(end - from) / std::max(secs, 1e-3)));
  }
}

// A year of a centre's cases is mostly closed: every seeded case but the newest `open` is concluded (no violation)
// and closed at its report's time, with the two timeline entries closing writes and its "nobody on duty" alert
// closed. Written directly, in three statements: closing hundreds of thousands of cases one by one through the
// lifecycle would take hours. Without it the escalation runner spends a benchmark on a backlog of overdue cases
// that no centre has.
int64_t close_history(Installation& inst, const audit::Actor& by, int64_t open) {
  const char* kOld = "status = 'reported' AND description LIKE 'Tăng trưởng %' AND id < (SELECT COALESCE(MIN(id), 0) FROM "
                     "(SELECT id FROM cases WHERE description LIKE 'Tăng trưởng %' ORDER BY id DESC LIMIT ?) newest)";
  return store::Work::run(*inst.db, [&](store::Work&) -> int64_t {
    auto closing = inst.db->query_one(fmt::format("SELECT COUNT(*) AS n FROM cases WHERE {}", kOld), {open})->i64("n");
    if (closing == 0) return 0;
    const char* kCloser = "COALESCE((SELECT r.user_id FROM case_recipients r WHERE r.case_id = cases.id AND r.approver = 1 "
                          "ORDER BY r.user_id LIMIT 1), reported_by)";
    const struct { const char *kind, *vi, *en; } entries[] = {
        {"concluded", "Kết luận vụ việc: không vi phạm", "Case concluded: no violation"},
        {"closed", "Đóng hồ sơ vụ việc", "Case closed"}};
    for (const auto& e : entries)
      inst.db->exec(fmt::format("INSERT INTO case_events(case_id, at, by, kind, text_vi, text_en, details) SELECT id, reported_at, {}, ?, ?, ?, "
                                "'{{}}' FROM cases WHERE {}",
                                kCloser, kOld),
                    {std::string(e.kind), std::string(e.vi), std::string(e.en), open});
    inst.db->exec(fmt::format("UPDATE alerts SET closed_at = ? WHERE closed_at IS NULL AND kind = 'case.nobody_on_duty' AND subject IN "
                              "(SELECT 'case:' || id FROM cases WHERE {})",
                              kOld),
                  {inst.clock.now_ms(), open});
    inst.db->exec(fmt::format("UPDATE cases SET status = 'closed', outcome = 'no_violation', outcome_note = 'Không vi phạm', "
                              "concluded_by = {0}, concluded_at = reported_at, closed_by = {0}, closed_at = reported_at, due_at = NULL "
                              "WHERE {1}",
                              kCloser, kOld),
                  {open});
    inst.audit.append(by.event("seed.close", "seed", "cases", std::nullopt, {{"count", closing}}));
    core::log_info(fmt::format("seed: closed {} seeded cases, the newest {} left open", closing, open));
    return closing;
  });
}

// The seeded cases left open are in handling, as a centre's open cases are: taken up by the officer who reported
// them, through the lifecycle. Left "reported", they would be overdue by the time a benchmark runs, and the
// escalation runner would spend it notifying leaders of a backlog that no centre lets happen.
int64_t handle_open(Installation& inst) {
  std::vector<std::pair<int64_t, int64_t>> open;  // case, reporter
  for (const auto& r : inst.db->query("SELECT id, reported_by FROM cases WHERE status = 'reported' AND description LIKE 'Tăng trưởng %' ORDER BY id"))
    open.emplace_back(r.i64("id"), r.i64("reported_by"));
  for (size_t at = 0; at < open.size(); at += kBatch)
    store::Work::run(*inst.db, [&](store::Work&) {
      for (size_t i = at; i < std::min(open.size(), at + kBatch); ++i) inst.cases.start_handling(open[i].first, open[i].second);
    });
  if (!open.empty()) core::log_info(fmt::format("seed: {} open seeded cases taken into handling", open.size()));
  return int64_t(open.size());
}

}  // namespace

SeedResult seed(Installation& inst, int64_t cases, int64_t cameras, int64_t users, int64_t audit_entries, int64_t open) {
  const auto by = audit::Actor::system("seed");
  auto logins = ensure_demo(inst);
  ensure_demo_duty(inst, inst.duty);
  ensure_demo_cases(inst);
  SeedResult r;
  int64_t have_cases = inst.db->query_one("SELECT COUNT(*) AS n FROM cases")->i64("n");
  if (have_cases < cases) {
    auto people = reporters(inst, logins);
    int64_t now = inst.clock.now_ms();
    batched(inst, by, "seed.cases", have_cases, cases, [&](int64_t n) {
      const auto& u = people[n % people.size()];
      auto c = inst.cases.create(case_input(u.unit_id, n, now), u.id);
      inst.cases.report(c.id, u.id);
    });
    r.cases_added = cases - have_cases;
  }
  r.cases_closed = close_history(inst, by, open);
  r.cases_handled = handle_open(inst);
  int64_t have_cameras = inst.db->query_one("SELECT COUNT(*) AS n FROM cameras")->i64("n");
  if (have_cameras < cameras) {
    // Ten cameras a site, the sites spread over every unit of the tree. Disabled: the benchmark measures
    // the store and the lists, not 3,000 ingest threads knocking at addresses where nothing answers.
    std::vector<org::Unit> units;
    auto tree = inst.units.tree();
    for (auto& u : inst.units.list())
      if (!tree->is_external(u.id)) units.push_back(std::move(u));
    std::optional<int64_t> site;
    batched(inst, by, "seed.cameras", have_cameras, cameras, [&](int64_t n) {
      if (!site || n % 10 == 0) {
        video::SiteInput s;
        s.unit_id = units[size_t(n / 10) % units.size()].id;
        s.kind = "seaport";
        s.name = fmt::format("Địa điểm tăng trưởng {}", n / 10);
        site = inst.catalog.create_site(s, by).id;
      }
      video::CameraInput in;
      in.site_id = site;
      in.name = fmt::format("Camera tăng trưởng {:05}", n);
      in.main_url = fmt::format("rtsp://192.0.2.{}:554/growth/{}", n % 250 + 1, n);
      in.enabled = false;
      inst.catalog.create_camera(in, by);
    });
    r.cameras_added = cameras - have_cameras;
  }
  int64_t have_users = inst.db->query_one("SELECT COUNT(*) AS n FROM users")->i64("n");
  if (have_users < users) {
    // Supervision officers spread over every customs unit, one password for all (each is still hashed).
    std::vector<int64_t> units;
    auto tree = inst.units.tree();
    for (const auto& u : inst.units.list())
      if (!tree->is_external(u.id)) units.push_back(u.id);
    const std::string password = core::random_password();
    batched(inst, by, "seed.users", have_users, users, [&](int64_t n) {
      org::UserInput in;
      in.username = fmt::format("seed.user{:06}", n);
      in.full_name = fmt::format("Công chức tăng trưởng {}", n);
      in.title = "Công chức";
      in.unit_id = units[size_t(n) % units.size()];
      in.password = password;
      in.roles = std::vector<auth::Grant>{{auth::Role::supervision_officer, *in.unit_id}};
      inst.users.create(in, by);
    });
    r.users_added = users - have_users;
  }
  int64_t have_audit = inst.db->query_one("SELECT COUNT(*) AS n FROM audit_log")->i64("n");
  if (have_audit < audit_entries) {
    // Entries of the chain like the reads an officer's day leaves (a case looked at), appended by the audit log
    // itself so that `audit verify` checks every one; thousands to a transaction.
    constexpr int64_t kAuditBatch = 5'000;
    auto started = std::chrono::steady_clock::now();
    for (int64_t at = have_audit; at < audit_entries; at += kAuditBatch) {
      int64_t end = std::min(audit_entries, at + kAuditBatch);
      store::Work::run(*inst.db, [&](store::Work&) {
        for (int64_t i = at; i < end; ++i)
          inst.audit.append(by.event("seed.audit", "case", std::to_string(i % 1'000'000 + 1), std::nullopt, {{"n", i}}));
      });
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      core::log_info(fmt::format("seed: audit {} of {} ({:.0f}/s)", end, audit_entries,
                                 double(end - have_audit) / std::max(secs, 1e-3)));
    }
    r.audit_added = audit_entries - have_audit;
  }
  r.cases = std::max(cases, have_cases);
  r.cameras = std::max(cameras, have_cameras);
  r.users = std::max(users, have_users);
  r.audit = std::max(audit_entries, have_audit);
  return r;
}

}  // namespace watchfloor::app
