#include "events/cluster.h"

#include <stdexcept>

#include "core/log.h"
#include "store/work.h"

namespace watchfloor::events {
namespace {

constexpr const char* kChannel = "watchfloor_events";
constexpr int kPage = 1000;             // rows read at a time
constexpr int kWaitMs = 1000;           // a missed notification costs at most this
constexpr int64_t kPruneEveryMs = 60'000;

constexpr const char* kColumns = "seq, at_ms, topic, unit_id, read_action, payload, also_users, only_user, from_camera";

Event event_of(const store::Row& r) {
  Event e;
  e.seq = r.i64("seq");
  e.at_ms = r.i64("at_ms");
  e.topic = r.str("topic");
  e.unit_id = r.opt_i64("unit_id");
  e.read_action = static_cast<auth::Action>(r.i64("read_action"));
  e.payload = nlohmann::json::parse(r.str("payload"));
  e.also_users = nlohmann::json::parse(r.str("also_users")).get<std::vector<int64_t>>();
  e.only_user = r.opt_i64("only_user");
  e.from_camera = r.boolean("from_camera");
  return e;
}

}  // namespace

ClusterLog::ClusterLog(store::Db& db, const core::Clock& clock, int64_t keep_ms)
    : db_(db), clock_(clock), keep_ms_(keep_ms) {}

ClusterLog::~ClusterLog() { stop(); }

void ClusterLog::start(Bus& bus) {
  auto listener = db_.listen(kChannel);  // before reading the last seq: nothing committed after it is missed
  if (!listener) throw std::logic_error("events: a cluster log needs a store that several servers share");
  bus.attach(*this, last());
  thread_ = std::thread([this, &bus, l = std::move(listener)]() mutable {
    int64_t pruned_at = 0;
    while (!stop_) {
      l->wait(kWaitMs);  // and read on every round: a notification may have been missed
      try {
        run(bus);
        // Asked once a minute, not on every notification: asking costs a query where another server leads.
        if (clock_.now_ms() - pruned_at >= kPruneEveryMs) {
          pruned_at = clock_.now_ms();
          if (db_.leads("events.prune")) prune();
        }
      } catch (const std::exception& ex) {
        core::log_error(std::string("cluster events: ") + ex.what());
      }
    }
  });
}

void ClusterLog::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ClusterLog::run(Bus& bus) {
  for (;;) {
    auto events = after(bus.seq(), kPage);
    for (auto& e : events) bus.receive(std::move(e));
    if (events.size() < static_cast<size_t>(kPage)) return;
  }
}

int64_t ClusterLog::append(const Event& e) {
  append_all({e});
  return db_.last_insert_id();
}

void ClusterLog::append_all(const std::vector<Event>& events) {
  db_.transaction([&] {
    db_.commit_order();  // the table's sequence is the order of commits
    std::vector<store::Value> params;
    for (const Event& e : events)
      params.insert(params.end(), {e.at_ms, e.topic, store::opt(e.unit_id), static_cast<int64_t>(e.read_action), e.payload.dump(),
                                   nlohmann::json(e.also_users).dump(), store::opt(e.only_user), int64_t(e.from_camera ? 1 : 0)});
    // seq given in the rows' order
    store::insert_rows(db_, "INSERT INTO cluster_events(at_ms, topic, unit_id, read_action, payload, also_users, only_user, from_camera) VALUES ",
                       8, params);
    if (!events.empty()) db_.notify(kChannel);
  });
}

std::vector<Event> ClusterLog::after(int64_t seq, int limit) {
  std::vector<Event> out;
  for (const auto& r : db_.query(std::string("SELECT ") + kColumns + " FROM cluster_events WHERE seq > ? ORDER BY seq LIMIT ?",
                                 {seq, int64_t(limit)}))
    out.push_back(event_of(r));
  return out;
}

std::optional<std::vector<Event>> ClusterLog::since(int64_t seq, size_t max) {
  std::optional<std::vector<Event>> out;
  db_.read([&] {
    auto bounds = db_.query_one("SELECT MIN(seq) AS first, MAX(seq) AS last FROM cluster_events");
    auto first = bounds->opt_i64("first"), last = bounds->opt_i64("last");
    // Some of what followed `seq` may be pruned when `seq` is before the first row kept; nothing is known of a
    // `seq` past the last (another installation's, or a table emptied).
    if (!first || seq < *first - 1 || seq > *last) return;
    auto rows = db_.query(std::string("SELECT ") + kColumns + " FROM cluster_events WHERE seq > ? ORDER BY seq LIMIT ?",
                          {seq, static_cast<int64_t>(max) + 1});
    if (rows.size() > max) return;
    out.emplace();
    for (const auto& r : rows) out->push_back(event_of(r));
  });
  return out;
}

int64_t ClusterLog::last() {
  auto r = db_.query_one("SELECT COALESCE(MAX(seq), 0) AS last FROM cluster_events");
  return r->i64("last");
}

int64_t ClusterLog::prune() {
  int64_t n = 0;
  db_.transaction([&] { n = db_.exec("DELETE FROM cluster_events WHERE at_ms < ?", {clock_.now_ms() - keep_ms_}); });
  return n;
}

}  // namespace watchfloor::events
