#pragma once
// Refused requests in the audit log, aggregated. A refusal (403 forbidden, 404 on a protected
// resource, 429 throttled) is counted in memory per (who, route, reason) and written as one
// `access.refused` entry per minute with the count and the first and last time: probing shows up
// in the audit log, and a flood of eleven thousand throttled logins costs one row a minute per
// source instead of eleven thousand.
//
// Thread-safe. Nothing reaches the database in note(); flush() writes, called by a timer and at
// shutdown. A process killed between two flushes loses at most the last minute's counts.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

#include "audit/audit_log.h"
#include "core/clock.h"

namespace watchfloor::audit {

struct Refusal {
  std::optional<int64_t> actor_id;  // a signed-in caller; else the address is who
  std::string actor;
  std::optional<int64_t> unit_id;   // the caller's unit: its auditors may read the entry
  std::string ip;
  std::string method;
  std::string route;   // the route pattern, never the path's ids or the query
  int status = 0;
  std::string reason;  // the problem's slug: "forbidden", "not-found", "throttled", "csrf", …
  std::string subject;  // optional: what the request was about (the account of a throttled login)
};

class RefusalLog {
 public:
  // `max_keys`: distinct (who, route, reason) keys kept; past it, refusals are counted under one
  // overflow key per route and reason with actor "*", so a spray of addresses is still counted.
  RefusalLog(AuditLog& audit, const core::Clock& clock, size_t max_keys = 10'000)
      : audit_(audit), clock_(clock), max_keys_(max_keys) {}
  void note(const Refusal& r);
  // Writes the counts of every minute that has ended (every minute when `all`); returns the
  // number of entries written.
  int flush(bool all = false);

 private:
  using Key = std::tuple<int64_t /*minute*/, std::string /*actor*/, std::string /*ip*/, std::string /*method*/,
                         std::string /*route*/, int /*status*/, std::string /*reason*/, std::string /*subject*/>;
  struct Count {
    Refusal first;
    int64_t count = 0;
    int64_t first_ms = 0, last_ms = 0;
  };

  AuditLog& audit_;
  const core::Clock& clock_;
  const size_t max_keys_;
  std::mutex mu_;
  std::map<Key, Count> pending_;
};

}  // namespace watchfloor::audit
