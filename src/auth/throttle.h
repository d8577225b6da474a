#pragma once
// Sign-in throttling: guesses of a password, at login and at password change, slow down per
// (account, source address) without letting anyone lock the owner out from their own desk.
//
// The model (the one of Keycloak's brute-force detection and of OWASP's guidance, with delays
// instead of a lock-out):
//
//  1. Per (account, address) pair: `login_free_failures` failures cost nothing; after that each
//     further attempt must wait `login_delay_s`, doubling per further failure up to
//     `login_max_delay_s`. A pair with no failure for `login_forget_minutes` starts afresh; a right
//     password clears it. Failures from address X never slow the same account from address Y.
//  2. An attempt is counted when it is admitted, under the lock and before the (slow) password
//     check: concurrent attempts each consume budget, so N concurrent guesses get at most
//     `login_free_failures` real checks. `succeeded()` forgives the attempt.
//  3. Per address, across all accounts: at most `login_max_attempts_per_address` failed *or
//     refused* attempts within `login_address_window_minutes`; beyond that the address waits until
//     the oldest of them leaves the window. Refused attempts count, so hammering while throttled,
//     or trying many accounts, keeps the address out.
//  4. Account-wide safety net against many addresses (a botnet each using its free failures):
//     when one account has `login_account_alarm_failures` failures from all addresses within
//     `login_forget_minutes`, the free failures of that account end — every address that has
//     failed on it at least once waits from then on. An address with no failure on the account is
//     never refused by it, so the owner's own desk still gets in with the right password.
//  5. Memory is bounded: at most `max_keys` entries per table. When a table is full, an expired
//     entry goes first, then one below its limit, then the least recently touched — never all at
//     once, which would hand an attacker fresh budget.
//
// Times are read from Clock::mono_ns (intervals must not jump with the wall clock).
// Thread-safe: one mutex; nothing slow runs under it.
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/config.h"

namespace watchfloor::auth {

// An entry per key, least recently touched first, at most `capacity` of them.
template <typename V>
class BoundedMap {
 public:
  explicit BoundedMap(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}
  V* find(const std::string& key);
  // Inserts when missing; when full, evicts among the oldest `scan` entries the one of lowest
  // `rank(value)` (0 = forgettable, 1 = light, 2 = holds a penalty), the oldest on ties.
  template <typename Rank>
  V& get(const std::string& key, Rank rank);
  void erase(const std::string& key);
  template <typename Pred>
  void erase_if(Pred pred);  // pred(key, value)
  template <typename F>
  void for_each(F f) const;  // f(key, value)
  size_t size() const { return index_.size(); }

 private:
  using List = std::list<std::pair<std::string, V>>;
  size_t capacity_;
  List order_;  // front: least recently touched
  std::unordered_map<std::string, typename List::iterator> index_;
};

class LoginThrottle {
 public:
  // The answer to begin(): admitted (the attempt already counts as a failure), or refused.
  struct Admission {
    int retry_after_s = 0;  // > 0: refused, wait this long
    int64_t at_ms = 0;      // monotonic time of admission, for succeeded()
    explicit operator bool() const { return retry_after_s == 0; }
  };

  LoginThrottle(const core::Clock& clock, const core::SecurityConfig& cfg, size_t max_keys = 100'000);

  // Call before checking the password; `account` is the username as given.
  Admission begin(const std::string& account, const std::string& address);
  // The password was right: the admitted attempt is forgiven and the pair starts afresh.
  void succeeded(const std::string& account, const std::string& address, const Admission& a);
  // An administrator's unlock: the account's state for every address, and its safety net, go.
  void unlock(const std::string& account);
  // Wall time (ms) until which some address is being made to wait for this account, if any.
  std::optional<int64_t> throttled_until(const std::string& account);
  // Entries held (pairs, addresses, accounts), for the memory bound.
  size_t tracked();

 private:
  struct Pair {
    int failures = 0;
    int64_t last_ms = 0;  // the last counted attempt
  };
  using Stamps = std::deque<int64_t>;  // newest last, at most the limit

  int64_t now_ms() const;
  int64_t delay_ms(int failures, bool net_tripped) const;
  int64_t pair_wait_ms(const Pair& p, bool net_tripped, int64_t now) const;
  bool net_tripped(const std::string& account, int64_t now);
  static std::string pair_key(const std::string& account, const std::string& address);

  const core::Clock& clock_;
  core::SecurityConfig cfg_;
  std::mutex mu_;
  BoundedMap<Pair> pairs_;
  BoundedMap<Stamps> addresses_;  // failed or refused attempts
  BoundedMap<Stamps> accounts_;   // failures from all addresses
};

}  // namespace watchfloor::auth
