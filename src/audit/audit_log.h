#pragma once
// Append-only, hash-chained audit log (nhật ký hệ thống). Each entry's hash is
// SHA-256(prev_hash || canonical encoding of the entry), so rewriting, inserting or deleting any
// entry breaks every hash after it.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/db.h"

namespace watchfloor::audit {

inline const std::string kGenesisHash(64, '0');

struct Event {
  std::optional<int64_t> actor_id;
  std::optional<std::string> actor;  // username at the time
  std::optional<int64_t> unit_id;    // the unit the object belongs to (scopes who may read the entry)
  std::string action;                // "unit.update"
  std::string object_type;           // "unit"
  std::string object_id;             // "5"
  nlohmann::json details = nlohmann::json::object();
  std::string request_id;
  std::string ip;
};

// Who acts and from where, carried into every audit entry an operation writes. A timer acting on its
// own is the system (user 0, no name); a person without a request (a test) is a bare user id.
struct Actor {
  int64_t user_id = 0;
  std::string username, request_id, ip;
  Actor() = default;
  Actor(int64_t id) : user_id(id) {}  // NOLINT(google-explicit-constructor): a person without a request
  Actor(int64_t id, std::string name, std::string request, std::string address)
      : user_id(id), username(std::move(name)), request_id(std::move(request)), ip(std::move(address)) {}
  // The installation acting on the machine itself, for no person: user 0 named "system:<what>" ("system:setup"
  // at the first start, "system:demo", "system:seed", "system:cli" for the command line), from "local".
  static Actor system(const std::string& what);
  Event event(std::string action, std::string object_type, std::string object_id, std::optional<int64_t> unit_id,
              nlohmann::json details = nlohmann::json::object()) const;
};

struct Entry {
  int64_t seq = 0;
  int64_t at = 0;  // ms since epoch, UTC
  Event event;
  std::string details_text;  // exactly as hashed
  std::string prev_hash;
  std::string hash;
};

struct Filter {
  std::optional<std::string> actor;
  std::optional<std::string> action_prefix;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<int64_t> from_ms, to_ms, before_seq;
  int limit = 100;
  // Units whose entries may be returned; nullopt means every entry (including those without a unit).
  std::optional<std::vector<int64_t>> unit_ids;
};

struct VerifyResult {
  bool ok = true;
  int64_t entries = 0;
  std::optional<int64_t> first_broken_seq;
  std::string reason;
};

// The exact bytes that are hashed for an entry.
std::string canonical(int64_t seq, int64_t at, const Event& e, const std::string& details_text,
                      const std::string& prev_hash);

class AuditLog {
 public:
  AuditLog(store::Db& db, const core::Clock& clock) : db_(db), clock_(clock) {}
  // Appends inside the caller's transaction when there is one, so a change and its audit entry
  // commit together or not at all. Returns the sequence number; 0 inside a store::Writers::shared unit of work,
  // which writes its entries at its end, in commit order (store/work.h).
  int64_t append(const Event& e);
  std::vector<Entry> list(const Filter& f);  // newest first
  VerifyResult verify();
  // The same as sensitive reads, each audited at the reader's unit: "audit.read" with the `query` asked and
  // how many entries it answered, "audit.verify" with ok and entries.
  std::vector<Entry> read(const Filter& f, const nlohmann::json& query, int64_t reader_unit, const Actor& by);
  VerifyResult verified(int64_t reader_unit, const Actor& by);

 private:
  // Appends `events` in one statement; returns the last one's sequence number.
  int64_t write(const std::vector<Event>& events);

  store::Db& db_;
  const core::Clock& clock_;
  std::vector<Event> pending_;  // a shared unit's entries, until its end
};

nlohmann::json to_json(const Entry& e);

}  // namespace watchfloor::audit
