#include "auth/throttle.h"

#include <algorithm>
#include <iterator>

namespace watchfloor::auth {

namespace {

// How many of the oldest entries a full table looks at to choose what to evict: enough to step
// over the penalised entries an attacker would like to see evicted, bounded so that an insert
// stays cheap.
constexpr size_t kEvictionScan = 64;

int64_t minutes_ms(int m) { return int64_t(m) * 60'000; }

// Drops stamps older than the window.
void prune(std::deque<int64_t>& q, int64_t window_ms, int64_t now) {
  while (!q.empty() && now - q.front() >= window_ms) q.pop_front();
}

// Adds a stamp, keeping only the newest `limit` (enough to decide "limit within the window").
void stamp(std::deque<int64_t>& q, int limit, int64_t now) {
  q.push_back(now);
  while (static_cast<int>(q.size()) > std::max(limit, 1)) q.pop_front();
}

// Forgives one admitted attempt: its stamp, if it is still held.
void unstamp(std::deque<int64_t>* q, int64_t at) {
  if (!q) return;
  auto it = std::find(q->rbegin(), q->rend(), at);
  if (it != q->rend()) q->erase(std::next(it).base());
}

int rank_stamps(const std::deque<int64_t>& q, int limit, int64_t window_ms, int64_t now) {
  if (q.empty() || now - q.back() >= window_ms) return 0;
  return static_cast<int>(q.size()) < limit ? 1 : 2;
}

int seconds_up(int64_t ms) { return static_cast<int>(std::max<int64_t>(1, (ms + 999) / 1000)); }

std::string account_of(const std::string& pair_key) { return pair_key.substr(pair_key.find('\0') + 1); }

}  // namespace

// ---- BoundedMap ----------------------------------------------------------------------------

template <typename V>
V* BoundedMap<V>::find(const std::string& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second->second;
}

template <typename V>
template <typename Rank>
V& BoundedMap<V>::get(const std::string& key, Rank rank) {
  if (auto it = index_.find(key); it != index_.end()) {
    order_.splice(order_.end(), order_, it->second);
    return it->second->second;
  }
  if (index_.size() >= capacity_) {
    auto victim = order_.begin();
    int best = 3;
    size_t n = 0;
    for (auto i = order_.begin(); i != order_.end() && n < kEvictionScan; ++i, ++n) {
      int r = rank(i->second);
      if (r < best) {
        best = r;
        victim = i;
        if (r == 0) break;
      }
    }
    index_.erase(victim->first);
    order_.erase(victim);
  }
  order_.emplace_back(key, V{});
  index_[key] = std::prev(order_.end());
  return order_.back().second;
}

template <typename V>
void BoundedMap<V>::erase(const std::string& key) {
  if (auto it = index_.find(key); it != index_.end()) {
    order_.erase(it->second);
    index_.erase(it);
  }
}

template <typename V>
template <typename Pred>
void BoundedMap<V>::erase_if(Pred pred) {
  for (auto i = order_.begin(); i != order_.end();) {
    if (pred(i->first, i->second)) {
      index_.erase(i->first);
      i = order_.erase(i);
    } else {
      ++i;
    }
  }
}

template <typename V>
template <typename F>
void BoundedMap<V>::for_each(F f) const {
  for (const auto& [k, v] : order_) f(k, v);
}

// ---- LoginThrottle -------------------------------------------------------------------------

LoginThrottle::LoginThrottle(const core::Clock& clock, const core::SecurityConfig& cfg, size_t max_keys)
    : clock_(clock), cfg_(cfg), pairs_(max_keys), addresses_(max_keys), accounts_(max_keys) {}

int64_t LoginThrottle::now_ms() const { return clock_.mono_ns() / 1'000'000; }

std::string LoginThrottle::pair_key(const std::string& account, const std::string& address) {
  // An address never holds a NUL, so the first one separates the two.
  return address + '\0' + account;
}

int64_t LoginThrottle::delay_ms(int failures, bool net_tripped) const {
  int free = net_tripped ? 0 : cfg_.login_free_failures;
  if (failures <= 0 || failures < free) return 0;
  int64_t cap = int64_t(cfg_.login_max_delay_s) * 1000;
  int64_t d = int64_t(cfg_.login_delay_s) * 1000;
  for (int i = std::max(free, 1); i < failures && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

int64_t LoginThrottle::pair_wait_ms(const Pair& p, bool net_tripped, int64_t now) const {
  if (p.failures == 0 || now - p.last_ms >= minutes_ms(cfg_.login_forget_minutes)) return 0;
  return std::max<int64_t>(0, p.last_ms + delay_ms(p.failures, net_tripped) - now);
}

bool LoginThrottle::net_tripped(const std::string& account, int64_t now) {
  if (cfg_.login_account_alarm_failures <= 0) return false;
  auto* q = accounts_.find(account);
  if (!q) return false;
  prune(*q, minutes_ms(cfg_.login_forget_minutes), now);
  return static_cast<int>(q->size()) >= cfg_.login_account_alarm_failures;
}

LoginThrottle::Admission LoginThrottle::begin(const std::string& account, const std::string& address) {
  std::lock_guard lock(mu_);
  const int64_t now = now_ms();
  const int addr_limit = cfg_.login_max_attempts_per_address;
  const int64_t addr_window = minutes_ms(cfg_.login_address_window_minutes);
  const int64_t forget = minutes_ms(cfg_.login_forget_minutes);

  Stamps* by_addr = nullptr;
  if (addr_limit > 0) {
    by_addr = &addresses_.get(address, [&](const Stamps& q) { return rank_stamps(q, addr_limit, addr_window, now); });
    prune(*by_addr, addr_window, now);
    if (static_cast<int>(by_addr->size()) >= addr_limit) {
      stamp(*by_addr, addr_limit, now);  // a refused attempt counts too
      return {seconds_up(by_addr->front() + addr_window - now), 0};
    }
  }

  bool tripped = net_tripped(account, now);
  auto& pair = pairs_.get(pair_key(account, address), [&](const Pair& p) {
    if (p.failures == 0 || now - p.last_ms >= forget) return 0;
    return p.failures < cfg_.login_free_failures ? 1 : 2;
  });
  if (now - pair.last_ms >= forget) pair = {};
  if (int64_t wait = pair_wait_ms(pair, tripped, now); wait > 0) {
    if (by_addr) stamp(*by_addr, addr_limit, now);
    return {seconds_up(wait), 0};
  }

  // Admitted: counted as a failure now, forgiven by succeeded().
  ++pair.failures;
  pair.last_ms = now;
  if (by_addr) stamp(*by_addr, addr_limit, now);
  if (int limit = cfg_.login_account_alarm_failures; limit > 0) {
    auto& q = accounts_.get(account, [&](const Stamps& s) { return rank_stamps(s, limit, forget, now); });
    prune(q, forget, now);
    stamp(q, limit, now);
  }
  return {0, now};
}

void LoginThrottle::succeeded(const std::string& account, const std::string& address, const Admission& a) {
  std::lock_guard lock(mu_);
  pairs_.erase(pair_key(account, address));
  unstamp(addresses_.find(address), a.at_ms);
  unstamp(accounts_.find(account), a.at_ms);
}

void LoginThrottle::unlock(const std::string& account) {
  std::lock_guard lock(mu_);
  pairs_.erase_if([&](const std::string& key, const Pair&) { return account_of(key) == account; });
  accounts_.erase(account);
}

std::optional<int64_t> LoginThrottle::throttled_until(const std::string& account) {
  std::lock_guard lock(mu_);
  const int64_t now = now_ms();
  bool tripped = net_tripped(account, now);
  int64_t longest = 0;
  pairs_.for_each([&](const std::string& key, const Pair& p) {
    if (account_of(key) == account) longest = std::max(longest, pair_wait_ms(p, tripped, now));
  });
  if (longest == 0) return std::nullopt;
  return clock_.now_ms() + longest;
}

size_t LoginThrottle::tracked() {
  std::lock_guard lock(mu_);
  return pairs_.size() + addresses_.size() + accounts_.size();
}

}  // namespace watchfloor::auth
