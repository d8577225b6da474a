// The permission matrix: every registered route × a person of each role at units in different
// provinces, through the real dispatcher (sessions, CSRF, policy, handlers, SQLite) without a socket.
// The expectations below are written out by hand from the rules in DOMAIN.md, not derived from the
// policy code, so a change to the policy that lets someone see too much fails here.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "api/api.h"
#include "app/installation.h"
#include "core/json_body.h"
#include "core/log.h"
#include "core/random.h"
#include "duty/watch.h"

#include <fmt/format.h>
#include "http/websocket.h"
#include "test_store.h"

namespace watchfloor {
namespace {

namespace fs = std::filesystem;

const std::string kMetricsToken = "matrix-metrics-token-0123456789";

struct Caller {
  std::string cookie, csrf;
  int64_t id = 0;
};

class Matrix : public ::testing::Test {
 public:  // the duty scene below reads the fixture from a free function
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wf-matrix-" + core::random_token(6));
    core::Config cfg;
    cfg.data_dir = dir_;
    cfg.store.url = test::store_url(dir_ / "watchfloor.db");
    cfg.security.login_max_attempts_per_address = 1000;
    cfg.server.metrics_token = kMetricsToken;
    inst_ = new app::Installation(cfg);
    logins_ = new nlohmann::json(app::ensure_demo(*inst_));
    app::ensure_demo_duty(*inst_, inst_->duty);
    app::ensure_demo_cases(*inst_);
    duty::check_duty(inst_->duty, inst_->units, inst_->alerts, inst_->clock.now_ms());
    inst_->recorder.start();
    services_ = new api::Services(inst_->services());
    router_ = api::make_router(*services_);
    handler_ = new http::Handler(http::make_dispatcher(router_, api::make_authenticator(*services_), {}));
    callers_ = new std::map<std::string, Caller>;
    for (const auto& l : *logins_) (*callers_)[l["username"]] = login(l["username"], l["password"]);
  }
  static void TearDownTestSuite() {
    inst_->recorder.stop();
    delete handler_;
    router_.reset();
    delete services_;
    delete inst_;
    delete logins_;
    delete callers_;
    fs::remove_all(dir_);
  }

