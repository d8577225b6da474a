#pragma once
// The in-process event bus: domain writes commit first, then publish; subscribers (WebSocket
// consoles, later the escalation scheduler) never see uncommitted state. Each event names the unit
// whose scope may see it and the policy action needed, so that delivery can be filtered by
// `auth::allowed` — the browser never receives what its user may not see.
//
// When several servers share a PostgreSQL store, a Log is attached (events/cluster.h): publish() appends the
// event to it, and every server's Bus delivers what the log hands back, from all servers, in commit order, with
// the cluster's sequence numbers.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/policy.h"
#include "core/clock.h"

namespace watchfloor::events {

struct Event {
  int64_t seq = 0;
  std::string topic;               // "unit.updated", "duty_log.created", "alert.raised", ...
  std::optional<int64_t> unit_id;  // the unit whose scope may see it; nullopt: anyone holding read_action
  auth::Action read_action = auth::Action::unit_read;
  nlohmann::json payload;
  int64_t at_ms = 0;
  // People who see it whatever their scope (a case's recipients outside the case's unit).
  std::vector<int64_t> also_users;
  // Addressed to one person only (an inbox notification): nobody else receives it.
  std::optional<int64_t> only_user;
  // About a camera (its alert, a case raised from its footage): the sector's watchers see it too (Art. 16.1).
  bool from_camera = false;
};

class Bus {
 public:
  static constexpr size_t kDefaultCapacity = 10'000;

  // The events of every server sharing the store (events/cluster.h).
  class Log {
   public:
    virtual ~Log() = default;
    // Appends `e` (inside the caller's write transaction when there is one) and returns its sequence number.
    virtual int64_t append(const Event& e) = 0;
    // Appends `events` in their order, inside the caller's write transaction (a unit of work's, at its end).
    virtual void append_all(const std::vector<Event>& events) = 0;
    // The events after `seq`, or nullopt when some are gone, `seq` was never issued, or more than `max` followed
    // (a console away that long reloads over REST, as one whose events left the ring).
    virtual std::optional<std::vector<Event>> since(int64_t seq, size_t max) = 0;
  };

  // Sequence numbers continue from `start_seq` (the first event gets start_seq + 1). Starting each
  // process at a different, larger value (the installation uses the start time in microseconds)
  // makes a client's `seq` from an earlier process "too old" instead of silently wrong.
  explicit Bus(const core::Clock& clock, size_t capacity = kDefaultCapacity, int64_t start_seq = 0);
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  // Call only after the write committed. Delivers to every subscriber, in sequence order, on the
  // calling thread, and returns the event's sequence number. A subscriber that publishes from
  // inside its callback has that event delivered right after the current one, not nested in it.
  int64_t publish(std::string topic, std::optional<int64_t> unit_id, auth::Action read_action, nlohmann::json payload);
  // The same with the audience fields set (seq and at_ms are assigned here).
  int64_t publish(Event e);

  // Inside a unit of work (store/work.h): publishes `e` once the unit commits, nothing when it rolls back. `key`
  // replaces an earlier event of the unit with the same key. With a log attached the event is appended inside
  // the unit's transaction, so that its place in the cluster's order is its change's place. Throws
  // std::logic_error outside a unit of work.
  void publish_on_commit(Event e, std::string key = {});
  void publish_on_commit(std::string topic, std::optional<int64_t> unit_id, auth::Action read_action,
                         nlohmann::json payload);

  // From then on publish() appends to `log`, and only receive() delivers. `last_seq` is the log's last
  // sequence number (what hello tells a console that connects before anything new arrives).
  void attach(Log& log, int64_t last_seq);
  // An event of the attached log (from any server), in the log's order: delivered to the subscribers.
  void receive(Event e);

  // A subscriber must not block: it runs on the publishing thread, and every later publish waits.
  using Subscriber = std::function<void(const Event&)>;
  uint64_t subscribe(Subscriber s);
  // After it returns the subscriber is not called again (also when called from inside a callback).
  // It waits for a delivery running on another thread, so do not call it while holding a lock
  // that a subscriber takes.
  void unsubscribe(uint64_t id);

  // The events after `seq` that are still in the ring (the last `capacity`), for catch-up after a
  // reconnect. nullopt when some of them are gone (seq too old) or seq was never issued here
  // (newer than the last one, e.g. from before a restart): the client must reload instead.
  std::optional<std::vector<Event>> since(int64_t seq) const;

  // The last issued sequence number (start_seq before the first publish).
  int64_t seq() const;
  // The last sequence number whose delivery to every subscriber has ended.
  int64_t delivered() const;

 private:
  struct Entry {
    Subscriber fn;
    bool active = true;  // guarded by mu_
  };
  // With mu_ held: `e` becomes the last event.
  void remember(const Event& e);
  // With deliver_mu_ held: delivers `e`, then what subscribers published meanwhile.
  void deliver_in_order(const Event& e);
  void deliver(const Event& e);

  const core::Clock& clock_;
  const size_t capacity_;
  mutable std::mutex mu_;  // seq_, ring_, subs_ and Entry::active; never held while calling out
  std::mutex deliver_mu_;  // one publisher delivers at a time, so every subscriber sees seq order
  int64_t seq_;
  int64_t delivered_;
  std::deque<Event> ring_;
  std::map<uint64_t, std::shared_ptr<Entry>> subs_;
  uint64_t next_sub_ = 0;
  std::deque<Event> reentrant_;  // published from inside a callback; guarded by deliver_mu_
  Log* log_ = nullptr;           // set once, before the first publish
  // With a log: the events of the unit of work in progress (one writer per process), appended at its end in one go.
  std::vector<std::pair<std::string, Event>> pending_;
};

}  // namespace watchfloor::events
