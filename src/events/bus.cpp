#include "events/bus.h"

#include <algorithm>
#include <stdexcept>

#include "core/log.h"
#include "store/work.h"

namespace watchfloor::events {
namespace {

// The bus whose delivery loop runs on this thread (it holds that bus's deliver_mu_).
thread_local const Bus* t_delivering = nullptr;

Event event(std::string topic, std::optional<int64_t> unit_id, auth::Action read_action, nlohmann::json payload) {
  Event e;
  e.topic = std::move(topic);
  e.unit_id = unit_id;
  e.read_action = read_action;
  e.payload = std::move(payload);
  return e;
}

}  // namespace

Bus::Bus(const core::Clock& clock, size_t capacity, int64_t start_seq)
    : clock_(clock), capacity_(capacity), seq_(start_seq), delivered_(start_seq) {}

int64_t Bus::publish(std::string topic, std::optional<int64_t> unit_id, auth::Action read_action,
                     nlohmann::json payload) {
  return publish(event(std::move(topic), unit_id, read_action, std::move(payload)));
}

int64_t Bus::publish(Event e) {
  e.at_ms = clock_.now_ms();
  if (log_) return log_->append(e);  // delivered when the log hands it back (receive)
  auto issue = [this, &e] {
    std::lock_guard lock(mu_);
    e.seq = seq_ + 1;
    remember(e);
  };
  if (t_delivering == this) {
    // Published from inside a subscriber: this thread already holds deliver_mu_, and delivering
    // now would let some subscribers see this event before the one they are still receiving.
    issue();
    reentrant_.push_back(e);
    return e.seq;
  }
  std::lock_guard delivering(deliver_mu_);
  issue();
  deliver_in_order(e);
  return e.seq;
}

void Bus::publish_on_commit(Event e, std::string key) {
  auto* work = store::Work::current();
  if (!work) throw std::logic_error("events: publish_on_commit outside a unit of work");
  if (!log_) return work->after_commit([this, e] { publish(e); }, std::move(key));
  // Appended to the log just before the unit's COMMIT, all in one statement (a case reported at a national centre
  // published 15 events, each a round trip). A key replaces the unit's earlier event of that key, moved last.
  if (pending_.empty()) {
    work->before_commit([this] {
      std::vector<Event> events;
      for (auto& [key, e] : std::exchange(pending_, {})) {
        e.at_ms = clock_.now_ms();
        events.push_back(std::move(e));
      }
      log_->append_all(events);
    }, "events.log");
    work->on_rollback([this] { pending_.clear(); });
  }
  if (!key.empty()) std::erase_if(pending_, [&](const auto& p) { return p.first == key; });
  pending_.emplace_back(std::move(key), std::move(e));
}

void Bus::publish_on_commit(std::string topic, std::optional<int64_t> unit_id, auth::Action read_action,
                            nlohmann::json payload) {
  publish_on_commit(event(std::move(topic), unit_id, read_action, std::move(payload)));
}

void Bus::attach(Log& log, int64_t last_seq) {
  std::lock_guard lock(mu_);
  log_ = &log;
  seq_ = delivered_ = last_seq;
  ring_.clear();
}

void Bus::receive(Event e) {
  std::lock_guard delivering(deliver_mu_);
  {
    std::lock_guard lock(mu_);
    if (e.seq <= seq_) return;  // already delivered (read twice after a reconnect)
    remember(e);
  }
  deliver_in_order(e);
}

void Bus::remember(const Event& e) {
  seq_ = e.seq;
  if (capacity_ == 0) return;
  ring_.push_back(e);
  if (ring_.size() > capacity_) ring_.pop_front();
}

void Bus::deliver_in_order(const Event& e) {
  const Bus* outer = t_delivering;
  t_delivering = this;
  deliver(e);
  int64_t last = e.seq;
  while (!reentrant_.empty()) {
    Event next = std::move(reentrant_.front());
    reentrant_.pop_front();
    deliver(next);
    last = next.seq;
  }
  t_delivering = outer;
  std::lock_guard lock(mu_);
  delivered_ = last;
}

void Bus::deliver(const Event& e) {
  std::vector<std::shared_ptr<Entry>> subs;
  {
    std::lock_guard lock(mu_);
    subs.reserve(subs_.size());
    for (const auto& [_, s] : subs_) subs.push_back(s);
  }
  for (const auto& s : subs) {
    {
      std::lock_guard lock(mu_);
      if (!s->active) continue;
    }
    try {
      s->fn(e);
    } catch (const std::exception& ex) {
      // A subscriber's bug must not stop the others from receiving the event.
      core::log_error("event subscriber failed on " + e.topic + ": " + ex.what());
    }
  }
}

uint64_t Bus::subscribe(Subscriber s) {
  std::lock_guard lock(mu_);
  uint64_t id = ++next_sub_;
  subs_[id] = std::make_shared<Entry>(Entry{std::move(s), true});
  return id;
}

void Bus::unsubscribe(uint64_t id) {
  {
    std::lock_guard lock(mu_);
    auto it = subs_.find(id);
    if (it == subs_.end()) return;
    it->second->active = false;
    subs_.erase(it);
  }
  // Wait out a delivery in progress on another thread, so that the subscriber is not running
  // (and will not run) once this returns. Inside a callback the flag above is enough.
  if (t_delivering != this) std::lock_guard wait(deliver_mu_);
}

std::optional<std::vector<Event>> Bus::since(int64_t seq) const {
  {
    std::lock_guard lock(mu_);
    int64_t first = ring_.empty() ? seq_ + 1 : ring_.front().seq;
    if (seq <= seq_ && seq >= first - 1) {
      // A log's sequence may have gaps (a rolled-back change took a number): search, do not count.
      auto from = std::upper_bound(ring_.begin(), ring_.end(), seq, [](int64_t s, const Event& e) { return s < e.seq; });
      return std::vector<Event>(from, ring_.end());
    }
  }
  // Older than the ring, or newer than what reached this server yet: the cluster's log may still have them.
  if (log_) return log_->since(seq, capacity_);
  return std::nullopt;
}

int64_t Bus::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

int64_t Bus::seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

}  // namespace watchfloor::events
