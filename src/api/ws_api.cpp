// The live channel GET /api/v1/ws: every console connection receives the bus events its user may
// see, filtered here with the one policy function. Protocol (JSON text messages):
//   server → client  {"type":"hello","user":U,"seq":S}            on open; later events have seq > S
//                    {"type":"event","seq":N,"topic":T,"unit_id":U|null,"payload":{...},"at":ISO}
//                    {"type":"resumed","after_seq":N,"replayed":K}  after a resume's replay
//                    {"type":"resync"}                              the gap is gone: reload over REST
//                    {"type":"pong"}, {"type":"error","detail":...}
//   client → server  {"type":"resume","after_seq":N}  replay what was missed while disconnected
//                    {"type":"ping"}
// Close codes: 1001 server stopping, 1008 too slow (both: reconnect and resume), 4401 session ended
// (log in again).
#include <fmt/format.h>

#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "api/routes.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/websocket.h"

namespace watchfloor::api {
namespace {

nlohmann::json event_message(const events::Event& e) {
  return {{"type", "event"},
          {"seq", e.seq},
          {"topic", e.topic},
          {"unit_id", e.unit_id ? nlohmann::json(*e.unit_id) : nlohmann::json()},
          {"payload", e.payload},
          {"at", core::iso8601(e.at_ms)}};
}

class Hub;

// One console connection.
class Client final : public http::WsHandler, public std::enable_shared_from_this<Client> {
 public:
  // The hub's slots must have admitted the user; the slot is given back when the client goes.
  Client(std::shared_ptr<Hub> hub, std::string session_token, auth::Principal principal)
      : hub_(std::move(hub)), token_(std::move(session_token)), user_id_(principal.user_id), principal_(std::move(principal)) {}
  ~Client() override;

  int64_t user_id() const { return user_id_; }
  void on_open(std::shared_ptr<http::WsSender> sender) override;
  void on_message(const std::string& text) override;
  void on_tick() override;
  void on_close() override;

  // On the publishing thread.
  void deliver(const events::Event& e, const std::shared_ptr<const std::string>& text, const auth::UnitScope& scope) {
    std::lock_guard lock(mu_);
    if (!sender_ || e.seq <= live_from_) return;
    if (visible(e, scope)) sender_->send_shared(text);
  }

 private:
  bool visible(const events::Event& e, const auth::UnitScope& scope) const {
    if (e.only_user) return *e.only_user == principal_.user_id;
    if (std::find(e.also_users.begin(), e.also_users.end(), principal_.user_id) != e.also_users.end()) return true;
    auth::Target t{e.unit_id};
    t.from_camera = e.from_camera;
    return auth::allowed(principal_, e.read_action, t, scope);
  }
  void send(const nlohmann::json& msg) {
    if (sender_) sender_->send(msg.dump());
  }
  void resume(int64_t after_seq);

  std::shared_ptr<Hub> hub_;
  const std::string token_;  // kept in memory only, to re-check the session
  const int64_t user_id_;
  std::mutex mu_;            // guards what follows; events arrive on publishing threads
  auth::Principal principal_;
  std::shared_ptr<http::WsSender> sender_;  // set between on_open and on_close
  int64_t live_from_ = 0;  // hello's seq: later events arrive live, earlier ones only by resume
};

// Subscribes once to the bus and fans each event out to the connections, serialising it once.
class Hub final : public std::enable_shared_from_this<Hub> {
 public:
  Hub(events::Bus& bus, std::shared_ptr<http::Authenticator> authn) : bus_(bus), authn_(std::move(authn)) {
    sub_ = bus_.subscribe([this](const events::Event& e) { on_event(e); });
  }
  ~Hub() { bus_.unsubscribe(sub_); }

  events::Bus& bus() { return bus_; }
  http::Authenticator& authn() { return *authn_; }

  // One user's consoles are bounded (ServerConfig::ws_max_per_user).
  UserSlots& slots() { return slots_; }

  void add(const std::shared_ptr<Client>& c) {
    std::lock_guard lock(mu_);
    clients_.insert(c);
    by_user_.emplace(c->user_id(), c);
  }
  void remove(const std::shared_ptr<Client>& c) {
    std::lock_guard lock(mu_);
    clients_.erase(c);
    auto [from, to] = by_user_.equal_range(c->user_id());
    for (auto it = from; it != to; ++it)
      if (it->second == c) {
        by_user_.erase(it);
        break;
      }
  }

 private:
  void on_event(const events::Event& e) {
    std::vector<std::shared_ptr<Client>> clients;
    {
      std::lock_guard lock(mu_);
      if (e.only_user) {  // an inbox notification: that person's consoles only, not a scan of everyone
        auto [from, to] = by_user_.equal_range(*e.only_user);
        for (auto it = from; it != to; ++it) clients.push_back(it->second);
      } else {
        clients.assign(clients_.begin(), clients_.end());
      }
    }
    if (clients.empty()) return;
    auto text = std::make_shared<const std::string>(event_message(e).dump());
    auto scope = authn_->scope();
    for (const auto& c : clients) c->deliver(e, text, *scope);
  }