  static Caller login(const std::string& user, const std::string& password) {
    auto res = call_as(nullptr, "POST", "/api/v1/auth/login",
                       nlohmann::json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(res.status, 200) << user << " " << res.body;
    exercised_.insert("POST /api/v1/auth/login");  // the one route everybody uses before having a session
    Caller c;
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie") c.cookie = v.substr(0, v.find(';'));
    auto body = nlohmann::json::parse(res.body);
    c.csrf = body["csrf_token"];
    c.id = body["user"]["id"];
    return c;
  }

  static http::Response call_as(const Caller* c, const std::string& method, const std::string& target,
                                const std::string& body = "",
                                const std::vector<std::pair<std::string, std::string>>& headers = {},
                                bool websocket_upgrade = false, const http::Handler* via = nullptr) {
    http::Request req;
    req.method = method;
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = http::parse_query(target.substr(q + 1));
    req.body = body;
    req.remote_ip = "127.0.0.1";
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    if (c) {
      req.headers.emplace_back("cookie", c->cookie);
      req.headers.emplace_back("x-csrf-token", c->csrf);
    }
    for (const auto& h : headers) req.headers.push_back(h);
    req.websocket_upgrade = websocket_upgrade;
    // Only calls by someone logged in count as checking a route's permissions.
    if (c) exercised_.insert(method + " " + route_of(method, req.path));
    return (via ? *via : *handler_)(req);
  }

  static std::string route_of(const std::string& method, const std::string& path) {
    std::map<std::string, std::string> params;
    bool known = false;
    auto* r = router_->match(method, path, params, known);
    return r ? r->pattern : path;
  }

  static http::Response call(const std::string& user, const std::string& method, const std::string& target,
                             const nlohmann::json& body = nullptr) {
    return call_as(&callers_->at(user), method, target, body.is_null() ? "" : body.dump());
  }

  // Each body POSTed by `user` to `path` is refused with a 400 naming its field, and no row of `table` is written.
  static void expect_refused(const std::string& user, const std::string& path, const std::string& table,
                             const std::vector<std::pair<nlohmann::json, std::string>>& bodies) {
    auto count = [&] { return inst_->db->query_one("SELECT COUNT(*) AS n FROM " + table)->i64("n"); };
    int64_t before = count();
    for (const auto& [body, field] : bodies) {
      auto r = call(user, "POST", path, body);
      EXPECT_EQ(r.status, 400) << field << " " << r.body;
      EXPECT_EQ(nlohmann::json::parse(r.body).value("errors", nlohmann::json::array())[0].value("field", ""), field) << r.body;
    }
    EXPECT_EQ(count(), before) << "nothing written";
  }

  static int64_t unit_id_of(const std::string& code) { return unit_id(code); }
  static http::Response call_of(const std::string& user, const std::string& method, const std::string& target) {
    return call(user, method, target);
  }
  static int64_t unit_id(const std::string& code) { return inst_->units.by_code(code)->id; }
  // On PostgreSQL the events come back to this server through the store's listener (events/cluster.h), a moment
  // after their commit: wait until it has delivered everything committed so far.
  static void settle() {
    if (!test::on_postgres()) return;
    int64_t last = inst_->cluster_events.last();
    for (int i = 0; i < 500 && inst_->bus.delivered() < last; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GE(inst_->bus.delivered(), last) << "the events committed were not delivered within 5 s";
  }
  static int64_t user_id(const std::string& name) { return inst_->users.by_username(name)->id; }

  static inline fs::path dir_;
  static inline app::Installation* inst_ = nullptr;
  static inline nlohmann::json* logins_ = nullptr;
  static inline api::Services* services_ = nullptr;
  static inline std::shared_ptr<http::Router> router_;
  static inline http::Handler* handler_ = nullptr;
  static inline std::map<std::string, Caller>* callers_ = nullptr;
  static inline std::set<std::string> exercised_;
};

// The people of the matrix: one per role, in headquarters, two provinces, a branch, and outside customs.
const std::string kAdmin = "admin.tchq";           // admin @ TCHQ
const std::string kAuditor = "kiemtra.tchq";       // auditor @ TCHQ
const std::string kHqLeader = "lanhdao.tchq";      // hq_leader @ TCHQ
const std::string kHpLeader = "lanhdao.hp";        // unit_leader @ Hải Phòng
const std::string kHpOffice = "vanphong.hp";       // office_officer @ Hải Phòng
const std::string kHpShift = "truongca.hp";        // shift_leader @ Hải Phòng
const std::string kBranchOfficer = "canbo.hpkv1";  // supervision_officer @ a Hải Phòng branch
const std::string kLsDuty = "trucban.ls";          // duty_officer @ Lạng Sơn
const std::string kCamera = "camera.gstt";         // camera_admin @ Online Supervision Division
const std::string kExternal = "bienphong.bdbp";    // external_requester @ Border Guard
const std::vector<std::string> kEveryone = {kAdmin, kAuditor, kHqLeader, kHpLeader, kHpOffice,
                                            kHpShift, kBranchOfficer, kLsDuty, kCamera, kExternal};

bool ok(int s) { return s >= 200 && s < 300; }
bool denied(int s) { return s == 403 || s == 404; }

TEST_F(Matrix, AnonymousGetsOnlyPublicRoutes) {
  for (const auto& r : router_->routes()) {
    auto brace = r.pattern.find("{id}");
    std::string path = brace == std::string::npos ? r.pattern : r.pattern.substr(0, brace) + "1" + r.pattern.substr(brace + 4);
    auto res = call_as(nullptr, r.method, path, r.method == "GET" ? "" : "{}");
    if (r.action == auth::Action::public_access) EXPECT_NE(res.status, 401) << r.method << " " << r.pattern;
    else EXPECT_EQ(res.status, 401) << r.method << " " << r.pattern;
  }
}

TEST_F(Matrix, MetricsOnTheMainListenerAnswerOnlyTheBearerOfTheToken) {
  auto metrics = [](const std::string& authorization) {
    std::vector<std::pair<std::string, std::string>> h;
    if (!authorization.empty()) h.emplace_back("authorization", authorization);
    return call_as(nullptr, "GET", "/metrics", "", h);
  };
  auto good = metrics("Bearer " + kMetricsToken);
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_NE(good.body.find("watchfloor_http_requests_total"), std::string::npos);
  EXPECT_EQ(metrics("bearer " + kMetricsToken).status, 200);  // the scheme is case-insensitive
  EXPECT_EQ(metrics("").status, 404);
  EXPECT_EQ(metrics("Bearer").status, 404);
  EXPECT_EQ(metrics("Bearer " + kMetricsToken + "x").status, 404);
  EXPECT_EQ(metrics("Bearer " + kMetricsToken.substr(0, kMetricsToken.size() - 1)).status, 404);
  EXPECT_EQ(metrics("Basic " + kMetricsToken).status, 404);
  EXPECT_EQ(metrics(kMetricsToken).status, 404);
}

TEST_F(Matrix, OrganisationIsSharedInsideCustomsButNotOutside) {
  size_t total = inst_->units.list().size();
  for (const auto& u : kEveryone) {
    auto res = call(u, "GET", "/api/v1/units");
    ASSERT_EQ(res.status, 200) << u;
    auto items = nlohmann::json::parse(res.body)["items"];
    if (u == kExternal) {
      ASSERT_EQ(items.size(), 1u);
      EXPECT_EQ(items[0]["code"], "EXT-BDBP");
    } else {
      EXPECT_EQ(items.size(), total) << u;
    }
    auto one = call(u, "GET", "/api/v1/units/" + std::to_string(unit_id("LS")));
    if (u == kExternal) EXPECT_EQ(one.status, 404);
    else EXPECT_EQ(one.status, 200) << u;
  }
}

TEST_F(Matrix, OnlyAnAdministratorInScopeChangesUnits) {
  int n = 0;
  for (const auto& u : kEveryone) {
    std::string code = "MX-" + std::to_string(++n);
    auto created = call(u, "POST", "/api/v1/units",
                        {{"parent_id", unit_id("HP-CKKV1")}, {"code", code}, {"kind", "team"},
                         {"name_vi", "Đội thử nghiệm"}, {"name_en", "Test team"}});
    if (u == kAdmin) ASSERT_EQ(created.status, 201) << created.body;
    else EXPECT_EQ(created.status, 403) << u;

    auto patched = call(u, "PATCH", "/api/v1/units/" + std::to_string(unit_id("HP-CKKV1")), {{"name_en", "Hai Phong Port Branch I"}});
    if (u == kAdmin) EXPECT_EQ(patched.status, 200);
    else EXPECT_TRUE(denied(patched.status)) << u << " " << patched.status;

    // A fresh leaf made by the administrator for each attempt to delete.
    auto leaf = call(kAdmin, "POST", "/api/v1/units",
                     {{"parent_id", unit_id("HP-CKKV1")}, {"code", code + "-LEAF"}, {"kind", "team"},
                      {"name_vi", "Đội tạm"}, {"name_en", "Temporary team"}});
    ASSERT_EQ(leaf.status, 201) << leaf.body;
    auto removed = call(u, "DELETE", "/api/v1/units/" + nlohmann::json::parse(leaf.body)["id"].dump());
    if (u == kAdmin) EXPECT_EQ(removed.status, 204);
    else EXPECT_TRUE(denied(removed.status)) << u << " " << removed.status;
  }
}

TEST_F(Matrix, PeopleAreVisibleOnlyInsideTheReadersScope) {
  auto tree = inst_->units.tree();
  auto within = [&](const nlohmann::json& items, const std::string& root) {
    for (const auto& it : items)
      if (!tree->contains(unit_id(root), it["unit_id"].get<int64_t>())) return false;
    return true;
  };
  auto names = [](const nlohmann::json& items) {
    std::set<std::string> s;
    for (const auto& it : items) s.insert(it["username"]);
    return s;
  };
  size_t everybody = inst_->users.list({}).size();
  for (const auto& u : kEveryone) {
    auto res = call(u, "GET", "/api/v1/users");
    ASSERT_EQ(res.status, 200) << u;
    auto items = nlohmann::json::parse(res.body)["items"];
    if (u == kAdmin || u == kAuditor || u == kHqLeader) {
      EXPECT_EQ(items.size(), everybody) << u;
    } else if (u == kHpLeader || u == kHpOffice) {
      EXPECT_TRUE(within(items, "HP")) << u << " sees someone outside Hải Phòng";
      EXPECT_TRUE(names(items).count("canbo.hp"));
      EXPECT_FALSE(names(items).count(kLsDuty));
    } else {
      // No role that reads people: only themselves.
      EXPECT_EQ(names(items), std::set<std::string>{u}) << u;
    }
    auto other = call(u, "GET", "/api/v1/users/" + std::to_string(user_id(kLsDuty)));
    if (u == kAdmin || u == kAuditor || u == kHqLeader || u == kLsDuty) EXPECT_EQ(other.status, 200) << u;
    else EXPECT_EQ(other.status, 404) << u;
  }
}

TEST_F(Matrix, OnlyAnAdministratorInScopeChangesPeople) {
  int n = 0;
  for (const auto& u : kEveryone) {
    auto created = call(u, "POST", "/api/v1/users",
                        {{"username", "mx.user" + std::to_string(++n)}, {"full_name", "Đỗ Thị Mai"},
                         {"unit_id", unit_id("HP-CKKV1")}, {"password", "Hai-Phong-2026-ok"},
                         {"roles", {{{"role", "duty_officer"}, {"unit_id", unit_id("HP-CKKV1")}}}}});
    if (u == kAdmin) EXPECT_EQ(created.status, 201) << created.body;
    else EXPECT_EQ(created.status, 403) << u;
    auto patched = call(u, "PATCH", "/api/v1/users/" + std::to_string(user_id("canbo.hp")), {{"title", "Kiểm tra viên hải quan"}});
    if (u == kAdmin) EXPECT_EQ(patched.status, 200);
    else EXPECT_TRUE(denied(patched.status)) << u << " " << patched.status;
    auto unlocked = call(u, "POST", "/api/v1/users/" + std::to_string(user_id("canbo.hp")) + "/unlock");
    if (u == kAdmin) EXPECT_EQ(unlocked.status, 204) << unlocked.body;
    else EXPECT_TRUE(denied(unlocked.status)) << u << " " << unlocked.status;
  }
}

TEST_F(Matrix, OnlyAuditorsAndAdministratorsReadTheAuditLogAndItsCheckpoints) {
  for (const auto& u : kEveryone) {
    bool auditor = u == kAdmin || u == kAuditor;
    auto taken = call(u, "POST", "/api/v1/audit/checkpoints");
    EXPECT_EQ(taken.status, auditor ? 201 : 403) << u << " " << taken.body;
    std::string one = "/api/v1/audit/checkpoints/" + (auditor ? nlohmann::json::parse(taken.body).at("seq").dump() : "1");
    for (const std::string& path : {std::string("/api/v1/audit"), std::string("/api/v1/audit/verify"),
                                    std::string("/api/v1/audit/checkpoints"), one}) {
      auto res = call(u, "GET", path);
      EXPECT_EQ(res.status, auditor ? 200 : 403) << u << " " << path;
    }
    // The public key is for anyone who checks what the installation signed.
    EXPECT_EQ(call(u, "GET", "/api/v1/keys/public").status, 200) << u;
  }
}

TEST_F(Matrix, EveryoneReachesTheirOwnSessionAndTheVocabulary) {
  for (const auto& u : kEveryone) {
    EXPECT_EQ(call(u, "GET", "/api/v1/auth/me").status, 200) << u;
    EXPECT_EQ(call(u, "GET", "/api/v1/meta").status, 200) << u;
    auto wrong = call(u, "POST", "/api/v1/auth/password", {{"current_password", "not-it"}, {"new_password", "x"}});
    EXPECT_EQ(wrong.status, 400) << u;
    for (const char* path : {"/healthz", "/readyz"}) EXPECT_TRUE(ok(call(u, "GET", path).status)) << path;
    // Metrics belong to the scraper holding the token, not to people: a session does not open them.
    EXPECT_EQ(call(u, "GET", "/metrics").status, 404) << u;
  }
  // Logging out ends exactly that session.
  auto fresh = login(kHpShift, [] {
    for (const auto& l : *logins_)
      if (l["username"] == kHpShift) return l["password"].get<std::string>();
    return std::string();
  }());
  EXPECT_EQ(call_as(&fresh, "POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(call_as(&fresh, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(call(kHpShift, "GET", "/api/v1/auth/me").status, 200);
}

// The live channel: a WebSocket handshake from this site for any logged-in person, and each event
// only to those whose policy lets them read its unit — filtered on the server.
struct RecordingSender final : http::WsSender {
  std::mutex mu;
  std::vector<nlohmann::json> got;
  int closed_with = 0;
  bool send(std::string text) override {
    std::lock_guard lock(mu);
    got.push_back(nlohmann::json::parse(text));
    return closed_with == 0;
  }
  bool send_shared(std::shared_ptr<const std::string> text) override { return send(*text); }
  bool send_binary(std::shared_ptr<const std::string> data) override {
    std::lock_guard lock(mu);
    binary.push_back(std::move(data));
    return closed_with == 0;
  }
  size_t backlog_bytes() const override { return 0; }
  std::vector<std::shared_ptr<const std::string>> binary;
  void close(int code, std::string) override {
    std::lock_guard lock(mu);
    closed_with = code;
  }
  std::vector<nlohmann::json> of_type(const std::string& type) {
    std::lock_guard lock(mu);
    std::vector<nlohmann::json> out;
    for (const auto& m : got)
      if (m["type"] == type) out.push_back(m);
    return out;
  }
};

const std::vector<std::pair<std::string, std::string>> kSameSite = {{"host", "127.0.0.1:8080"},
                                                                    {"origin", "http://127.0.0.1:8080"}};

struct Live {
  std::shared_ptr<http::WsHandler> handler;
  std::shared_ptr<RecordingSender> sender = std::make_shared<RecordingSender>();
};

TEST_F(Matrix, TheLiveChannelIsAWebSocketForAnyoneLoggedInFromThisSite) {
  for (const auto& u : kEveryone) {
    auto plain = call(u, "GET", "/api/v1/ws");
    EXPECT_EQ(plain.status, 426) << u << " " << plain.body;
    EXPECT_EQ(plain.content_type, "application/problem+json");
    EXPECT_FALSE(plain.websocket);
    auto up = call_as(&callers_->at(u), "GET", "/api/v1/ws", "", kSameSite, true);
    EXPECT_EQ(up.status, 101) << u << " " << up.body;
    EXPECT_TRUE(up.websocket) << u;
    auto https = call_as(&callers_->at(u), "GET", "/api/v1/ws", "",
                         {{"host", "giamsat.customs.gov.vn"}, {"origin", "https://giamsat.customs.gov.vn"}}, true);
    EXPECT_EQ(https.status, 101) << u;
    for (const char* origin : {"http://evil.example", "null", "http://127.0.0.1:8081", "http://127.0.0.1:8080.evil.example"}) {
      auto cross = call_as(&callers_->at(u), "GET", "/api/v1/ws", "", {{"host", "127.0.0.1:8080"}, {"origin", origin}}, true);
      EXPECT_EQ(cross.status, 403) << u << " " << origin;
      EXPECT_FALSE(cross.websocket);
    }
  }
  auto anonymous = call_as(nullptr, "GET", "/api/v1/ws", "", kSameSite, true);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_FALSE(anonymous.websocket);
}

TEST_F(Matrix, LiveEventsReachOnlyThoseWhoMayReadTheirUnit) {
  std::map<std::string, Live> live;
  for (const auto& u : kEveryone) {
    auto up = call_as(&callers_->at(u), "GET", "/api/v1/ws", "", kSameSite, true);
    ASSERT_TRUE(up.websocket) << u;
    live[u].handler = up.websocket;
    up.websocket->on_open(live[u].sender);
    auto hello = live[u].sender->of_type("hello");
    ASSERT_EQ(hello.size(), 1u) << u;
    EXPECT_EQ(hello[0]["user"], u);
    EXPECT_EQ(hello[0]["seq"], inst_->bus.seq());
  }
  auto same_name = [&](const std::string& code) {
    return nlohmann::json{{"name_en", inst_->units.by_code(code)->name_en}};
  };
  int64_t ls = unit_id("LS"), ext = unit_id("EXT-BDBP");
  ASSERT_EQ(call(kAdmin, "PATCH", "/api/v1/units/" + std::to_string(ls), same_name("LS")).status, 200);
  ASSERT_EQ(call(kAdmin, "PATCH", "/api/v1/units/" + std::to_string(ext), same_name("EXT-BDBP")).status, 200);
  settle();
  for (const auto& u : kEveryone) {
    std::vector<int64_t> units;
    for (const auto& e : live[u].sender->of_type("event")) {
      EXPECT_EQ(e["topic"], "unit.updated");
      EXPECT_EQ(e["payload"]["id"], e["unit_id"]);
      EXPECT_TRUE(core::parse_iso8601(e["at"].get<std::string>())) << e;
      units.push_back(e["unit_id"]);
    }
    if (u == kExternal) EXPECT_EQ(units, std::vector<int64_t>{ext}) << "outside customs: only its own unit";
    else EXPECT_EQ(units, (std::vector<int64_t>{ls, ext})) << u;
  }
  for (auto& [_, l] : live) l.handler->on_close();
  // After close nothing more is sent.
  ASSERT_EQ(call(kAdmin, "PATCH", "/api/v1/units/" + std::to_string(ls), same_name("LS")).status, 200);
  settle();
  EXPECT_EQ(live[kAdmin].sender->of_type("event").size(), 2u);
}

TEST_F(Matrix, AResumedConnectionGetsWhatItMissedAndMayRead) {
  auto open = [&](const std::string& u) {
    Live l;
    l.handler = call_as(&callers_->at(u), "GET", "/api/v1/ws", "", kSameSite, true).websocket;
    l.handler->on_open(l.sender);
    return l;
  };
  int64_t before = inst_->bus.seq();
  // Published while both were disconnected.
  int64_t first = inst_->bus.publish("unit.updated", unit_id("LS"), auth::Action::unit_read, {{"id", unit_id("LS")}});
  int64_t second =
      inst_->bus.publish("unit.updated", unit_id("EXT-BDBP"), auth::Action::unit_read, {{"id", unit_id("EXT-BDBP")}});
  settle();
  auto duty = open(kLsDuty);
  auto ext = open(kExternal);
  duty.handler->on_message(nlohmann::json{{"type", "resume"}, {"after_seq", before}}.dump());
  ext.handler->on_message(nlohmann::json{{"type", "resume"}, {"after_seq", before}}.dump());
  auto duty_events = duty.sender->of_type("event");
  ASSERT_EQ(duty_events.size(), 2u);
  EXPECT_EQ(duty_events[0]["seq"], first);
  EXPECT_EQ(duty_events[1]["seq"], second);
  auto ext_events = ext.sender->of_type("event");
  ASSERT_EQ(ext_events.size(), 1u);
  EXPECT_EQ(ext_events[0]["unit_id"], unit_id("EXT-BDBP"));
  EXPECT_EQ(ext.sender->of_type("resumed").at(0)["replayed"], 1);
  // A seq never issued (another installation's) cannot be resumed: reload.
  duty.handler->on_message(nlohmann::json{{"type", "resume"}, {"after_seq", inst_->bus.seq() + 1'000'000}}.dump());
  EXPECT_EQ(duty.sender->of_type("resync").size(), 1u);
  duty.handler->on_message(R"({"type":"ping"})");
  EXPECT_EQ(duty.sender->of_type("pong").size(), 1u);
  duty.handler->on_message("not json");
  EXPECT_EQ(duty.sender->of_type("error").size(), 1u);
  duty.handler->on_close();
  ext.handler->on_close();
}

TEST_F(Matrix, ALoggedOutSessionEndsItsLiveChannelAtTheNextCheck) {
  std::string password;
  for (const auto& l : *logins_)
    if (l["username"] == kLsDuty) password = l["password"];
  auto fresh = login(kLsDuty, password);
  Live l;
  l.handler = call_as(&fresh, "GET", "/api/v1/ws", "", kSameSite, true).websocket;
  ASSERT_TRUE(l.handler);
  l.handler->on_open(l.sender);
  l.handler->on_tick();
  EXPECT_EQ(l.sender->closed_with, 0) << "a live session stays open";
  EXPECT_EQ(call_as(&fresh, "POST", "/api/v1/auth/logout").status, 204);
  l.handler->on_tick();
  EXPECT_EQ(l.sender->closed_with, http::kWsSessionEnded);
  l.handler->on_close();
}


// ---- The duty watch: readable in the unit's scope; rosters written by the Office and approved by the
// leadership; a shift written only by its members and commanded only by its leaders.

struct DutyScene {
  int64_t hp = 0, roster = 0, shift = 0, next_shift = 0;
  std::string leader, deputy, member, next_leader;  // usernames on the current and next Hải Phòng shift
};

DutyScene duty_scene() {
  DutyScene d;
  d.hp = Matrix::unit_id_of("HP");
  auto cur = nlohmann::json::parse(Matrix::call_of(kAdmin, "GET", "/api/v1/shifts/current?unit=" + std::to_string(d.hp)).body);
  d.shift = cur["current"]["id"];
  d.next_shift = cur["next"]["id"];
  d.roster = cur["current"]["roster_id"];
  for (const auto& m : cur["current"]["members"]) {
    if (m["position"] == "shift_leader") d.leader = m["username"];
    if (m["position"] == "deputy_leader") d.deputy = m["username"];
    if (m["position"] == "supervision_officer" && d.member.empty()) d.member = m["username"];
  }
  for (const auto& m : cur["next"]["members"])
    if (m["position"] == "shift_leader") d.next_leader = m["username"];
  return d;
}

TEST_F(Matrix, DutyRecordsAreReadInsideTheUnitsScopeOnly) {
  auto d = duty_scene();
  ASSERT_FALSE(d.leader.empty());
  std::string sh = "/api/v1/shifts/" + std::to_string(d.shift);
  std::string unit = "?unit=" + std::to_string(d.hp);
  std::vector<std::string> reads = {"/api/v1/rosters" + unit, "/api/v1/rosters/" + std::to_string(d.roster),
                                    "/api/v1/shifts" + unit, "/api/v1/shifts/current" + unit, sh, sh + "/log",
                                    sh + "/focus", sh + "/orders", sh + "/report.pdf", "/api/v1/coverage" + unit};
  for (const auto& u : {kAdmin, kAuditor, kHqLeader, kHpLeader, kHpOffice, kHpShift, kBranchOfficer, kLsDuty, kExternal}) {
    for (const auto& path : reads) {
      auto res = call(u, "GET", path);
      if (u == kExternal) EXPECT_EQ(res.status, 403) << u << " " << path;
      else if (u == kLsDuty && path.find("/api/v1/rosters?") == 0) {
        EXPECT_EQ(res.status, 200);
        EXPECT_TRUE(nlohmann::json::parse(res.body)["items"].empty()) << "Lạng Sơn sees no Hải Phòng roster";
      } else if (u == kLsDuty) EXPECT_TRUE(denied(res.status)) << u << " " << path << " " << res.status;
      else EXPECT_EQ(res.status, 200) << u << " " << path << " " << res.body.substr(0, 200);
    }
  }
  auto pdf = call(kHpLeader, "GET", sh + "/report.pdf");
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  // No handover yet: reading it is a 404 for those who may read, still a refusal for the rest.
  EXPECT_EQ(call(kHpLeader, "GET", sh + "/handover").status, 404);
  EXPECT_TRUE(denied(call(kLsDuty, "GET", sh + "/handover").status));
}

TEST_F(Matrix, RostersAreDraftedByTheOfficeAndApprovedByTheLeadership) {
  auto d = duty_scene();
  auto body = [&](const std::string& from) {
    nlohmann::json team = nlohmann::json::array();
    for (const char* name : {"truongca.hp", "phophong.hp", "vanphong.hp", "canbo.hp", "canbo2.hp"})
      team.push_back({{"user_id", user_id(name)}, {"position", std::string(name).rfind("truongca", 0) == 0 ? "shift_leader"
                                                             : std::string(name).rfind("phophong", 0) == 0 ? "deputy_leader"
                                                             : std::string(name).rfind("vanphong", 0) == 0 ? "office_officer"
                                                                                                           : "supervision_officer"}});
    return nlohmann::json{{"unit_id", d.hp}, {"period_from", from}, {"period_to", from.substr(0, 8) + "10"},
                          {"rotation", {{"kind", "daily_rotation"}, {"anchor_date", from}, {"teams", {team}}}}};
  };
  int month = 1;
  for (const auto& u : kEveryone) {
    auto res = call(u, "POST", "/api/v1/rosters", body(fmt::format("2031-{:02}-01", month++)));
    if (u == kAdmin || u == kHpOffice) EXPECT_EQ(res.status, 201) << u << " " << res.body;
    else EXPECT_EQ(res.status, 403) << u;
  }
  auto draft = nlohmann::json::parse(call(kHpOffice, "POST", "/api/v1/rosters", body("2032-01-01")).body);
  std::string r = "/api/v1/rosters/" + draft["id"].dump();
  EXPECT_EQ(call(kBranchOfficer, "PATCH", r, {{"period_to", "2032-01-09"}}).status, 403);
  EXPECT_TRUE(denied(call(kLsDuty, "PATCH", r, {{"period_to", "2032-01-09"}}).status));
  EXPECT_EQ(call(kHpOffice, "PATCH", r, {{"period_to", "2032-01-09"}}).status, 200);
  EXPECT_EQ(call(kHpLeader, "POST", r + "/submit").status, 403) << "the leadership does not submit to itself";
  EXPECT_EQ(call(kHpOffice, "POST", r + "/submit").status, 200);
  EXPECT_EQ(call(kHpOffice, "POST", r + "/approve").status, 403) << "the Office does not approve";
  EXPECT_TRUE(denied(call(kLsDuty, "POST", r + "/approve").status));
  EXPECT_EQ(call(kHpLeader, "POST", r + "/approve", {{"composition_exception", "Kíp duy nhất, đã báo cáo"}}).status, 200);
  EXPECT_EQ(call(kHpShift, "POST", r + "/publish").status, 403);
  EXPECT_EQ(call(kHpOffice, "POST", r + "/publish").status, 200);
  // The leadership may publish and amend as well; a branch officer may not.
  auto second = nlohmann::json::parse(call(kHpOffice, "POST", "/api/v1/rosters", body("2033-01-01")).body);
  std::string r2 = "/api/v1/rosters/" + second["id"].dump();
  EXPECT_EQ(call(kHpOffice, "POST", r2 + "/submit").status, 200);
  EXPECT_EQ(call(kHpLeader, "POST", r2 + "/approve", {{"composition_exception", "Kíp duy nhất"}}).status, 200);
  EXPECT_EQ(call(kBranchOfficer, "POST", r2 + "/publish").status, 403);
  EXPECT_EQ(call(kHpLeader, "POST", r2 + "/publish").status, 200);
  nlohmann::json amend = {{"reason", "Đổi người trực"},
                          {"overrides", {{{"date", "2033-01-02"}, {"user_out", user_id("canbo2.hp")}, {"user_in", user_id("canbo3.hp")}}}}};
  EXPECT_EQ(call(kBranchOfficer, "PATCH", r2, amend).status, 403);
  EXPECT_EQ(call(kHpLeader, "PATCH", r2, amend).status, 200);
}

TEST_F(Matrix, OnlyTheShiftsMembersWriteItAndOnlyItsLeadersCommand) {
  auto d = duty_scene();
  std::string sh = "/api/v1/shifts/" + std::to_string(d.shift);
  nlohmann::json entry = {{"kind", "information_received"}, {"text", "Nhận tin báo từ Chi cục KV I"}};
  for (const auto& u : {d.member, d.leader, kAdmin, kHpLeader, kLsDuty, kExternal}) {
    auto res = call(u, "POST", sh + "/log", entry);
    bool member = u == d.member || u == d.leader;
    if (member) EXPECT_EQ(res.status, 201) << u << " " << res.body;
    else EXPECT_TRUE(denied(res.status)) << u << " is not on the shift: " << res.status;
    auto checkin = call(u, "POST", sh + "/checkin");
    if (member) EXPECT_EQ(checkin.status, 200) << u;
    else EXPECT_TRUE(denied(checkin.status)) << u;
  }
  nlohmann::json focus = {{"text", "Theo dõi xe container tuyến Hải Phòng – Lạng Sơn"}, {"source", "situation"}};
  nlohmann::json order = {{"kind", "inspection"}, {"target_type", "declaration"}, {"target_ref", "105987654321"}};
  for (const auto& u : {d.member, kHpLeader, d.leader}) {
    bool leader = u == d.leader;
    EXPECT_EQ(call(u, "POST", sh + "/focus", focus).status, leader ? 201 : 403) << u;
    EXPECT_EQ(call(u, "POST", sh + "/orders", order).status, leader ? 201 : 403) << u;
  }
  auto orders = nlohmann::json::parse(call(d.member, "GET", sh + "/orders").body)["items"];
  std::string outcome = sh + "/orders/" + orders.back()["id"].dump() + "/outcome";
  EXPECT_EQ(call(kHpLeader, "POST", outcome, {{"outcome", "x"}}).status, 403);
  EXPECT_EQ(call(d.member, "POST", outcome, {{"outcome", "Đã kiểm tra, phù hợp khai báo"}}).status, 200);

  EXPECT_EQ(call(d.member, "POST", sh + "/handover", {{"summary", "Giao ca"}}).status, 403);
  EXPECT_EQ(call(d.leader, "POST", sh + "/handover", {{"summary", "Ca trực bình thường; 1 container đang dừng"}}).status, 200);
  auto handover = nlohmann::json::parse(call(d.leader, "GET", sh + "/handover").body);
  ASSERT_FALSE(handover["open_items"].empty()) << "the demo shift hands over an open chỉ đạo and outages";
  EXPECT_EQ(call(d.member, "POST", sh + "/handover/accept").status, 403) << "the incoming leader accepts";
  EXPECT_EQ(call(d.next_leader, "POST", sh + "/handover/accept").status, 409)
      << "not before each open item is taken over";
  for (const auto& item : handover["open_items"]) {
    nlohmann::json decision = {{"type", item["type"]}, {"id", item["id"]}, {"decision", "accepted"}};
    EXPECT_EQ(call(d.member, "POST", sh + "/handover/items", decision).status, 403);
    EXPECT_EQ(call(d.leader, "POST", sh + "/handover/items", decision).status, 403)
        << "the outgoing leader does not accept";
    EXPECT_EQ(call(d.next_leader, "POST", sh + "/handover/items", decision).status, 200);
  }
  EXPECT_EQ(call(d.next_leader, "POST", sh + "/handover/accept", {{"remarks", "Đã nhận đủ"}}).status, 200);
}

TEST_F(Matrix, Art7_OnlyTheShiftLeaderDirectsAStopOfGoodsOrAMeansOfTransport) {
  auto d = duty_scene();
  ASSERT_FALSE(d.deputy.empty()) << "the demo's Hải Phòng shift has a division-level leader";
  std::string sh = "/api/v1/shifts/" + std::to_string(d.shift);
  nlohmann::json stop = {{"kind", "stop_goods"}, {"target_type", "vehicle"}, {"target_ref", "15C-123.45"}};
  auto refused = call(d.deputy, "POST", sh + "/orders", stop);
  EXPECT_EQ(refused.status, 403);
  auto problem = nlohmann::json::parse(refused.body);
  EXPECT_EQ(problem["type"], "urn:watchfloor:problem:stop-order-shift-leader");
  EXPECT_NE(problem["detail_vi"].get<std::string>().find("quyền lãnh đạo ca trực"), std::string::npos)
      << problem.dump();
  EXPECT_EQ(problem["errors"][0]["field"], "kind");
  EXPECT_EQ(call(d.deputy, "POST", sh + "/orders",
                 {{"kind", "inspection"}, {"target_type", "vehicle"}, {"target_ref", "15C-123.45"}})
                .status,
            201)
      << "other directions are the shift's leaders' alike";
  EXPECT_EQ(call(d.leader, "POST", sh + "/orders", stop).status, 201);
  EXPECT_EQ(call(d.member, "POST", sh + "/orders", stop).status, 403);
  // The console learns the same answer with the shift.
  EXPECT_EQ(nlohmann::json::parse(call(d.deputy, "GET", sh).body)["can_order_stop"], false);
  EXPECT_EQ(nlohmann::json::parse(call(d.leader, "GET", sh).body)["can_order_stop"], true);
}

TEST_F(Matrix, AlertsReachThoseWhoMayReadTheirUnit) {
  // The demo's Lạng Sơn runs 24/7 without a roster: it has a coverage alert. Cục ĐTCBL's watch, run by
  // its Online Supervision Division, has one (issue 12 §5): no gap there.
  auto units_of = [&](const std::string& u) {
    std::set<std::string> codes;
    auto body = nlohmann::json::parse(call(u, "GET", "/api/v1/alerts").body);
    for (const auto& a : body["items"])
      codes.insert(inst_->units.get(a["unit_id"].get<int64_t>())->code);
    return codes;
  };
  EXPECT_FALSE(units_of(kAdmin).count("DTCBL"));
  EXPECT_TRUE(units_of(kAdmin).count("LS"));
  EXPECT_EQ(units_of(kLsDuty), std::set<std::string>{"LS"});
  EXPECT_FALSE(units_of(kHpLeader).count("LS")) << "Hải Phòng does not see Lạng Sơn's alerts";
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/alerts").status, 403);
  auto ls_alert = nlohmann::json::parse(call(kLsDuty, "GET", "/api/v1/alerts").body)["items"][0]["id"].dump();
  EXPECT_EQ(call(kHpLeader, "POST", "/api/v1/alerts/" + ls_alert + "/acknowledge").status, 404);
  EXPECT_EQ(call(kExternal, "POST", "/api/v1/alerts/" + ls_alert + "/acknowledge").status, 403);
  auto ack = call(kLsDuty, "POST", "/api/v1/alerts/" + ls_alert + "/acknowledge");
  ASSERT_EQ(ack.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ack.body)["status"], "acknowledged");
}

TEST_F(Matrix, TheLeadershipSetsTheUnitsShiftTemplate) {
  std::string path = "/api/v1/units/" + std::to_string(unit_id("HP")) + "/shift-template";
  auto current = nlohmann::json::parse(call(kHpShift, "GET", path).body);
  EXPECT_EQ(current["start_minute"], 480);
  EXPECT_EQ(call(kLsDuty, "GET", path).status, 404);
  current["checkin_grace_minutes"] = 20;
  for (const auto& u : {kHpOffice, kHpShift, kLsDuty, kExternal}) EXPECT_TRUE(denied(call(u, "PUT", path, current).status)) << u;
  auto saved = call(kHpLeader, "PUT", path, current);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(nlohmann::json::parse(call(kHpShift, "GET", path).body)["checkin_grace_minutes"], 20);
  current["phases"][0]["required"]["nobody"] = 1;
  current["length_minutes"] = 30;
  auto bad = call(kHpLeader, "PUT", path, current);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("length_minutes"), std::string::npos);
}


// ---- Online supervision: tasks assigned by leaders in scope; a case read in its unit's scope or by the
// people it was routed to; acted on by its recipients, approved by its approvers; coordination answered
// by the unit asked; nobody outside customs sees any of it.

nlohmann::json body_of(const http::Response& r) { return nlohmann::json::parse(r.body); }

nlohmann::json case_body(int64_t unit, const std::string& description, std::optional<int64_t> task = std::nullopt) {
  nlohmann::json b = {{"unit_id", unit},
                      {"observed_at", "2026-11-28T02:00:00Z"},
                      {"site", "Cổng B cảng Tân Vũ"},
                      {"subject", "goods"},
                      {"description", description},
                      {"immediate_measure", "Yêu cầu dừng xe tại cổng"},  // needed when the reporter is on duty
                      {"identifiers", {{"containers", {"TCNU1234567"}}}}};
  if (task) b["task_id"] = *task;
  return b;
}

TEST_F(Matrix, SupervisionTasksAreAssignedByLeadersInScope) {
  nlohmann::json t = {{"unit_id", unit_id("HP")}, {"method", "keypoint_plan"}, {"title", "Kế hoạch trọng điểm"},
                      {"period_from", "2026-11-01T00:00:00Z"}};
  for (const auto& u : {kBranchOfficer, kLsDuty, kCamera, kAuditor, kExternal, kAdmin})
    EXPECT_TRUE(denied(call(u, "POST", "/api/v1/tasks", t).status)) << u;
  EXPECT_EQ(call(kHpShift, "POST", "/api/v1/tasks", t).status, 201) << "a shift leader gives tasks too";
  auto unassigned = "/api/v1/tasks/" + body_of(call(kHpOffice, "POST", "/api/v1/tasks", t))["id"].dump();
  t["officers"] = {{{"user_id", user_id(kBranchOfficer)}, {"scope", {{"area", "Cảng khu vực I"}}}}};
  auto created = call(kHpLeader, "POST", "/api/v1/tasks", t);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/api/v1/tasks/" + body_of(created)["id"].dump();
  for (const auto& u : {kHpLeader, kHpOffice, kHpShift, kHqLeader, kAuditor}) EXPECT_EQ(call(u, "GET", path).status, 200) << u;
  EXPECT_EQ(call(kBranchOfficer, "GET", path).status, 200) << "assigned to it";
  EXPECT_EQ(call(kBranchOfficer, "GET", unassigned).status, 404) << "a province's task is not a branch's business";
  EXPECT_EQ(call(kLsDuty, "GET", path).status, 404);
  EXPECT_EQ(call(kExternal, "GET", path).status, 403);
  auto ls_tasks = body_of(call(kLsDuty, "GET", "/api/v1/tasks"));
  for (const auto& item : ls_tasks["items"])
    EXPECT_NE(item["unit_id"], unit_id("HP")) << "Lạng Sơn sees no Hải Phòng task";
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/tasks").status, 403);
  for (const auto& u : {kBranchOfficer, kLsDuty, kAuditor, kExternal})
    EXPECT_TRUE(denied(call(u, "PATCH", path, {{"title", "Đổi tên"}}).status)) << u;
  auto closed = call(kHpLeader, "PATCH", path, {{"status", "closed"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(body_of(closed)["status"], "closed");
}

TEST_F(Matrix, ACaseGoesToTheDutyWatchAndIsActedOnOnlyByItsRecipients) {
  auto d = duty_scene();
  auto body = case_body(unit_id("HP-CKKV1"), "Container rời bãi khi chưa thông quan");
  for (const auto& u : {kLsDuty, kCamera, kAuditor, kExternal, kAdmin}) EXPECT_TRUE(denied(call(u, "POST", "/api/v1/cases", body).status)) << u;
  auto created = call(kBranchOfficer, "POST", "/api/v1/cases", body);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/api/v1/cases/" + body_of(created)["id"].dump();
  // A draft is its author's: nobody else reads it, edits it or reports it.
  EXPECT_EQ(call(kHpLeader, "GET", path).status, 404);
  EXPECT_EQ(call(kBranchOfficer, "GET", path).status, 200);
  EXPECT_TRUE(denied(call(kHpLeader, "PATCH", path, {{"site", "Cổng C"}}).status));
  EXPECT_EQ(call(kBranchOfficer, "PATCH", path, {{"site", "Cổng C"}}).status, 200);
  EXPECT_TRUE(denied(call(kHpLeader, "POST", path + "/report").status));
  auto reported = call(kBranchOfficer, "POST", path + "/report");
  ASSERT_EQ(reported.status, 200) << reported.body;
  auto c = body_of(reported);
  EXPECT_EQ(c["routing"]["clause"], "16.4.a");
  EXPECT_EQ(c["routing"]["handling_unit_name"], "Cục Hải quan thành phố Hải Phòng");
  std::set<std::string> to;
  for (const auto& r : c["routing"]["recipients"]) to.insert(r["username"]);
  EXPECT_TRUE(to.count(d.leader)) << "the shift leader on duty";
  EXPECT_TRUE(to.count(d.member));
  EXPECT_FALSE(to.count(kHpLeader)) << "not the leadership under 16.4(a)";
  // Read in the unit's scope (the province above the branch, headquarters) and by the recipients; never by another province.
  for (const auto& u : {kBranchOfficer, kHpLeader, kHpOffice, kHqLeader, kAuditor, d.leader, d.member})
    EXPECT_EQ(call(u, "GET", path).status, 200) << u;
  EXPECT_EQ(call(kLsDuty, "GET", path).status, 404);
  EXPECT_EQ(call(kLsDuty, "GET", path + "/timeline").status, 404);
  EXPECT_EQ(call(kExternal, "GET", path).status, 403);
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/cases").status, 403);
  auto ls_cases = body_of(call(kLsDuty, "GET", "/api/v1/cases"));
  for (const auto& item : ls_cases["items"])
    EXPECT_NE(item["unit_id"], unit_id("HP-CKKV1")) << "Lạng Sơn sees no Hải Phòng case";
  bool listed = false;
  auto found = body_of(call(kHpLeader, "GET", "/api/v1/cases?q=TCNU1234567"));
  for (const auto& item : found["items"]) listed |= item["id"] == c["id"];
  EXPECT_TRUE(listed) << "found by its container number";
  EXPECT_EQ(call(d.member, "GET", path + "/timeline").status, 200);
  // Acknowledged by a recipient, not by the reporter nor by a leader it was not sent to.
  for (const auto& u : {kBranchOfficer, kHpLeader, kLsDuty, kExternal}) EXPECT_TRUE(denied(call(u, "POST", path + "/acknowledge").status)) << u;
  EXPECT_EQ(call(d.member, "POST", path + "/acknowledge").status, 200);
  // Art. 15.1(d): the reporter proposes, the approver (shift leader) decides, a recipient carries it out.
  EXPECT_TRUE(denied(call(kLsDuty, "POST", path + "/proposals", {{"text", "x"}}).status));
  auto proposed = call(kBranchOfficer, "POST", path + "/proposals", {{"text", "Dừng container, kiểm tra thực tế"}});
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  std::string pid = body_of(proposed)["proposals"][0]["id"].dump();
  for (const auto& u : {kBranchOfficer, d.member, kHpLeader}) EXPECT_TRUE(denied(call(u, "POST", path + "/proposals/" + pid + "/decide", {{"decision", "approve"}}).status)) << u;
  EXPECT_EQ(call(d.leader, "POST", path + "/proposals/" + pid + "/decide", {{"decision", "approve"}}).status, 200);
  EXPECT_TRUE(denied(call(kBranchOfficer, "POST", path + "/proposals/" + pid + "/execute", {{"note", "x"}}).status));
  EXPECT_EQ(call(d.member, "POST", path + "/proposals/" + pid + "/execute", {{"note", "Đã dừng container"}}).status, 200);
  EXPECT_EQ(call(d.member, "PATCH", path, {{"status", "in_handling"}}).status, 200);
  nlohmann::json conclude = {{"status", "concluded"}, {"outcome", "procedure_corrected"}, {"outcome_note", "Chấn chỉnh"}};
  EXPECT_TRUE(denied(call(d.member, "PATCH", path, conclude).status)) << "concluding is the approver's";
  EXPECT_EQ(call(d.leader, "PATCH", path, conclude).status, 200);
  EXPECT_EQ(call(d.leader, "PATCH", path, {{"status", "closed"}}).status, 200);
}

TEST_F(Matrix, CoordinationIsRequestedByTheLeadershipAndAnsweredByTheUnitAsked) {
  nlohmann::json t = {{"unit_id", unit_id("HP")}, {"method", "keypoint_plan"}, {"title", "Chuyên đề phế liệu"},
                      {"period_from", "2026-11-01T00:00:00Z"}};
  int64_t task = body_of(call(kHpLeader, "POST", "/api/v1/tasks", t))["id"];
  auto created = call(kBranchOfficer, "POST", "/api/v1/cases", case_body(unit_id("HP-CKKV1"), "Phế liệu lẫn tạp chất", task));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/api/v1/cases/" + body_of(created)["id"].dump();
  auto c = body_of(call(kBranchOfficer, "POST", path + "/report"));
  EXPECT_EQ(c["routing"]["clause"], "16.4.b");
  EXPECT_EQ(call(kHpLeader, "POST", path + "/acknowledge").status, 200);
  nlohmann::json req = {{"case_id", c["id"]}, {"to_unit_id", unit_id("HP-DV")}, {"content", "Kiểm tra lô hàng cùng chủ"},
                        {"requested_action", "Kiểm tra thực tế"}, {"deadline", "2099-01-01T00:00:00Z"}, {"contacts", "Đ/c Nam"}};
  for (const auto& u : {kBranchOfficer, kHpShift, kLsDuty, kExternal})
    EXPECT_TRUE(denied(call(u, "POST", "/api/v1/coordination-requests", req).status)) << u;
  auto sent = call(kHpLeader, "POST", "/api/v1/coordination-requests", req);
  ASSERT_EQ(sent.status, 201) << sent.body;
  std::string rp = "/api/v1/coordination-requests/" + body_of(sent)["id"].dump();
  for (const auto& u : {kHpLeader, kHpShift, kBranchOfficer}) EXPECT_EQ(call(u, "GET", rp).status, 200) << u;
  EXPECT_EQ(call(kLsDuty, "GET", rp).status, 404);
  EXPECT_EQ(call(kExternal, "GET", rp).status, 403);
  EXPECT_TRUE(body_of(call(kLsDuty, "GET", "/api/v1/coordination-requests"))["items"].empty());
  EXPECT_EQ(body_of(call(kHpShift, "GET", "/api/v1/coordination-requests?direction=incoming"))["items"].size(), 2u)
      << "the demo's request and this one, both to Đình Vũ";
  auto pdf = call(kHpLeader, "GET", rp + "/form.pdf");
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(call(kLsDuty, "GET", rp + "/form.pdf").status, 404);
  // Answered by the unit asked (HP-DV lies in Hải Phòng: its duty watch and leaders), not by a branch elsewhere.
  for (const auto& u : {kBranchOfficer, kLsDuty, kExternal, kAuditor})
    EXPECT_TRUE(denied(call(u, "POST", rp + "/respond", {{"result", "x"}}).status)) << u;
  EXPECT_EQ(call(kHpShift, "POST", rp + "/acknowledge").status, 200);
  EXPECT_EQ(call(kHpShift, "POST", rp + "/respond", {{"result", "Đã kiểm tra"}}).status, 200);
}

TEST_F(Matrix, Art16_4c_TheFocalPointRelaysAndOnlyTheRightPeopleTakeEachHop) {
  const std::string kFocal = "tonghop.vp";  // office_officer, General Affairs Division of the Office (the focal point)
  nlohmann::json t = {{"unit_id", unit_id("HP")}, {"method", "keypoint_directive"}, {"title", "Chỉ đạo giám sát hàng quá cảnh"},
                      {"period_from", "2026-11-01T00:00:00Z"},
                      {"directive", {{"number", "88/TCHQ-GSQL"}, {"date", "2026-11-30"}, {"issuer", "Phó Tổng cục trưởng"}}}};
  for (const auto& u : {kHpLeader, kHpShift, kHpOffice}) {
    auto refused = call(u, "POST", "/api/v1/tasks", t);
    ASSERT_EQ(refused.status, 403) << u;
    EXPECT_NE(body_of(refused)["type"].get<std::string>().find("forbidden-by-rule"), std::string::npos) << refused.body;
  }
  auto task = call(kHqLeader, "POST", "/api/v1/tasks", t);
  ASSERT_EQ(task.status, 201) << task.body;
  auto created = call(kBranchOfficer, "POST", "/api/v1/cases", case_body(unit_id("HP-CKKV1"), "Hàng quá cảnh thay niêm phong", body_of(task)["id"]));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/api/v1/cases/" + body_of(created)["id"].dump();
  auto c = body_of(call(kBranchOfficer, "POST", path + "/report"));
  EXPECT_EQ(c["relay"]["stage"], "at_focal_point");
  auto seen = body_of(call(kFocal, "GET", path));
  EXPECT_EQ(seen["relay"]["actions"], nlohmann::json::array({"forward"}));
  EXPECT_EQ(seen["relay"]["candidates"][0]["user_id"], user_id(kHqLeader));
  auto not_yet = [&] {
    auto inbox = body_of(call(kHqLeader, "GET", "/api/v1/inbox"));  // kept: the loop must not read a destroyed temporary
    for (const auto& n : inbox["items"])
      if (n["case_id"] == c["id"]) return false;
    return true;
  };
  EXPECT_TRUE(not_yet()) << "the leadership hears of it from the focal point";
  nlohmann::json fwd = {{"leader_ids", {user_id(kHqLeader)}}, {"summary", "Hàng quá cảnh thay niêm phong tại cảng Tân Vũ"}};
  for (const auto& u : {kBranchOfficer, kHqLeader, kHpLeader, kExternal}) EXPECT_TRUE(denied(call(u, "POST", path + "/forward", fwd).status)) << u;
  EXPECT_EQ(call(kFocal, "POST", path + "/forward", {{"leader_ids", {user_id(kHpLeader)}}, {"summary", "x"}}).status, 400)
      << "only to headquarters leadership";
  EXPECT_EQ(call(kFocal, "POST", path + "/forward", fwd).status, 200);
  nlohmann::json dir = {{"direction", "Kiểm tra thực tế toàn bộ lô hàng"}};
  for (const auto& u : {kFocal, kHpLeader, kBranchOfficer}) EXPECT_TRUE(denied(call(u, "POST", path + "/direct", dir).status)) << u;
  EXPECT_EQ(call(kHqLeader, "POST", path + "/direct", dir).status, 200);
  EXPECT_EQ(call(kHqLeader, "POST", path + "/relay-direction").status, 403) << "the direction goes back through the focal point";
  EXPECT_TRUE(denied(call(kBranchOfficer, "POST", path + "/relay-direction").status));
  auto relayed = call(kFocal, "POST", path + "/relay-direction", {{"note", "Đã chuyển Cục Hải quan Hải Phòng"}});
  ASSERT_EQ(relayed.status, 200) << relayed.body;
  EXPECT_EQ(body_of(relayed)["relay"]["stage"], "direction_relayed");
  // A key-point plan: approved by its unit's leadership only.
  nlohmann::json plan = {{"unit_id", unit_id("HP")}, {"method", "keypoint_plan"}, {"title", "Kế hoạch trọng điểm quý IV"},
                         {"period_from", "2026-11-01T00:00:00Z"}};
  auto drafted = call(kHpShift, "POST", "/api/v1/tasks", plan);
  ASSERT_EQ(drafted.status, 201) << drafted.body;
  EXPECT_EQ(body_of(drafted)["status"], "awaiting_approval");
  std::string tp = "/api/v1/tasks/" + body_of(drafted)["id"].dump();
  for (const auto& u : {kHpShift, kHpOffice, kLsDuty}) EXPECT_TRUE(denied(call(u, "POST", tp + "/approve").status)) << u;
  auto approved = call(kHpLeader, "POST", tp + "/approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(body_of(approved)["approved_by_name"], inst_->users.by_username(kHpLeader)->full_name);
}

TEST_F(Matrix, TheInboxIsOnesOwnAndEscalationPoliciesAreTheAdministrators) {
  auto d = duty_scene();
  auto inbox = body_of(call(d.leader, "GET", "/api/v1/inbox"));
  ASSERT_FALSE(inbox["items"].empty()) << "the demo's cases reached the shift leader on duty";
  std::string mine = inbox["items"][0]["id"].dump();
  EXPECT_EQ(call(kLsDuty, "POST", "/api/v1/inbox/" + mine + "/read").status, 404) << "someone else's notification";
  EXPECT_EQ(call(d.leader, "POST", "/api/v1/inbox/" + mine + "/read").status, 200);
  EXPECT_EQ(body_of(call(d.leader, "POST", "/api/v1/inbox/read-all"))["unread"], 0);
  EXPECT_TRUE(body_of(call(kExternal, "GET", "/api/v1/inbox"))["items"].empty());
  auto policies = call(kHpLeader, "GET", "/api/v1/escalation-policies");
  ASSERT_EQ(policies.status, 200);
  auto high = body_of(policies)["items"][0];
  high.erase("severity");
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/escalation-policies").status, 403);
  for (const auto& u : {kHpLeader, kHqLeader, kAuditor, kExternal})
    EXPECT_TRUE(denied(call(u, "PUT", "/api/v1/escalation-policies/high", high).status)) << u;
  high["ack_timeout_minutes"] = 20;
  auto saved = call(kAdmin, "PUT", "/api/v1/escalation-policies/high", high);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(body_of(saved)["ack_timeout_minutes"], 20);
  high["steps"][0]["notify_role"] = "janitor";
  auto bad = call(kAdmin, "PUT", "/api/v1/escalation-policies/high", high);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("steps[0].notify_role"), std::string::npos) << bad.body;
}


// ---- Sites and cameras: read inside customs within the site's unit and above; changed by camera
// administrators in scope; credentials go in and never come out.

TEST_F(Matrix, SitesAndCamerasAreReadInScopeAndChangedByCameraAdministrators) {
  nlohmann::json site = {{"unit_id", unit_id("DTCBL-GSTT")}, {"kind", "seaport"}, {"name", "Phòng giám sát trực tuyến"}};
  for (const auto& u : {kHpLeader, kHpShift, kBranchOfficer, kAuditor, kExternal, kLsDuty})
    EXPECT_TRUE(denied(call(u, "POST", "/api/v1/sites", site).status)) << u;
  auto created = call(kCamera, "POST", "/api/v1/sites", site);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string sp = "/api/v1/sites/" + body_of(created)["id"].dump();
  nlohmann::json other = {{"unit_id", unit_id("HP-CKKV1")}, {"kind", "seaport"}, {"name", "Cảng Tân Vũ"}};
  EXPECT_TRUE(denied(call(kCamera, "POST", "/api/v1/sites", other).status)) << "outside the camera administrator's unit";
  auto hp_site = call(kAdmin, "POST", "/api/v1/sites", other);
  ASSERT_EQ(hp_site.status, 201) << hp_site.body;
  std::string hsp = "/api/v1/sites/" + body_of(hp_site)["id"].dump();
  nlohmann::json cam = {{"site_id", body_of(hp_site)["id"]}, {"name", "Cổng B - camera 01"},
                        {"main_url", "rtsp://10.1.2.3:554/stream1"}, {"username", "viewer"}, {"password", "S3cret-pass"}};
  EXPECT_TRUE(denied(call(kCamera, "POST", "/api/v1/cameras", cam).status)) << "a site of another unit";
  auto c = call(kAdmin, "POST", "/api/v1/cameras", cam);
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(c.body.find("S3cret-pass"), std::string::npos) << "the password never comes back";
  EXPECT_EQ(c.body.find("viewer"), std::string::npos);
  EXPECT_TRUE(body_of(c)["credentials_set"].get<bool>());
  std::string cp = "/api/v1/cameras/" + body_of(c)["id"].dump();
  // Read by customs people whose units hold the site (and above), not by another province nor outside.
  for (const auto& u : {kAdmin, kHqLeader, kHpLeader, kHpShift, kBranchOfficer, kAuditor})
    for (const auto& path : {hsp, cp}) EXPECT_EQ(call(u, "GET", path).status, 200) << u << " " << path;
  for (const auto& path : {hsp, cp}) {
    EXPECT_EQ(call(kLsDuty, "GET", path).status, 404);
    EXPECT_EQ(call(kExternal, "GET", path).status, 403);
  }
  EXPECT_EQ(body_of(call(kLsDuty, "GET", "/api/v1/cameras"))["items"].size(), 0u);
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/sites").status, 403);
  // The Online Customs Supervision Division watches every camera of the sector (Art. 16.1, 16.2.1):
  // its officers list, read and play back Hải Phòng's camera; its camera administrator still
  // administers (and reads) only the division's own, and watching is not changing.
  const std::string sector = "canbo.gstt";
  for (const auto& path : {hsp, cp, cp + "/recordings"}) EXPECT_EQ(call(sector, "GET", path).status, 200) << path;
  auto listed = call(sector, "GET", "/api/v1/cameras");
  EXPECT_NE(listed.body.find("\"Cổng B - camera 01\""), std::string::npos) << listed.body;
  EXPECT_EQ(call(kCamera, "GET", cp).status, 404);
  EXPECT_TRUE(denied(call(sector, "PATCH", cp, {{"enabled", false}}).status));
  EXPECT_EQ(call(kHpLeader, "GET", "/api/v1/sites").status, 200);
  for (const auto& u : {kHpLeader, kBranchOfficer, kCamera, kLsDuty})
    EXPECT_TRUE(denied(call(u, "PATCH", cp, {{"enabled", false}}).status)) << u;
  auto bad = call(kAdmin, "PATCH", cp, {{"main_url", "rtsp://admin:12345@10.1.2.3/stream1"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("main_url"), std::string::npos);
  EXPECT_EQ(bad.body.find("12345"), std::string::npos) << "a password typed in the address is not echoed";
  // Recordings, playback and snapshots: customs people who watch, in scope; not the auditor, not outside.
  for (const auto& path : {cp + "/recordings", cp + "/media.mp4", cp + "/snapshot.jpg"}) {
    EXPECT_EQ(call(kLsDuty, "GET", path).status, 404) << path;
    EXPECT_EQ(call(kExternal, "GET", path).status, 403) << path;
    EXPECT_TRUE(denied(call(kAuditor, "GET", path).status)) << path;
  }
  auto rec = call(kHpShift, "GET", cp + "/recordings");
  EXPECT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(call(kHpShift, "GET", cp + "/media.mp4").status, 404) << "nothing recorded yet";
  EXPECT_EQ(call(kHpShift, "GET", cp + "/snapshot.jpg").status, 404);
  EXPECT_EQ(call(kHpShift, "GET", cp + "/recordings?from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z").status, 400);
  // Live view: a same-site WebSocket for those who watch, in scope (and the sector's division); each
  // view audited when it starts and when it ends.
  auto live_as = [&](const std::string& u, const std::string& query) {
    return call_as(&callers_->at(u), "GET", cp + "/live" + query, "", kSameSite, true);
  };
  EXPECT_EQ(live_as(kLsDuty, "").status, 404);
  EXPECT_EQ(live_as(kExternal, "").status, 403);
  EXPECT_TRUE(denied(live_as(kAuditor, "").status));
  EXPECT_FALSE(live_as(kAuditor, "").websocket);
  EXPECT_EQ(live_as(kHpShift, "?stream=sub").status, 400) << "no sub stream";
  EXPECT_EQ(live_as(kHpShift, "?stream=4k").status, 400);
  EXPECT_EQ(call(kHpShift, "GET", cp + "/live").status, 426) << "a WebSocket only";
  EXPECT_EQ(call_as(&callers_->at(kHpShift), "GET", cp + "/live", "", {{"host", "127.0.0.1:8080"}, {"origin", "http://evil.example"}}, true)
                .status,
            403);
  for (const auto& u : {kHpShift, kHpLeader, kBranchOfficer, sector}) {
    auto up = live_as(u, "?stream=main");
    ASSERT_EQ(up.status, 101) << u << " " << up.body;
    ASSERT_TRUE(up.websocket);
    auto sender = std::make_shared<RecordingSender>();
    up.websocket->on_open(sender);
    auto hello = sender->of_type("hello");
    ASSERT_EQ(hello.size(), 1u);
    EXPECT_EQ(hello[0]["camera"], "Cổng B - camera 01");
    EXPECT_EQ(hello[0]["site"], "Cảng Tân Vũ");
    EXPECT_EQ(hello[0]["time_zone"], "Asia/Ho_Chi_Minh");
    ASSERT_FALSE(sender->of_type("state").empty()) << "the camera's state comes at once";
    up.websocket->on_message(R"({"type":"ping"})");
    EXPECT_EQ(sender->of_type("pong").size(), 1u);
    up.websocket->on_close();
  }
  auto views = body_of(call(kAdmin, "GET", "/api/v1/audit?action=video.live&object_id=" + body_of(c)["id"].dump()))["items"];
  std::multiset<std::string> audited;
  for (const auto& e : views) audited.insert(e["actor"].get<std::string>() + " " + e["action"].get<std::string>());
  for (const auto& u : {kHpShift, kHpLeader, kBranchOfficer, sector}) {
    EXPECT_EQ(audited.count(u + " video.live.start"), 1u) << u << views;
    EXPECT_EQ(audited.count(u + " video.live.end"), 1u) << u << views;
  }
  // "Test connection" is for camera administrators; a refused port is a clear answer, not an error.
  EXPECT_TRUE(denied(call(kHpLeader, "POST", cp + "/probe").status));
  // The credentials were entered for 10.1.2.3:554: another host takes them again.
  EXPECT_EQ(call(kAdmin, "PATCH", cp, {{"main_url", "rtsp://127.0.0.1:1/none"}}).status, 422);
  EXPECT_EQ(call(kAdmin, "PATCH", cp, {{"main_url", "rtsp://127.0.0.1:1/none"}, {"username", "viewer"}, {"password", "S3cret-pass"}}).status,
            200);
  auto probe = call(kAdmin, "POST", cp + "/probe");
  EXPECT_EQ(probe.status, 200) << probe.body;
  EXPECT_FALSE(body_of(probe)["ok"].get<bool>());
  EXPECT_EQ(body_of(probe)["code"], "refused");
  // Evidence holds: placed and released by leaders and supervising officers in scope.
  nlohmann::json hold = {{"camera_id", body_of(c)["id"]}, {"from", "2026-11-28T01:00:00Z"}, {"to", "2026-11-28T02:00:00Z"},
                         {"reason", "Vụ việc nghi vấn tại cổng B"}};
  for (const auto& u : {kCamera, kAuditor, kLsDuty, kExternal})
    EXPECT_TRUE(denied(call(u, "POST", "/api/v1/holds", hold).status)) << u;
  auto h = call(kHpShift, "POST", "/api/v1/holds", hold);
  ASSERT_EQ(h.status, 201) << h.body;
  std::string hp = "/api/v1/holds/" + body_of(h)["id"].dump();
  EXPECT_EQ(body_of(call(kHpLeader, "GET", "/api/v1/holds"))["items"].size(), 1u);
  EXPECT_EQ(body_of(call(kLsDuty, "GET", "/api/v1/holds"))["items"].size(), 0u);
  EXPECT_EQ(call(kAdmin, "DELETE", cp).status, 409) << "a camera with held recordings stays";
  EXPECT_TRUE(denied(call(kCamera, "DELETE", hp, {{"reason", "xong"}}).status));
  EXPECT_EQ(call(kBranchOfficer, "DELETE", hp, nlohmann::json::object()).status, 400) << "a release needs its reason";
  EXPECT_EQ(call(kBranchOfficer, "DELETE", hp, {{"reason", "Vụ việc đã kết thúc"}}).status, 200);
  EXPECT_EQ(call(kBranchOfficer, "DELETE", hp, {{"reason", "lần nữa"}}).status, 409) << "released once";
  EXPECT_EQ(call(kAdmin, "DELETE", cp).status, 409) << "its holds stay in the evidence record: disable it instead";
  EXPECT_EQ(call(kAdmin, "PATCH", cp, {{"enabled", false}}).status, 200);
  EXPECT_EQ(call(kAdmin, "DELETE", hsp).status, 409) << "a site with cameras stays";
  EXPECT_TRUE(denied(call(kHpLeader, "DELETE", cp).status));
  // A camera that never had a hold is removed with its site.
  nlohmann::json cam2 = {{"site_id", body_of(created)["id"]}, {"name", "Phòng GSTT - camera 02"}, {"main_url", "rtsp://127.0.0.1:1/x"}};
  auto c2 = call(kCamera, "POST", "/api/v1/cameras", cam2);
  ASSERT_EQ(c2.status, 201) << c2.body;
  EXPECT_EQ(call(kCamera, "DELETE", "/api/v1/cameras/" + body_of(c2)["id"].dump()).status, 204);
  EXPECT_EQ(call(kCamera, "PATCH", sp, {{"name", "Phòng GSTT"}}).status, 200);
  EXPECT_EQ(call(kCamera, "DELETE", sp).status, 204);
}

// Enterprise camera outages (sự cố camera doanh nghiệp): read where the camera is, overdue once the
// repair deadline passes, or when the repair came after it. Time comes from a FakeClock that only
// this test's router reads.
TEST_F(Matrix, EnterpriseCameraOutagesAreReadInScopeAndFallOverdueAtTheirDeadline) {
  auto site = call(kAdmin, "POST", "/api/v1/sites",
                   {{"unit_id", unit_id("HP-CKKV1")}, {"kind", "bonded_warehouse"}, {"name", "Kho ngoại quan Tân Vũ"}});
  ASSERT_EQ(site.status, 201) << site.body;
  std::string site_id = body_of(site)["id"].dump();
  auto cam = call(kAdmin, "POST", "/api/v1/cameras",
                  {{"site_id", body_of(site)["id"]}, {"name", "Cửa kho số 1"}, {"owner", "enterprise"},
                   {"owner_name", "Công ty CP Kho vận Tân Vũ"}, {"main_url", "rtsp://127.0.0.1:1/kho1"}, {"enabled", false}});
  ASSERT_EQ(cam.status, 201) << cam.body;
  int64_t camera = body_of(cam)["id"];
  const int64_t day = 86'400'000, t0 = *core::parse_iso8601("2026-12-01T02:00:00Z");
  const int64_t due = t0 + 14 * day;
  auto outage = [&](int64_t started, std::optional<int64_t> ended, int64_t repair_due) {
    inst_->db->exec("INSERT INTO camera_outages(camera_id, started_ms, ended_ms, repair_due_ms, owner_name) VALUES (?,?,?,?,?)",
                    {camera, started, store::opt(ended), repair_due, std::string("Công ty CP Kho vận Tân Vũ")});
  };
  outage(t0 - 60 * day, t0 - 55 * day, t0 - 46 * day);  // repaired in time
  outage(t0 - 30 * day, t0 - 10 * day, t0 - 16 * day);  // repaired after its deadline
  outage(t0, std::nullopt, due);                        // still down

  core::FakeClock clock(t0 + 3'600'000);
  api::Services at_clock{*inst_->db, clock, inst_->config, inst_->units, inst_->users, inst_->sessions, inst_->throttle,
                         inst_->audit, inst_->checkpoints, inst_->bus, inst_->duty, inst_->alerts, inst_->tasks, inst_->cases, inst_->coordination,
                         inst_->inbox, inst_->escalation, inst_->catalog, inst_->recorder, inst_->relationships,
                         inst_->requests, inst_->grants, inst_->evidence, inst_->exports, inst_->nodes};
  auto handler = http::make_dispatcher(api::make_router(at_clock), api::make_authenticator(at_clock), {});
  auto list = [&](const std::string& user, const std::string& query) {
    auto res = call_as(&callers_->at(user), "GET", "/api/v1/camera-outages?camera=" + std::to_string(camera) + query, "", {},
                       false, &handler);
    EXPECT_EQ(res.status, 200) << user << " " << query << " " << res.body;
    return body_of(res)["items"];
  };

  auto open = list(kHpShift, "");
  ASSERT_EQ(open.size(), 1u) << "open by default";
  EXPECT_EQ(open[0]["camera_name"], "Cửa kho số 1");
  EXPECT_EQ(open[0]["site_name"], "Kho ngoại quan Tân Vũ");
  EXPECT_EQ(open[0]["unit_id"], unit_id("HP-CKKV1"));
  EXPECT_EQ(open[0]["owner_name"], "Công ty CP Kho vận Tân Vũ");
  EXPECT_EQ(open[0]["started_at"], "2026-12-01T02:00:00.000Z");
  EXPECT_TRUE(open[0]["ended_at"].is_null());
  EXPECT_EQ(open[0]["repair_due_at"], core::iso8601(due));
  EXPECT_EQ(open[0]["duration_s"], 3600);
  EXPECT_FALSE(open[0]["overdue"].get<bool>()) << "before the deadline";
  clock.set_ms(due + 60'000);
  EXPECT_TRUE(list(kHpShift, "&state=open")[0]["overdue"].get<bool>()) << "after the deadline";

  auto closed = list(kHpShift, "&state=closed");
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0]["ended_at"], core::iso8601(t0 - 10 * day)) << "newest first";
  EXPECT_TRUE(closed[0]["overdue"].get<bool>()) << "repaired after its deadline";
  EXPECT_EQ(closed[0]["duration_s"], 20 * 86'400);
  EXPECT_FALSE(closed[1]["overdue"].get<bool>()) << "repaired in time";
  EXPECT_EQ(list(kHpShift, "&state=all").size(), 3u);

  // Read like the camera: in its unit's scope and above, not by another province nor from outside.
  for (const auto& u : {kHpLeader, kBranchOfficer, kAuditor, kHqLeader, kAdmin}) EXPECT_EQ(list(u, "&state=all").size(), 3u) << u;
  EXPECT_TRUE(list(kLsDuty, "&state=all").empty());
  EXPECT_TRUE(body_of(call(kLsDuty, "GET", "/api/v1/camera-outages?state=all"))["items"].empty());
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/camera-outages").status, 403);
  EXPECT_EQ(body_of(call(kHpShift, "GET", "/api/v1/camera-outages?state=all&site=" + site_id))["items"].size(), 3u);

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"state=overdue", "state"}, {"camera=abc", "camera"}, {"site=0", "site"}}) {
    auto bad = call(kHpShift, "GET", "/api/v1/camera-outages?" + query);
    EXPECT_EQ(bad.status, 400) << query;
    EXPECT_EQ(bad.content_type, "application/problem+json");
    EXPECT_EQ(body_of(bad)["errors"][0]["field"], field) << bad.body;
  }

  EXPECT_EQ(call(kAdmin, "DELETE", "/api/v1/cameras/" + std::to_string(camera)).status, 204);
  EXPECT_EQ(call(kAdmin, "DELETE", "/api/v1/sites/" + site_id).status, 204);
}

// Video wall views (màn hình giám sát): one's own view is one's own; a view shared with a unit is read
// in that unit, below it and by those who watch it from above, changed by its owner or the unit's
// leaders, and only the leaders choose the unit's default.
TEST_F(Matrix, WallViewsArePrivateOrSharedWithAUnitAndOnlyItsLeadersChooseTheDefault) {
  for (const auto& u : kEveryone) {
    auto list = call(u, "GET", "/api/v1/wall-views");
    if (u == kExternal) EXPECT_EQ(list.status, 403);
    else EXPECT_EQ(list.status, 200) << u << " " << list.body;
  }
  EXPECT_EQ(call(kExternal, "POST", "/api/v1/wall-views", {{"name", "x"}, {"layout", "4"}}).status, 403);

  // A private view: nobody else reads, changes or removes it, whatever their rank.
  auto mine = call(kBranchOfficer, "POST", "/api/v1/wall-views", {{"name", "Cổng B riêng"}, {"layout", "4"}, {"tiles", nlohmann::json::array()}});
  ASSERT_EQ(mine.status, 201) << mine.body;
  std::string mp = "/api/v1/wall-views/" + body_of(mine)["id"].dump();
  EXPECT_EQ(body_of(mine)["unit_id"], unit_id("HP-CKKV1"));
  EXPECT_EQ(body_of(mine)["can_edit"], true);
  for (const auto& u : {kAdmin, kHqLeader, kHpLeader, kAuditor, kLsDuty}) {
    EXPECT_EQ(call(u, "GET", mp).status, 404) << u;
    EXPECT_EQ(call(u, "PATCH", mp, {{"name", "đổi"}}).status, 404) << u;
    EXPECT_EQ(call(u, "DELETE", mp).status, 404) << u;
    const auto listed = body_of(call(u, "GET", "/api/v1/wall-views"));
    for (const auto& v : listed["items"]) EXPECT_NE(v["id"], body_of(mine)["id"]) << u;
  }
  EXPECT_EQ(call(kBranchOfficer, "PATCH", mp, {{"name", "Cổng B (riêng)"}}).status, 200);

  // Shared with Hải Phòng (where the shift leader holds his role, not his own leadership box).
  nlohmann::json shared = {{"name", "Hải Phòng — cổng cảng"}, {"layout", "1+5"}, {"shared", true}, {"unit_id", unit_id("HP")},
                           {"tour", {{"dwell_seconds", 20}, {"sets", nlohmann::json::array({nlohmann::json::array()})}}}};
  EXPECT_EQ(call(kBranchOfficer, "POST", "/api/v1/wall-views", shared).status, 400) << "not a unit where he holds a role or leads";
  auto made = call(kHpShift, "POST", "/api/v1/wall-views", shared);
  ASSERT_EQ(made.status, 201) << made.body;
  std::string sp = "/api/v1/wall-views/" + body_of(made)["id"].dump();
  for (const auto& u : {kHpShift, kHpLeader, kBranchOfficer, kAuditor, kAdmin, kHqLeader, kHpOffice})
    EXPECT_EQ(call(u, "GET", sp).status, 200) << u << ": in Hải Phòng, below it or above it";
  for (const auto& u : {kLsDuty, kCamera}) EXPECT_EQ(call(u, "GET", sp).status, 404) << u << ": another province";
  EXPECT_EQ(call(kExternal, "GET", sp).status, 403);
  for (const auto& u : {kBranchOfficer, kAuditor, kHpOffice, kLsDuty}) EXPECT_TRUE(denied(call(u, "PATCH", sp, {{"name", "x"}}).status)) << u;
  EXPECT_EQ(body_of(call(kBranchOfficer, "GET", sp))["can_edit"], false);
  EXPECT_EQ(call(kHpLeader, "PATCH", sp, {{"layout", "9"}}).status, 200) << "the unit's leader changes a shared view";

  // The unit's default view: the leaders' choice, one per unit.
  auto refused = call(kHpShift, "PATCH", sp, {{"is_default", true}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(call(kHpLeader, "PATCH", sp, {{"is_default", true}}).status, 200);
  auto second = call(kHpLeader, "POST", "/api/v1/wall-views",
                     {{"name", "Hải Phòng — mặc định mới"}, {"layout", "4"}, {"shared", true}, {"is_default", true}, {"unit_id", unit_id("HP")}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(body_of(call(kHpShift, "GET", sp))["is_default"], false) << "the new default took the unit's default";
  EXPECT_EQ(call(kHpShift, "PATCH", sp, {{"shared", false}}).status, 200) << "its owner takes it back";
  EXPECT_EQ(call(kHpLeader, "GET", sp).status, 404);

  // Validation names the field; nothing is written.
  auto bad = call(kHpShift, "PATCH", sp, {{"tiles", {999999}}, {"tour", {{"dwell_seconds", 2}, {"sets", {{1}}}}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> fields;
  const auto problem = body_of(bad);  // held: a range-for over a member of a temporary would dangle
  for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  EXPECT_TRUE(fields.count("tiles[0]")) << bad.body;
  EXPECT_TRUE(fields.count("tour.dwell_seconds")) << bad.body;
  EXPECT_EQ(call(kHpShift, "POST", "/api/v1/wall-views", {{"name", "x"}, {"layout", "6"}}).status, 400);

  // Removal: the owner or the unit's leaders; the default only by the leaders.
  std::string dp = "/api/v1/wall-views/" + body_of(second)["id"].dump();
  EXPECT_TRUE(denied(call(kHpShift, "DELETE", dp).status));
  EXPECT_EQ(call(kHpLeader, "DELETE", dp).status, 204);
  EXPECT_EQ(call(kHpShift, "DELETE", sp).status, 204);
  EXPECT_EQ(call(kBranchOfficer, "DELETE", mp).status, 204);
  EXPECT_EQ(call(kBranchOfficer, "GET", mp).status, 404);
}

// ---- The map (bản đồ): each site in the caller's camera scope with its state; the alerts and cases
// counted are only those the caller may read.

TEST_F(Matrix, TheMapShowsTheSitesInScopeWithWhatTheCallerMayReadAboutThem) {
  auto hp_site = call(kAdmin, "POST", "/api/v1/sites",
                      {{"unit_id", unit_id("HP-CKKV1")}, {"kind", "seaport"}, {"name", "Cảng Lạch Huyện (bản đồ)"},
                       {"latitude", 20.79}, {"longitude", 106.90}});
  ASSERT_EQ(hp_site.status, 201) << hp_site.body;
  auto ls_site = call(kAdmin, "POST", "/api/v1/sites",
                      {{"unit_id", unit_id("LS-HN")}, {"kind", "border_gate"}, {"name", "Ga Đồng Đăng (bản đồ)"}});
  ASSERT_EQ(ls_site.status, 201) << ls_site.body;
  int64_t hp = body_of(hp_site)["id"], ls = body_of(ls_site)["id"];
  // Disabled: the recorder leaves it alone, so that its state does not change under the test.
  auto cam = call(kAdmin, "POST", "/api/v1/cameras",
                  {{"site_id", hp}, {"name", "Cầu cảng số 1"}, {"main_url", "rtsp://127.0.0.1:1/lh1"}, {"enabled", false}});
  ASSERT_EQ(cam.status, 201) << cam.body;
  int64_t camera = body_of(cam)["id"];

  auto summary = [&](const std::string& u) {
    auto res = call(u, "GET", "/api/v1/sites/summary");
    EXPECT_EQ(res.status, 200) << u << " " << res.body;
    std::map<int64_t, nlohmann::json> by_site;
    auto body = body_of(res);
    for (const auto& item : body["items"]) by_site[item["site_id"].get<int64_t>()] = item;
    return by_site;
  };
  // Whose sites: the units holding them and above; the sector-wide watch everywhere; not another
  // province, not the division's camera administrator (its own only), never outside customs.
  for (const auto& u : {kAdmin, kAuditor, kHqLeader, std::string("canbo.gstt")}) {
    auto m = summary(u);
    EXPECT_TRUE(m.count(hp) && m.count(ls)) << u;
  }
  for (const auto& u : {kHpLeader, kHpOffice, kHpShift, kBranchOfficer}) {
    auto m = summary(u);
    EXPECT_TRUE(m.count(hp)) << u;
    EXPECT_FALSE(m.count(ls)) << u;
  }
  EXPECT_FALSE(summary(kLsDuty).count(hp));
  EXPECT_TRUE(summary(kLsDuty).count(ls));
  EXPECT_FALSE(summary(kCamera).count(hp));
  EXPECT_EQ(call(kExternal, "GET", "/api/v1/sites/summary").status, 403);
  auto bad = call(kAdmin, "GET", "/api/v1/sites/summary?unit=abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["errors"][0]["field"], "unit") << bad.body;
  EXPECT_EQ(summary(kAdmin).count(ls), 1u);
  {
    auto only_hp = body_of(call(kAdmin, "GET", "/api/v1/sites/summary?unit=" + std::to_string(unit_id("HP"))))["items"];
    for (const auto& item : only_hp) EXPECT_NE(item["site_id"], ls) << "?unit= keeps to that unit's subtree";
  }

  auto site = summary(kBranchOfficer).at(hp);
  EXPECT_EQ(site["latitude"], 20.79);
  EXPECT_EQ(site["unit_name"], "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I") << site;
  EXPECT_EQ(site["camera_total"], 1);
  EXPECT_EQ(site["camera_counts"]["disabled"], 1);
  EXPECT_EQ(site["cameras"][0]["id"], camera);
  EXPECT_EQ(site["state"], "none") << "nothing records there yet";
  EXPECT_TRUE(summary(kLsDuty).at(ls)["latitude"].is_null());

  // An alert about the camera, raised for its unit and again for the system operator: one alert.
  events::Alert a;
  a.kind = "camera.offline";
  a.subject = fmt::format("camera:{}", camera);
  a.unit_id = unit_id("HP-CKKV1");
  a.severity = "high";
  a.title_vi = a.title_en = "Camera offline";
  a.audience = {"duty_officer"};
  a.details = {{"camera_id", camera}};
  ASSERT_TRUE(inst_->alerts.raise(a));
  a.subject += ":operator";
  a.unit_id = unit_id("DTCBL-GSTT");
  ASSERT_TRUE(inst_->alerts.raise(a));
  for (const auto& u : {kAdmin, kBranchOfficer, kHpShift, std::string("canbo.gstt")}) {
    auto s = summary(u).at(hp);
    EXPECT_EQ(s["open_alerts"], 1) << u;
    EXPECT_EQ(s["state"], "alert") << u;
  }

  // A case seen on the camera: counted for whoever may read it (the branch, the province, the
  // sector-wide watch, since it comes from camera footage), never for another province.
  auto body = case_body(unit_id("HP-CKKV1"), "Tàu cập cầu cảng số 1 dỡ hàng ngoài giờ không có xác nhận");
  body["site"] = "Cầu cảng số 1";
  body["cameras"] = {{{"camera", std::to_string(camera)}, {"from", "2026-11-28T01:58:00Z"}, {"to", "2026-11-28T02:05:00Z"}}};
  body["report"] = true;
  auto reported = call(kBranchOfficer, "POST", "/api/v1/cases", body);
  ASSERT_EQ(reported.status, 201) << reported.body;
  for (const auto& u : {kBranchOfficer, kHpLeader, std::string("canbo.gstt")}) EXPECT_EQ(summary(u).at(hp)["open_cases"], 1) << u;
  EXPECT_EQ(summary(kLsDuty).at(ls)["open_cases"], 0);
  inst_->alerts.resolve("camera.offline", fmt::format("camera:{}", camera));
  inst_->alerts.resolve("camera.offline", fmt::format("camera:{}:operator", camera));
  auto after = summary(kBranchOfficer).at(hp);
  EXPECT_EQ(after["open_alerts"], 0);
  EXPECT_EQ(after["state"], "case") << "the alert closed, the case still open";
}

// Art. 16.3: the register of working relationships is kept by admin and the system operator's leadership.
TEST_F(Matrix, Art16_3_WorkingRelationshipsAreKeptByAdminAndTheSystemOperatorsLeadership) {
  const std::string kOperatorLeader = "lanhdao.dtcbl";  // unit_leader of the department holding the system operator
  nlohmann::json rel = {{"unit_id", unit_id("LS")}, {"partner_unit_id", unit_id("EXT-CSKT")}, {"basis_kind", "agreement"},
                        {"basis_number", "05/TTPH-HQLS-CSKT"}, {"basis_date", "2025-06-01"}, {"basis_title", "Thỏa thuận phối hợp"},
                        {"data_types", {"recordings"}}, {"unit_ids", nlohmann::json::array()}, {"download", false},
                        {"valid_from", "2025-06-01"}, {"valid_to", nullptr}};
  for (const auto& u : {kHpLeader, kAuditor, kCamera, kExternal, kLsDuty})
    EXPECT_TRUE(denied(call(u, "POST", "/api/v1/working-relationships", rel).status)) << u;
  auto same = rel;
  same["partner_unit_id"] = unit_id("LS");
  auto bad = call(kAdmin, "POST", "/api/v1/working-relationships", same);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["errors"][0]["field"], "partner_unit_id") << bad.body;
  auto by_operator = call(kOperatorLeader, "POST", "/api/v1/working-relationships", rel);
  ASSERT_EQ(by_operator.status, 201) << by_operator.body;
  auto created = body_of(by_operator);
  EXPECT_TRUE(created["partner_external"].get<bool>());
  EXPECT_EQ(created["basis_vi"], "Thỏa thuận phối hợp số 05/TTPH-HQLS-CSKT ngày 01/06/2025");
  std::string path = "/api/v1/working-relationships/" + created["id"].dump();
  for (const auto& u : {kAdmin, kAuditor, kHpLeader, kLsDuty, kCamera}) EXPECT_EQ(call(u, "GET", "/api/v1/working-relationships").status, 200) << u;
  EXPECT_TRUE(denied(call(kExternal, "GET", "/api/v1/working-relationships").status)) << "the register is internal";
  EXPECT_TRUE(denied(call(kHpLeader, "PATCH", path, {{"download", true}}).status));
  auto patched = call(kAdmin, "PATCH", path, {{"download", true}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(body_of(patched)["download"].get<bool>());
  EXPECT_EQ(call(kAdmin, "POST", path + "/end", nlohmann::json::object()).status, 400) << "a reason is required";
  EXPECT_TRUE(denied(call(kLsDuty, "POST", path + "/end", {{"reason", "x"}}).status));
  auto ended = call(kAdmin, "POST", path + "/end", {{"reason", "Thỏa thuận hết hiệu lực"}});
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_FALSE(body_of(ended)["in_force"].get<bool>());
  audit::Filter changes;
  changes.action_prefix = "relationship.";
  changes.object_id = created["id"].dump();
  EXPECT_EQ(inst_->audit.list(changes).size(), 3u)
      << "created, changed, ended: each audited";
}

// Art. 16.3 end to end through the dispatcher: the Border Guard asks for recordings of a Hải Phòng camera inside
// the coordination regulation; Hải Phòng's leadership decides; the grant gives exactly that and nothing more.
TEST_F(Matrix, Art16_3_AGrantGivesExactlyWhatWasDecidedForAsLongAsDecided) {
  auto rel = call(kAdmin, "POST", "/api/v1/working-relationships",
                  {{"unit_id", unit_id("HP")}, {"partner_unit_id", unit_id("EXT-BDBP")}, {"basis_kind", "regulation"},
                   {"basis_number", "12/QCPH-HQHP-BĐBP"}, {"basis_date", "2024-03-01"}, {"basis_title", "Quy chế phối hợp"},
                   {"data_types", {"recordings", "snapshots"}}, {"download", false}, {"valid_from", "2024-03-01"}});
  ASSERT_EQ(rel.status, 201) << rel.body;
  auto site = call(kAdmin, "POST", "/api/v1/sites", {{"unit_id", unit_id("HP-CKKV1")}, {"kind", "seaport"}, {"name", "Cảng Chùa Vẽ"}});
  ASSERT_EQ(site.status, 201) << site.body;
  auto camera = [&](const std::string& name) {
    auto c = call(kAdmin, "POST", "/api/v1/cameras",
                  {{"site_id", body_of(site)["id"]}, {"name", name}, {"main_url", "rtsp://127.0.0.1:1/cv"}, {"enabled", false}});
    EXPECT_EQ(c.status, 201) << c.body;
    return body_of(c)["id"].get<int64_t>();
  };
  int64_t cam = camera("Cổng cảng Chùa Vẽ"), other = camera("Bãi container Chùa Vẽ");
  int64_t now = inst_->clock.now_ms(), hour = 3'600'000;
  auto at = [](int64_t ms) { return core::iso8601(ms); };
  nlohmann::json ask = {{"purpose", "Xác minh phương tiện nghi vấn"}, {"reference", "Công văn 123/BĐBP-PCMT"},
                        {"data_types", {"recordings"}}, {"camera_ids", {cam}}, {"from", at(now - 26 * hour)},
                        {"to", at(now - 24 * hour)}, {"mode", "view"}, {"access_days", 7}};

  // What may be asked for: names, no addresses.
  auto cat = call(kExternal, "GET", "/api/v1/data-requests/catalogue");
  ASSERT_EQ(cat.status, 200) << cat.body;
  EXPECT_NE(cat.body.find("Cổng cảng Chùa Vẽ"), std::string::npos);
  EXPECT_EQ(cat.body.find("rtsp://"), std::string::npos);
  EXPECT_TRUE(denied(call(kAuditor, "GET", "/api/v1/data-requests/catalogue").status)) << "an auditor does not request";

  // Bad input: a clear problem naming the field, nothing written.
  auto with = [&](const char* f, nlohmann::json v) { auto b = ask; b[f] = std::move(v); return b; };
  expect_refused(kExternal, "/api/v1/data-requests", "data_requests",
                 {{with("camera_ids", {999999}), "camera_ids"},
                  {with("from", at(now - 40 * 24 * hour)), "to"},
                  {with("to", at(now + hour)), "to"},
                  {with("access_days", 365), "access_days"},
                  {with("mode", "copy"), "mode"}});

  auto filed = call(kExternal, "POST", "/api/v1/data-requests", ask);
  ASSERT_EQ(filed.status, 201) << filed.body;
  auto req = body_of(filed);
  EXPECT_EQ(req["status"], "pending");
  EXPECT_EQ(req["routing"]["route"], "operating_unit");
  EXPECT_EQ(req["routing"]["decider_unit_id"], unit_id("HP"));
  EXPECT_EQ(req["routing"]["basis_vi"], "Quy chế phối hợp số 12/QCPH-HQHP-BĐBP ngày 01/03/2024");
  std::string rp = "/api/v1/data-requests/" + req["id"].dump();
  bool told = false;
  auto inbox = body_of(call(kHpLeader, "GET", "/api/v1/inbox"));
  for (const auto& n : inbox["items"]) told = told || (n["data_request_id"] == req["id"] && n["kind"] == "data_request.to_decide");
  EXPECT_TRUE(told) << "the decider's inbox carries the pending decision";
  EXPECT_EQ(call(kAuditor, "GET", rp).status, 200);
  EXPECT_TRUE(denied(call(kLsDuty, "GET", rp).status)) << "another province";
  nlohmann::json approve = {{"decision", "approve"}, {"reasons", "Phù hợp Quy chế phối hợp"}};
  for (const auto& u : {kExternal, kHpShift, kHqLeader, kHpOffice, kLsDuty})
    EXPECT_TRUE(denied(call(u, "POST", rp + "/decide", approve).status)) << u;
  EXPECT_EQ(call(kHpLeader, "POST", rp + "/decide", {{"decision", "approve"}}).status, 400) << "always with reasons";
  auto decided = call(kHpLeader, "POST", rp + "/decide", approve);
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(body_of(decided)["status"], "approved");
  std::string gp = "/api/v1/grants/" + body_of(decided)["grant_id"].dump();
  auto seen = body_of(call(kExternal, "GET", rp));
  EXPECT_EQ(seen["decision"]["reasons"], "Phù hợp Quy chế phối hợp") << "the requester sees the decision and its reasons";
  auto mine = body_of(call(kExternal, "GET", "/api/v1/grants"));
  ASSERT_EQ(mine["items"].size(), 1u);
  EXPECT_EQ(mine["items"][0]["status"], "active");

  // The outside user sees only the granted camera, with the grant's window.
  auto cams = body_of(call(kExternal, "GET", "/api/v1/cameras"))["items"];
  ASSERT_EQ(cams.size(), 1u) << cams;
  EXPECT_EQ(cams[0]["id"], cam);
  EXPECT_EQ(cams[0]["grant"]["mode"], "view");
  EXPECT_FALSE(cams[0].contains("main_url")) << "an outside grantee does not learn the camera's address";
  EXPECT_FALSE(body_of(call(kExternal, "GET", fmt::format("/api/v1/cameras/{}", cam))).contains("main_url"));

  // The grant-enforcement matrix: each refusal a 403 problem saying why, audited with the camera.
  audit::Filter refused_filter;
  refused_filter.action_prefix = "grant.refused";
  auto refusals = [&] { return inst_->audit.list(refused_filter).size(); };
  auto media = [&](int64_t c, int64_t from, int64_t to, const std::string& extra = "") {
    return call(kExternal, "GET", fmt::format("/api/v1/cameras/{}/media.mp4?from={}&to={}{}", c, at(from), at(to), extra));
  };
  auto slug = [&](const http::Response& r) { return r.status == 403 ? body_of(r)["type"].get<std::string>() : std::to_string(r.status); };
  auto inside = media(cam, now - 25 * hour, now - 25 * hour + 60'000);
  EXPECT_NE(inside.status, 403) << "within the grant: only the recording is missing: " << inside.body;
  EXPECT_EQ(inside.status, 404);
  size_t r0 = refusals();
  EXPECT_NE(slug(media(cam, now - 30 * hour, now - 29 * hour)).find("grant-outside-range"), std::string::npos) << "outside the time range";
  EXPECT_NE(slug(media(cam, now - 25 * hour, now - 25 * hour + 60'000, "&download=1")).find("grant-mode"), std::string::npos)
      << "download under a view grant";
  EXPECT_NE(slug(call_as(&callers_->at(kExternal), "GET", fmt::format("/api/v1/cameras/{}/live", cam), "", kSameSite, true)).find("grant-data-type"),
            std::string::npos)
      << "live under a recordings-only grant";
  auto exported = call(kExternal, "POST", "/api/v1/exports", {{"camera_id", cam}, {"from", at(now - 25 * hour)}, {"to", at(now - 25 * hour + 60'000)}});
  EXPECT_NE(slug(exported).find("grant-mode"), std::string::npos) << "an export is a download: " << exported.body;
  EXPECT_EQ(refusals(), r0 + 4) << "each refusal audited";
  EXPECT_TRUE(denied(media(other, now - 25 * hour, now - 25 * hour + 60'000).status)) << "another camera";
  EXPECT_TRUE(denied(call(kLsDuty, "GET", fmt::format("/api/v1/cameras/{}/media.mp4?from={}&to={}", cam, at(now - 25 * hour),
                                                        at(now - 25 * hour + 60'000))).status))
      << "the grant used from another account";

  // Revoked at once; then refused, saying so.
  for (const auto& u : {kExternal, kHpOffice, kLsDuty, kBranchOfficer}) EXPECT_TRUE(denied(call(u, "POST", gp + "/revoke", {{"reason", "x"}}).status)) << u;
  auto revoked = call(kHpLeader, "POST", gp + "/revoke", {{"reason", "Đã hoàn thành xác minh"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(body_of(revoked)["status"], "revoked");
  EXPECT_NE(slug(media(cam, now - 25 * hour, now - 25 * hour + 60'000)).find("grant-revoked"), std::string::npos);
  EXPECT_TRUE(body_of(call(kExternal, "GET", "/api/v1/cameras"))["items"].empty());
  EXPECT_EQ(call(kHpLeader, "POST", gp + "/revoke", {{"reason", "again"}}).status, 409);

  // Expired: a second, narrower approval whose time has run out.
  auto again = call(kExternal, "POST", "/api/v1/data-requests", ask);
  ASSERT_EQ(again.status, 201) << again.body;
  std::string rp2 = "/api/v1/data-requests/" + body_of(again)["id"].dump();
  auto wider = call(kHpLeader, "POST", rp2 + "/decide",
                    {{"decision", "approve_narrower"}, {"reasons", "x"}, {"narrower", {{"access_days", 30}}}});
  EXPECT_EQ(wider.status, 400) << "a narrower scope cannot be longer than asked";
  EXPECT_EQ(body_of(wider)["errors"][0]["field"], "narrower.access_days") << wider.body;
  auto narrow = call(kHpLeader, "POST", rp2 + "/decide",
                     {{"decision", "approve_narrower"}, {"reasons", "Chỉ cấp 1 ngày"}, {"narrower", {{"access_days", 1}}}});
  ASSERT_EQ(narrow.status, 200) << narrow.body;
  EXPECT_EQ(body_of(narrow)["decision"]["scope"]["access_days"], 1);
  inst_->db->exec("UPDATE data_grants SET expires_at = ? WHERE id = ?", {now - 1, body_of(narrow)["grant_id"].get<int64_t>()});
  EXPECT_NE(slug(media(cam, now - 25 * hour, now - 25 * hour + 60'000)).find("grant-expired"), std::string::npos);

  // Outside the relationship's scale (live view by an outside agency): headquarters leadership, through the focal point.
  const std::string kFocal = "tonghop.vp";
  auto live = ask;
  live["data_types"] = {"live"};
  live.erase("from");
  live.erase("to");
  auto hq = call(kExternal, "POST", "/api/v1/data-requests", live);
  ASSERT_EQ(hq.status, 201) << hq.body;
  EXPECT_EQ(body_of(hq)["status"], "at_focal_point");
  EXPECT_EQ(body_of(hq)["routing"]["route"], "hq_leadership");
  std::string rp3 = "/api/v1/data-requests/" + body_of(hq)["id"].dump();
  EXPECT_EQ(call(kHqLeader, "POST", rp3 + "/decide", approve).status, 409) << "it reaches the leadership through the focal point";
  for (const auto& u : {kHpLeader, kExternal, kAuditor}) EXPECT_TRUE(denied(call(u, "POST", rp3 + "/forward").status)) << u;
  ASSERT_EQ(call(kFocal, "POST", rp3 + "/forward", {{"note", "Kính trình Lãnh đạo Tổng cục"}}).status, 200);
  EXPECT_TRUE(denied(call(kHpLeader, "POST", rp3 + "/decide", approve).status)) << "not Hải Phòng's to decide";
  auto info = call(kHqLeader, "POST", rp3 + "/decide", {{"decision", "ask_info"}, {"reasons", "Nêu rõ phương tiện cần xác minh"}});
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(body_of(info)["status"], "info_requested");
  EXPECT_TRUE(denied(call(kHpLeader, "POST", rp3 + "/answer", {{"text", "x"}}).status)) << "only the requester answers";
  ASSERT_EQ(call(kExternal, "POST", rp3 + "/answer", {{"text", "Xe biển kiểm soát 15C-123.45"}}).status, 200);
  auto refused = call(kHqLeader, "POST", rp3 + "/decide", {{"decision", "refuse"}, {"reasons", "Không cần xem trực tiếp"}});
  ASSERT_EQ(refused.status, 200) << refused.body;
  EXPECT_EQ(body_of(refused)["status"], "refused");
  EXPECT_TRUE(body_of(refused)["grant_id"].is_null());
  EXPECT_EQ(call(kExternal, "POST", rp3 + "/withdraw", {{"reason", "x"}}).status, 409) << "decided already";

  // Lists: the requester's own; the decider's queue; everything in scope for leaders and auditors, not outside.
  EXPECT_EQ(body_of(call(kExternal, "GET", "/api/v1/data-requests"))["items"].size(), 3u);
  auto pending = call(kExternal, "POST", "/api/v1/data-requests", ask);
  ASSERT_EQ(pending.status, 201);
  auto queue = body_of(call(kHpLeader, "GET", "/api/v1/data-requests?view=to_decide"))["items"];
  ASSERT_EQ(queue.size(), 1u) << queue;
  EXPECT_TRUE(queue[0]["can"]["decide"].get<bool>());
  EXPECT_EQ(call(kAuditor, "GET", "/api/v1/data-requests?view=all").status, 200);
  EXPECT_TRUE(denied(call(kExternal, "GET", "/api/v1/data-requests?view=all").status));
  EXPECT_EQ(call(kExternal, "POST", "/api/v1/data-requests/" + body_of(pending)["id"].dump() + "/withdraw",
                 {{"reason", "Đã xác minh bằng nguồn khác"}}).status, 200);
  bool withdrawn_told = false;
  auto decider_inbox = body_of(call(kHpLeader, "GET", "/api/v1/inbox"));
  for (const auto& n : decider_inbox["items"])
    withdrawn_told = withdrawn_told || (n["data_request_id"] == body_of(pending)["id"] && n["kind"] == "data_request.withdrawn");
  EXPECT_TRUE(withdrawn_told) << "the decider it waited for is told it was withdrawn";
  EXPECT_EQ(call(kHpLeader, "GET", gp).status, 200);
}

// Art. 16.3, case data: an outside agency names a case by its number; the grant lets its holder read that case's
// shared record through GET /cases/{id} alone (not its routing, people, timeline or evidence), until revoked.
TEST_F(Matrix, Art16_3_ACaseDataGrantReadsThatCasesSharedRecordAndNothingElse) {
  auto rel = call(kAdmin, "POST", "/api/v1/working-relationships",
                  {{"unit_id", unit_id("HP")}, {"partner_unit_id", unit_id("EXT-BDBP")}, {"basis_kind", "regulation"},
                   {"basis_number", "12/QCPH-HQHP-BĐBP"}, {"basis_date", "2024-03-01"}, {"basis_title", "Quy chế phối hợp"},
                   {"data_types", {"recordings", "case_data"}}, {"download", false}, {"valid_from", "2024-03-01"}});
  ASSERT_EQ(rel.status, 201) << rel.body;
  auto body = case_body(unit_id("HP-CKKV1"), "Xe đầu kéo 15C-123.45 rời cảng khi chưa thông quan");
  body["report"] = true;
  auto reported = call(kBranchOfficer, "POST", "/api/v1/cases", body);
  ASSERT_EQ(reported.status, 201) << reported.body;
  auto the_case = body_of(reported);
  std::string cp = "/api/v1/cases/" + the_case["id"].dump();
  auto other = call(kBranchOfficer, "POST", "/api/v1/cases", [&] { auto b = case_body(unit_id("HP-CKKV1"), "Vụ việc khác"); b["report"] = true; return b; }());
  ASSERT_EQ(other.status, 201) << other.body;
  std::string other_path = "/api/v1/cases/" + body_of(other)["id"].dump();
  EXPECT_EQ(call(kExternal, "GET", cp).status, 403) << "no grant, no case";

  // Asked by number; a case that does not exist, an id from outside, case data without a case: field-named, nothing filed.
  nlohmann::json ask = {{"purpose", "Phối hợp xác minh phương tiện"}, {"reference", "Công văn 45/BĐBP-PCMT"},
                        {"data_types", {"case_data"}}, {"case_number", the_case["number"]}, {"mode", "view"}, {"access_days", 7}};
  auto with = [&](const char* f, nlohmann::json v) { auto b = ask; b[f] = std::move(v); return b; };
  auto without_case = ask;
  without_case.erase("case_number");
  expect_refused(kExternal, "/api/v1/data-requests", "data_requests",
                 {{with("case_number", "HP-1999-9999"), "case_number"},
                  {without_case, "case_number"},
                  {with("case_id", the_case["id"]), "case_id"},
                  {with("data_types", {"recordings", "case_data"}), "camera_ids"}});
  auto filed = call(kExternal, "POST", "/api/v1/data-requests", ask);
  ASSERT_EQ(filed.status, 201) << filed.body;
  auto req = body_of(filed);
  EXPECT_EQ(req["case_id"], the_case["id"]);
  EXPECT_EQ(req["case_number"], the_case["number"]) << "the requester sees the case it named";
  EXPECT_EQ(req["routing"]["route"], "operating_unit") << "inside the regulation, which covers case data";
  EXPECT_EQ(req["routing"]["decider_unit_id"], unit_id("HP"));
  auto decided = call(kHpLeader, "POST", "/api/v1/data-requests/" + req["id"].dump() + "/decide",
                      {{"decision", "approve"}, {"reasons", "Phù hợp Quy chế phối hợp"}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  std::string gp = "/api/v1/grants/" + body_of(decided)["grant_id"].dump();
  EXPECT_EQ(body_of(call(kExternal, "GET", gp))["case_number"], the_case["number"]);

  // The shared record: what was seen, where, when; not who handles it or how.
  auto read = call(kExternal, "GET", cp);
  ASSERT_EQ(read.status, 200) << read.body;
  auto shared = body_of(read);
  EXPECT_EQ(shared["number"], the_case["number"]);
  EXPECT_NE(shared["description"].get<std::string>().find("15C-123.45"), std::string::npos);
  EXPECT_EQ(shared["identifiers"]["containers"][0], "TCNU1234567");
  EXPECT_EQ(shared["shared"]["grant_id"], body_of(decided)["grant_id"]);
  for (const char* k : {"routing", "relay", "proposals", "coordination", "my_role", "reported_by", "created_by", "immediate_measure", "outcome_note"})
    EXPECT_FALSE(shared.contains(k)) << k;
  audit::Filter reads;
  reads.action_prefix = "case.read";
  reads.object_id = the_case["id"].dump();
  auto entries = inst_->audit.list(reads);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(nlohmann::json::parse(entries.front().details_text)["grant_id"], body_of(decided)["grant_id"]) << "the use is audited with the grant";
  EXPECT_EQ(body_of(call(kExternal, "GET", gp))["uses"], 1);

  // That route alone, that case alone, that account alone.
  for (const auto& path : {cp + "/timeline", cp + "/evidence", other_path, std::string("/api/v1/coordination-requests/1")})
    EXPECT_TRUE(denied(call(kExternal, "GET", path).status)) << path;
  auto list = call(kExternal, "GET", "/api/v1/cases");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(body_of(list)["items"].empty()) << "no case list through a grant";
  EXPECT_TRUE(denied(call(kExternal, "PATCH", cp, {{"status", "in_handling"}}).status));
  EXPECT_EQ(call(kLsDuty, "GET", cp).status, 404) << "the grant used from another account";

  // Revoked: refused, saying so, audited with the case.
  ASSERT_EQ(call(kHpLeader, "POST", gp + "/revoke", {{"reason", "Đã hoàn thành xác minh"}}).status, 200);
  auto after = call(kExternal, "GET", cp);
  EXPECT_EQ(after.status, 403);
  EXPECT_NE(body_of(after)["type"].get<std::string>().find("grant-revoked"), std::string::npos) << after.body;
  audit::Filter refused;
  refused.action_prefix = "grant.refused";
  refused.object_id = the_case["id"].dump();
  EXPECT_EQ(inst_->audit.list(refused).size(), 1u);
}

// Evidence on a case: read with the case; attached and removed by the people the case was sent to, who must
// also be allowed to play the camera back. Exports: whoever may play the camera back, each their own; the
// download link is the creator's. Checking a bundle: anyone logged in inside customs.
TEST_F(Matrix, EvidenceIsAttachedByTheCasesRecipientsAndExportedByThoseWhoMayPlayTheCameraBack) {
  auto d = duty_scene();
  nlohmann::json site = {{"unit_id", unit_id("HP-CKKV1")}, {"kind", "border_gate"}, {"name", "Cổng C - cảng Đình Vũ"}};
  auto st = call(kAdmin, "POST", "/api/v1/sites", site);
  ASSERT_EQ(st.status, 201) << st.body;
  auto cam = call(kAdmin, "POST", "/api/v1/cameras",
                  {{"site_id", body_of(st)["id"]}, {"name", "Cổng C - camera 01"}, {"main_url", "rtsp://127.0.0.1:1/c"}, {"enabled", false}});
  ASSERT_EQ(cam.status, 201) << cam.body;
  auto camera = body_of(cam)["id"];
  auto body = case_body(unit_id("HP-CKKV1"), "Xe đầu kéo dừng lâu bất thường tại cổng C");
  body["report"] = true;
  auto reported = call(kBranchOfficer, "POST", "/api/v1/cases", body);
  ASSERT_EQ(reported.status, 201) << reported.body;
  std::string ev = "/api/v1/cases/" + body_of(reported)["id"].dump() + "/evidence";
  for (const auto& u : {kBranchOfficer, kHpLeader, kAuditor, d.member}) EXPECT_EQ(call(u, "GET", ev).status, 200) << u;
  EXPECT_EQ(call(kLsDuty, "GET", ev).status, 404);
  EXPECT_TRUE(denied(call(kExternal, "GET", ev).status));
  nlohmann::json clip = {{"kind", "clip"}, {"camera_id", camera}, {"from", "2026-11-28T01:00:00Z"}, {"to", "2026-11-28T01:05:00Z"}};
  // Not a recipient (the reporter, the leadership under 16.4(a)), another province, outside customs.
  for (const auto& u : {kBranchOfficer, kHpLeader, kAuditor, kExternal}) EXPECT_EQ(call(u, "POST", ev, clip).status, 403) << u;
  EXPECT_EQ(call(kLsDuty, "POST", ev, clip).status, 404);
  // A recipient passes the policy and meets the rules: nothing is recorded then, a camera that is not there.
  auto none = call(d.member, "POST", ev, clip);
  EXPECT_EQ(none.status, 400) << none.body;
  EXPECT_EQ(body_of(none)["errors"][0]["field"], "from") << none.body;
  auto unknown = clip;
  unknown["camera_id"] = 999999;
  EXPECT_EQ(body_of(call(d.member, "POST", ev, unknown))["errors"][0]["field"], "camera_id");
  auto backwards = clip;
  backwards["to"] = "2026-11-28T00:59:00Z";
  EXPECT_EQ(body_of(call(d.member, "POST", ev, backwards))["errors"][0]["field"], "to");
  EXPECT_EQ(body_of(call(d.member, "POST", ev, {{"kind", "video"}, {"camera_id", camera}}))["errors"][0]["field"], "kind");
  EXPECT_EQ(body_of(call(d.member, "GET", ev))["items"].size(), 0u) << "nothing was attached";
  EXPECT_EQ(call(kBranchOfficer, "DELETE", ev + "/1", {{"reason", "x"}}).status, 403);
  EXPECT_EQ(call(d.member, "DELETE", ev + "/999999", {{"reason", "x"}}).status, 404);
  EXPECT_EQ(call(d.member, "DELETE", ev + "/999999", nlohmann::json::object()).status, 400) << "a removal needs its reason";

  // Exports of the camera: those who may play it back (the shift leader), not the auditor, not another province.
  nlohmann::json exp = {{"camera_id", camera}, {"from", "2026-11-28T01:00:00Z"}, {"to", "2026-11-28T01:05:00Z"}};
  EXPECT_EQ(call(kAuditor, "POST", "/api/v1/exports", exp).status, 403);
  EXPECT_EQ(body_of(call(kLsDuty, "POST", "/api/v1/exports", exp))["errors"][0]["field"], "camera_id") << "a camera it cannot see";
  EXPECT_EQ(body_of(call(kExternal, "POST", "/api/v1/exports", exp))["errors"][0]["field"], "camera_id");
  auto ex = call(kHpShift, "POST", "/api/v1/exports", exp);
  EXPECT_EQ(ex.status, 400) << ex.body;
  EXPECT_EQ(body_of(ex)["errors"][0]["field"], "from") << "nothing recorded";
  auto too_long = exp;
  too_long["to"] = "2026-11-28T03:00:00Z";
  EXPECT_EQ(body_of(call(kHpShift, "POST", "/api/v1/exports", too_long))["errors"][0]["field"], "to");
  auto of_case = call(d.member, "POST", "/api/v1/exports", {{"case_id", body_of(reported)["id"]}});
  EXPECT_EQ(body_of(of_case)["errors"][0]["field"], "case_id") << "the case has no evidence yet";
  EXPECT_EQ(body_of(call(kLsDuty, "POST", "/api/v1/exports", {{"case_id", body_of(reported)["id"]}}))["errors"][0]["field"], "case_id");
  for (const auto& u : kEveryone) {
    auto mine = call(u, "GET", "/api/v1/exports");
    EXPECT_EQ(mine.status, 200) << u;
    EXPECT_EQ(body_of(mine)["items"].size(), 0u) << u;
  }
  EXPECT_EQ(call(kHpShift, "GET", "/api/v1/exports/999999").status, 404);
  EXPECT_EQ(call(kHpShift, "POST", "/api/v1/exports/999999/link").status, 404);
  EXPECT_EQ(call(kHpShift, "GET", "/api/v1/exports/999999/bundle?token=abc").status, 404);
  EXPECT_EQ(call(kHpShift, "GET", "/api/v1/exports/999999/bundle").status, 400) << "the token is named";

  // Checking a bundle: inside customs, any role; the answer says what fails.
  auto verify = [&](const std::string& u) {
    return call_as(&callers_->at(u), "POST", "/api/v1/evidence/verify", "", {{"content-type", "application/zip"}});
  };
  EXPECT_EQ(verify(kExternal).status, 403);
  for (const auto& u : {kAuditor, kCamera, kHpOffice}) {
    auto v = verify(u);
    EXPECT_EQ(v.status, 200) << u << v.body;
    EXPECT_FALSE(body_of(v)["ok"].get<bool>());
    EXPECT_FALSE(body_of(v)["reason_vi"].get<std::string>().empty());
  }
  EXPECT_EQ(call(kAuditor, "POST", "/api/v1/evidence/verify", {{"zip", "no"}}).status, 415) << "a zip file, not JSON";
}

// Runs last (gtest keeps declaration order within a file): a route that no test above reached is
// a route whose permissions nobody checked.
TEST_F(Matrix, ZZEveryRegisteredRouteIsInTheMatrix) {
  for (const auto& r : router_->routes())
    EXPECT_TRUE(exercised_.count(r.method + " " + r.pattern)) << "not covered by the matrix: " << r.method << " " << r.pattern;
}

}  // namespace
}  // namespace watchfloor
