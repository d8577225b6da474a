#include "auth/throttle.h"

#include <algorithm>
#include <iterator>

#include "auth/throttle_state.h"

namespace watchfloor::auth {

namespace {

int64_t minutes_ms(int m) { return int64_t(m) * 60'000; }

// Drops stamps older than the window.
void prune(ThrottleRules::Stamps& q, int64_t window_ms, int64_t now) {
  while (!q.empty() && now - q.front() >= window_ms) q.pop_front();
}

// Adds a stamp, keeping only the newest `limit` (enough to decide "limit within the window").
void stamp(ThrottleRules::Stamps& q, int limit, int64_t now) {
  q.push_back(now);
  while (static_cast<int>(q.size()) > std::max(limit, 1)) q.pop_front();
}

int worth_of(const ThrottleRules::Stamps& q, int limit, int64_t window_ms, int64_t now) {
  if (q.empty() || now - q.back() >= window_ms) return 0;
  return static_cast<int>(q.size()) < limit ? 1 : 2;
}

int seconds_up(int64_t ms) { return static_cast<int>(std::max<int64_t>(1, (ms + 999) / 1000)); }

}  // namespace

// ---- ThrottleRules -------------------------------------------------------------------------

int64_t ThrottleRules::forget_ms() const { return minutes_ms(cfg_.login_forget_minutes); }

int64_t ThrottleRules::address_window_ms() const { return minutes_ms(cfg_.login_address_window_minutes); }

int64_t ThrottleRules::delay_ms(int failures, bool net_tripped) const {
  int free = net_tripped ? 0 : cfg_.login_free_failures;
  if (failures <= 0 || failures < free) return 0;
  int64_t cap = int64_t(cfg_.login_max_delay_s) * 1000;
  int64_t d = int64_t(cfg_.login_delay_s) * 1000;
  for (int i = std::max(free, 1); i < failures && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

int64_t ThrottleRules::pair_wait_ms(const Pair& p, bool net_tripped, int64_t now) const {
  if (p.failures == 0 || now - p.last_ms >= forget_ms()) return 0;
  return std::max<int64_t>(0, p.last_ms + delay_ms(p.failures, net_tripped) - now);
}

void ThrottleRules::count_pair(Pair& p, int64_t now) const {
  if (now - p.last_ms >= forget_ms()) p = {};
  ++p.failures;
  p.last_ms = now;
}

bool ThrottleRules::address_full(Stamps& q, int64_t now) const {
  prune(q, address_window_ms(), now);
  return limits_addresses() && static_cast<int>(q.size()) >= cfg_.login_max_attempts_per_address;
}

void ThrottleRules::count_address(Stamps& q, int64_t now) const { stamp(q, cfg_.login_max_attempts_per_address, now); }

int64_t ThrottleRules::address_wait_ms(const Stamps& q, int64_t now) const {
  return q.empty() ? 0 : q.front() + address_window_ms() - now;
}

bool ThrottleRules::net_tripped(Stamps& q, int64_t now) const {
  if (!has_safety_net()) return false;
  prune(q, forget_ms(), now);
  return static_cast<int>(q.size()) >= cfg_.login_account_alarm_failures;
}

void ThrottleRules::count_account(Stamps& q, int64_t now) const {
  prune(q, forget_ms(), now);
  stamp(q, cfg_.login_account_alarm_failures, now);
}

bool ThrottleRules::forgive(Stamps& q, int64_t at) {
  auto it = std::find(q.rbegin(), q.rend(), at);
  if (it == q.rend()) return false;
  q.erase(std::next(it).base());
  return true;
}

int ThrottleRules::worth(const Pair& p, int64_t now) const {
  if (p.failures == 0 || now - p.last_ms >= forget_ms()) return 0;
  return p.failures < cfg_.login_free_failures ? 1 : 2;
}

int ThrottleRules::address_worth(const Stamps& q, int64_t now) const {
  return worth_of(q, cfg_.login_max_attempts_per_address, address_window_ms(), now);
}

int ThrottleRules::account_worth(const Stamps& q, int64_t now) const {
  return worth_of(q, cfg_.login_account_alarm_failures, forget_ms(), now);
}

// ---- LoginThrottle -------------------------------------------------------------------------

LoginThrottle::LoginThrottle(const core::Clock& clock, const core::SecurityConfig& cfg, store::Db* shared,
                             size_t max_keys)
    : clock_(clock),
      rules_(cfg),
      state_(shared ? throttle_state_in_store(*shared, clock, rules_)
                    : throttle_state_in_memory(clock, rules_, max_keys)) {}

LoginThrottle::~LoginThrottle() = default;

LoginThrottle::Admission LoginThrottle::begin(const std::string& account, const std::string& address) {
  Admission out;
  state_->exclusive([&] {
    auto& s = *state_;
    const int64_t now = s.now_ms();
    s.forget(now);
    ThrottleRules::Stamps by_addr;
    auto count_address = [&] {  // failed or refused, it counts
      if (!rules_.limits_addresses()) return;
      rules_.count_address(by_addr, now);
      s.set_address(address, by_addr);
    };
    if (rules_.limits_addresses()) {
      by_addr = s.address(address);
      if (rules_.address_full(by_addr, now)) {
        count_address();
        out = {seconds_up(rules_.address_wait_ms(by_addr, now)), 0};
        return;
      }
    }

    auto failures = s.account(account);
    bool tripped = rules_.net_tripped(failures, now);
    auto pair = s.pair(account, address);
    if (int64_t wait = rules_.pair_wait_ms(pair, tripped, now); wait > 0) {
      count_address();
      out = {seconds_up(wait), 0};
      return;
    }

    // Admitted: counted as a failure now, forgiven by succeeded().
    rules_.count_pair(pair, now);
    s.set_pair(account, address, pair);
    count_address();
    if (rules_.has_safety_net()) {
      rules_.count_account(failures, now);
      s.set_account(account, failures);
    }
    out = {0, now};
  });
  return out;
}

void LoginThrottle::succeeded(const std::string& account, const std::string& address, const Admission& a) {
  state_->exclusive([&] {
    auto& s = *state_;
    s.erase_pair(account, address);
    if (auto q = s.address(address); ThrottleRules::forgive(q, a.at_ms)) s.set_address(address, q);
    if (auto q = s.account(account); ThrottleRules::forgive(q, a.at_ms)) s.set_account(account, q);
  });
}

void LoginThrottle::unlock(const std::string& account) {
  state_->exclusive([&] { state_->erase_account(account); });
}

std::optional<int64_t> LoginThrottle::throttled_until(const std::string& account) {
  int64_t longest = 0;
  state_->reading([&] {
    const int64_t now = state_->now_ms();
    auto failures = state_->account(account);
    bool tripped = rules_.net_tripped(failures, now);
    for (const auto& p : state_->pairs_of(account)) longest = std::max(longest, rules_.pair_wait_ms(p, tripped, now));
  });
  if (longest == 0) return std::nullopt;
  return clock_.now_ms() + longest;
}

size_t LoginThrottle::tracked() {
  size_t n = 0;
  state_->reading([&] { n = state_->size(); });
  return n;
}

}  // namespace watchfloor::auth
