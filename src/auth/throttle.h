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
//  5. Where the state lives (auth/throttle_state.h); ThrottleRules decides alike on either:
//     - in memory, for one process (SQLite, where one server owns the store). Times are
//       Clock::mono_ns (intervals must not jump with the wall clock). Memory is bounded: at most
//       `max_keys` entries per table. When a table is full, an expired entry goes first, then one
//       below its limit, then the least recently written — never all at once, which would hand an
//       attacker fresh budget.
//     - in the store's tables (PostgreSQL, migration 19), shared by every API server on it: an
//       attacker gets one budget however many servers answer, and an unlock on one reaches all.
//       Each begin(), succeeded() and unlock() is one write transaction, and the store serialises
//       those across servers, so concurrent attempts on two servers consume budget as two threads
//       do on one. Times are wall time (Clock::now_ms), since monotonic time is per machine: the
//       servers' clocks must agree (NTP), and a step of the wall clock shortens or lengthens the
//       waits in progress. Rows past the forget time or the address window are deleted as attempts
//       come (by each server at most once a minute), so the tables hold little more than what is
//       still in force.
//
// Thread-safe; nothing slow runs under the lock (the password check runs between begin() and
// succeeded()). Call outside a transaction of the store: a refused attempt must count although
// the request fails.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"

namespace watchfloor::store {
class Db;
}

namespace watchfloor::auth {

// The model above as pure functions over one pair's state, an address's stamps and an account's
// stamps, at a time `now` in the state's milliseconds.
class ThrottleRules {
 public:
  struct Pair {
    int failures = 0;
    int64_t last_ms = 0;  // the last counted attempt
  };
  using Stamps = std::deque<int64_t>;  // attempt times, oldest first, at most the limit

  explicit ThrottleRules(const core::SecurityConfig& cfg) : cfg_(cfg) {}

  int64_t forget_ms() const;          // (1, 4) a pair, and an account's failures, are forgotten after this
  int64_t address_window_ms() const;  // (3)
  bool limits_addresses() const { return cfg_.login_max_attempts_per_address > 0; }
  bool has_safety_net() const { return cfg_.login_account_alarm_failures > 0; }

  // 1. How long the pair must wait before its next attempt; 0: it may try.
  int64_t pair_wait_ms(const Pair& p, bool net_tripped, int64_t now) const;
  // 1, 2. An admitted attempt, counted as a failure (a forgotten pair starts afresh).
  void count_pair(Pair& p, int64_t now) const;
  // 3. Drops the address's stamps past the window; whether it has used up its attempts.
  bool address_full(Stamps& q, int64_t now) const;
  // 3. A failed or refused attempt from the address.
  void count_address(Stamps& q, int64_t now) const;
  // 3. How long a full address waits: until its oldest stamp leaves the window.
  int64_t address_wait_ms(const Stamps& q, int64_t now) const;
  // 4. Drops the account's failures past the forget time; whether its free failures have ended.
  bool net_tripped(Stamps& q, int64_t now) const;
  // 4. A failure on the account, from any address.
  void count_account(Stamps& q, int64_t now) const;
  // 2. Forgives the admitted attempt stamped `at`; whether it was still held.
  static bool forgive(Stamps& q, int64_t at);
  // 5. What keeping an entry is worth when memory is short: 0 forgotten already, 1 below its
  // limit, 2 holds a penalty.
  int worth(const Pair& p, int64_t now) const;
  int address_worth(const Stamps& q, int64_t now) const;
  int account_worth(const Stamps& q, int64_t now) const;

 private:
  int64_t delay_ms(int failures, bool net_tripped) const;
  core::SecurityConfig cfg_;
};

class ThrottleState;  // auth/throttle_state.h

class LoginThrottle {
 public:
  // The answer to begin(): admitted (the attempt already counts as a failure), or refused.
  struct Admission {
    int retry_after_s = 0;  // > 0: refused, wait this long
    int64_t at_ms = 0;      // the state's time of admission, for succeeded()
    explicit operator bool() const { return retry_after_s == 0; }
  };

  // `shared`: the PostgreSQL store whose tables hold the state for every server on it; none: this
  // process's memory, at most `max_keys` entries per table.
  LoginThrottle(const core::Clock& clock, const core::SecurityConfig& cfg, store::Db* shared = nullptr,
                size_t max_keys = 100'000);
  ~LoginThrottle();

  // Call before checking the password; `account` is the username as given.
  Admission begin(const std::string& account, const std::string& address);
  // The password was right: the admitted attempt is forgiven and the pair starts afresh.
  void succeeded(const std::string& account, const std::string& address, const Admission& a);
  // An administrator's unlock: the account's state for every address, and its safety net, go.
  void unlock(const std::string& account);
  // Wall time (ms) until which some address is being made to wait for this account, if any.
  std::optional<int64_t> throttled_until(const std::string& account);
  // Entries held (pairs, addresses, accounts), for the bound.
  size_t tracked();

 private:
  const core::Clock& clock_;
  ThrottleRules rules_;
  std::unique_ptr<ThrottleState> state_;
};

}  // namespace watchfloor::auth