  events::Bus& bus_;
  std::shared_ptr<http::Authenticator> authn_;
  uint64_t sub_ = 0;
  std::mutex mu_;
  std::unordered_set<std::shared_ptr<Client>> clients_;
  std::unordered_multimap<int64_t, std::shared_ptr<Client>> by_user_;
  UserSlots slots_;
};

Client::~Client() { hub_->slots().release(user_id_); }

void Client::on_open(std::shared_ptr<http::WsSender> sender) {
  std::lock_guard lock(mu_);
  sender_ = std::move(sender);
  // Join the hub before reading the seq: an event issued after that seq then finds this client
  // (waiting on mu_ until hello is out), and one issued before it is left to resume.
  hub_->add(shared_from_this());
  live_from_ = hub_->bus().seq();
  send({{"type", "hello"}, {"user", principal_.username}, {"seq", live_from_}});
  core::Metrics::global().inc("watchfloor_ws_opened_total");
}

void Client::on_message(const std::string& text) {
  nlohmann::json msg;
  try {
    msg = core::parse_json(text);  // the same depth and number bounds as request bodies
  } catch (const core::Problem&) {
  }
  std::string type =
      msg.is_object() && msg.contains("type") && msg["type"].is_string() ? msg["type"].get<std::string>() : "";
  if (type == "ping") {
    std::lock_guard lock(mu_);
    return send({{"type", "pong"}});
  }
  if (type == "resume" && msg.contains("after_seq") && msg["after_seq"].is_number_integer())
    return resume(msg["after_seq"].get<int64_t>());
  std::lock_guard lock(mu_);
  send({{"type", "error"},
        {"detail", "Expected {\"type\":\"ping\"} or {\"type\":\"resume\",\"after_seq\":N}"},
        {"detail_vi", "Cần {\"type\":\"ping\"} hoặc {\"type\":\"resume\",\"after_seq\":N}"}});
}

// Replays the events in (after_seq, hello's seq]: those after hello came live already. If a live
// event went out before this resume arrived, the replayed ones follow it; clients apply by seq.
void Client::resume(int64_t after_seq) {
  auto missed = hub_->bus().since(after_seq);
  auto scope = hub_->authn().scope();
  std::lock_guard lock(mu_);
  if (!missed) return send({{"type", "resync"}});
  int replayed = 0;
  for (const auto& e : *missed) {
    if (e.seq > live_from_) break;
    if (!visible(e, *scope)) continue;
    send(event_message(e));
    ++replayed;
  }
  send({{"type", "resumed"}, {"after_seq", after_seq}, {"replayed", replayed}});
}

// A logout, an expired session, a deactivated user or a pending password change ends the socket;
// a change of roles takes effect for the next events.
void Client::on_tick() {
  auto identity = hub_->authn().recheck(token_);
  std::lock_guard lock(mu_);
  if (!sender_) return;
  if (!identity || identity->must_change_password) {
    core::log_json({{"event", "ws.session_ended"}, {"user", principal_.username}});
    sender_->close(http::kWsSessionEnded, "session ended");
    return;
  }
  principal_ = identity->principal;
}

void Client::on_close() {
  hub_->remove(shared_from_this());
  std::lock_guard lock(mu_);
  sender_.reset();
}

}  // namespace

bool UserSlots::admit(int64_t user_id, int max) {
  std::lock_guard lock(mu_);
  int& n = taken_[user_id];
  if (max > 0 && n >= max) return false;
  ++n;
  return true;
}

void UserSlots::release(int64_t user_id) {
  std::lock_guard lock(mu_);
  if (auto it = taken_.find(user_id); it != taken_.end() && --it->second <= 0) taken_.erase(it);
}

void require_websocket(const http::Context& ctx) {
  if (!ctx.req.websocket_upgrade) {
    core::Problem p(426, "upgrade-required", "WebSocket upgrade required", "Cần nâng cấp lên WebSocket",
                    "Open this address as a WebSocket (Upgrade: websocket).",
                    "Hãy mở địa chỉ này bằng WebSocket (Upgrade: websocket).");
    p.headers.emplace_back("Upgrade", "websocket");
    throw p;
  }
  if (!http::same_origin(ctx.req)) {  // cross-site WebSocket hijacking
    core::log_json({{"event", "ws.bad_origin"}, {"request_id", ctx.request_id}, {"origin", ctx.req.header("origin")}});
    throw core::Problem(403, "bad-origin", "Cross-site WebSocket refused", "Từ chối WebSocket từ trang khác",
                        "The Origin header does not match this server.", "Tiêu đề Origin không khớp với máy chủ này.");
  }
}

void add_ws_routes(http::Router& r, Services& s) {
  auto hub = std::make_shared<Hub>(s.bus, make_authenticator(s));
  // The dispatcher has checked the session (401), the password-change gate and the route's action.
  r.add("GET", "/api/v1/ws", auth::Action::authenticated, [hub, max = s.config.server.ws_max_per_user](http::Context& ctx) {
    require_websocket(ctx);
    if (!hub->slots().admit(ctx.principal().user_id, max)) {
      core::Problem p(429, "too-many-websockets", "Too many open consoles", "Quá nhiều cửa sổ giám sát đang mở",
                      fmt::format("At most {} live connections per user; close another window first.", max),
                      fmt::format("Mỗi người dùng mở tối đa {} kết nối trực tiếp; hãy đóng bớt cửa sổ khác.", max));
      p.headers.emplace_back("Retry-After", "30");
      throw p;
    }
    return http::Response::upgrade(
        std::make_shared<Client>(hub, ctx.req.cookie(http::kSessionCookie), ctx.principal()));
  });
}

}  // namespace watchfloor::api
