#pragma once
// Events across several API servers on one PostgreSQL store (docs/deploy.md, "Several API servers").
//
// Every server appends what it publishes to the table `cluster_events`, inside the write transaction of the
// change the event announces (Bus::publish_on_commit), holding the cluster's commit-order lock from there to COMMIT
// (Db::commit_order), so the table's sequence is the order in which the changes committed. A NOTIFY sent at
// commit wakes every server's listener, which reads the new rows in that order and hands them to its own Bus
// (Bus::receive), whose consoles then receive them with the cluster's sequence numbers: a console that reconnects
// to another server resumes where it was (Bus::since falls back to the table). Rows older than `keep` are pruned
// by the one server that leads "events.prune"; a console away longer than that, or while more events followed than a
// server's ring holds (Bus::kDefaultCapacity), reloads over REST (resync).
// An event's read action is stored as auth::Action's number: the servers of one installation run the same build
// (upgrade them together, as for a migration).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "events/bus.h"
#include "store/db.h"

namespace watchfloor::events {

class ClusterLog final : public Bus::Log {
 public:
  static constexpr int64_t kDefaultKeepMs = 15 * 60'000;

  ClusterLog(store::Db& db, const core::Clock& clock, int64_t keep_ms = kDefaultKeepMs);
  ~ClusterLog() override;
  ClusterLog(const ClusterLog&) = delete;
  ClusterLog& operator=(const ClusterLog&) = delete;

  // Attaches `bus` (Bus::attach) and starts listening: from then on `bus` receives every server's events.
  void start(Bus& bus);
  // Stops listening (the destructor does too).
  void stop();

  int64_t append(const Event& e) override;
  void append_all(const std::vector<Event>& events) override;
  std::optional<std::vector<Event>> since(int64_t seq, size_t max) override;

  // The last sequence number in the table (0 when it is empty).
  int64_t last();
  // Deletes what is older than `keep`; returns how many rows went.
  int64_t prune();

 private:
  void run(Bus& bus);
  std::vector<Event> after(int64_t seq, int limit);

  store::Db& db_;
  const core::Clock& clock_;
  const int64_t keep_ms_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace watchfloor::events
