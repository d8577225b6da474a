#include "audit/audit_log.h"

#include <fmt/format.h>

#include <utility>

#include "core/hash.h"
#include "store/work.h"

namespace watchfloor::audit {

Event Actor::event(std::string action, std::string object_type, std::string object_id, std::optional<int64_t> unit_id,
                   nlohmann::json details) const {
  Event e;
  if (user_id) e.actor_id = user_id;
  if (!username.empty()) e.actor = username;
  e.unit_id = unit_id;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.details = std::move(details);
  e.request_id = request_id;
  e.ip = ip;
  return e;
}

Actor Actor::system(const std::string& what) { return Actor(0, "system:" + what, "", "local"); }

namespace {
nlohmann::json opt_json(const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
nlohmann::json opt_json(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

const char* kColumns =
    "seq, at, actor_id, actor, unit_id, action, object_type, object_id, details, request_id, ip, prev_hash, hash";

Entry from_row(const store::Row& r) {
  Entry e;
  e.seq = r.i64("seq");
  e.at = r.i64("at");
  e.event.actor_id = r.opt_i64("actor_id");
  e.event.actor = r.opt_str("actor");
  e.event.unit_id = r.opt_i64("unit_id");
  e.event.action = r.str("action");
  e.event.object_type = r.str("object_type");
  e.event.object_id = r.str("object_id");
  e.details_text = r.str("details");
  e.event.request_id = r.str("request_id");
  e.event.ip = r.str("ip");
  e.prev_hash = r.str("prev_hash");
  e.hash = r.str("hash");
  return e;
}
}  // namespace

std::string canonical(int64_t seq, int64_t at, const Event& e, const std::string& details_text,
                      const std::string& prev_hash) {
  // A JSON array has one serialisation with nlohmann (no whitespace, fixed order): stable bytes.
  nlohmann::json a = nlohmann::json::array({seq, at, opt_json(e.actor_id), opt_json(e.actor), opt_json(e.unit_id),
                                            e.action, e.object_type, e.object_id, details_text, e.request_id, e.ip,
                                            prev_hash});
  return a.dump();
}

int64_t AuditLog::append(const Event& e) {
  if (auto* w = store::Work::current(); w && w->writers() == store::Writers::shared) {
    // Written at the unit's end, all at once (the unit holds the writer: no other thread is here meanwhile).
    if (pending_.empty()) {
      w->before_commit([this] { write(std::exchange(pending_, {})); }, "audit.entries");
      w->on_rollback([this] { pending_.clear(); });
    }
    pending_.push_back(e);
    return 0;
  }
  return write({e});
}

int64_t AuditLog::write(const std::vector<Event>& events) {
  int64_t seq = 0;
  db_.transaction([&] {
    db_.commit_order();  // the chain's end, read and added to by one transaction at a time
    auto last = db_.query_one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    seq = last ? last->i64("seq") : 0;
    std::string prev = last ? last->str("hash") : kGenesisHash;
    int64_t at = clock_.now_ms();
    std::vector<store::Value> params;
    for (const auto& e : events) {
      std::string details = e.details.dump();
      std::string hash = core::sha256_hex(prev + canonical(++seq, at, e, details, prev));
      for (store::Value v : {store::Value(seq), store::Value(at), store::opt(e.actor_id), store::opt(e.actor), store::opt(e.unit_id),
                             store::Value(e.action), store::Value(e.object_type), store::Value(e.object_id), store::Value(details),
                             store::Value(e.request_id), store::Value(e.ip), store::Value(prev), store::Value(hash)})
        params.push_back(std::move(v));
      prev = std::move(hash);
    }
    store::insert_rows(db_, fmt::format("INSERT INTO audit_log({}) VALUES ", kColumns), 13, params);
  });
  return seq;
}

std::vector<Entry> AuditLog::list(const Filter& f) {
  std::string sql = fmt::format("SELECT {} FROM audit_log WHERE 1=1", kColumns);
  std::vector<store::Value> p;
  if (f.actor) { sql += " AND actor = ?"; p.emplace_back(*f.actor); }
  if (f.action_prefix) { sql += " AND substr(action, 1, ?) = ?"; p.emplace_back(int64_t(f.action_prefix->size())); p.emplace_back(*f.action_prefix); }
  if (f.object_type) { sql += " AND object_type = ?"; p.emplace_back(*f.object_type); }
  if (f.object_id) { sql += " AND object_id = ?"; p.emplace_back(*f.object_id); }
  if (f.from_ms) { sql += " AND at >= ?"; p.emplace_back(*f.from_ms); }
  if (f.to_ms) { sql += " AND at < ?"; p.emplace_back(*f.to_ms); }
  if (f.before_seq) { sql += " AND seq < ?"; p.emplace_back(*f.before_seq); }
  if (f.unit_ids) {
    sql += " AND unit_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))";
    p.emplace_back(nlohmann::json(*f.unit_ids).dump());
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  p.emplace_back(int64_t(f.limit));
  std::vector<Entry> out;
  for (const auto& r : db_.query(sql, p)) out.push_back(from_row(r));
  return out;
}

VerifyResult AuditLog::verify() {
  VerifyResult res;
  std::string prev = kGenesisHash;
  int64_t expected = 1;
  auto broken = [&](int64_t seq, std::string reason) {
    res.ok = false;
    res.first_broken_seq = seq;
    res.reason = std::move(reason);
  };
  for (;;) {
    auto rows = db_.query(fmt::format("SELECT {} FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 1000", kColumns),
                          {expected});
    if (rows.empty()) break;
    for (const auto& r : rows) {
      Entry e = from_row(r);
      if (e.seq != expected) return broken(expected, "entry is missing"), res;
      if (e.prev_hash != prev) return broken(e.seq, "previous hash does not match the entry before it"), res;
      Event ev = e.event;
      if (core::sha256_hex(prev + canonical(e.seq, e.at, ev, e.details_text, e.prev_hash)) != e.hash)
        return broken(e.seq, "content does not match its hash"), res;
      prev = e.hash;
      ++expected;
      ++res.entries;
    }
  }
  return res;
}

std::vector<Entry> AuditLog::read(const Filter& f, const nlohmann::json& query, int64_t reader_unit, const Actor& by) {
  auto entries = list(f);
  append(by.event("audit.read", "audit_log", "*", reader_unit, {{"query", query}, {"count", entries.size()}}));
  return entries;
}

VerifyResult AuditLog::verified(int64_t reader_unit, const Actor& by) {
  auto v = verify();
  append(by.event("audit.verify", "audit_log", "*", reader_unit, {{"ok", v.ok}, {"entries", v.entries}}));
  return v;
}

nlohmann::json to_json(const Entry& e) {
  nlohmann::json details = nlohmann::json::parse(e.details_text, nullptr, false);
  return {{"seq", e.seq},
          {"time", core::iso8601(e.at)},
          {"actor_id", opt_json(e.event.actor_id)},
          {"actor", opt_json(e.event.actor)},
          {"unit_id", opt_json(e.event.unit_id)},
          {"action", e.event.action},
          {"object_type", e.event.object_type},
          {"object_id", e.event.object_id},
          {"details", details.is_discarded() ? nlohmann::json(e.details_text) : details},
          {"request_id", e.event.request_id},
          {"ip", e.event.ip},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

}  // namespace watchfloor::audit
