#pragma once
// Where LoginThrottle's state lives (auth/throttle.h, point 5): LoginThrottle decides with ThrottleRules,
// a ThrottleState only keeps. Private to auth/.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/throttle.h"

namespace watchfloor::auth {

// Every method but exclusive(), reading() and now_ms() runs inside one of those two.
class ThrottleState {
 public:
  using Pair = ThrottleRules::Pair;
  using Stamps = ThrottleRules::Stamps;

  virtual ~ThrottleState() = default;
  // Runs `body` with no other exclusive() or reading() in between, by any thread (in the store: of any
  // server), and what it wrote kept together or not at all.
  virtual void exclusive(const std::function<void()>& body) = 0;
  // Runs `body` on one consistent view, writing nothing.
  virtual void reading(const std::function<void()>& body) = 0;
  // The time the state's stamps are in, in ms (monotonic in memory, wall time in the store).
  virtual int64_t now_ms() const = 0;

  virtual Pair pair(const std::string& account, const std::string& address) = 0;  // none: a fresh one
  virtual void set_pair(const std::string& account, const std::string& address, const Pair& p) = 0;
  virtual void erase_pair(const std::string& account, const std::string& address) = 0;
  virtual std::vector<Pair> pairs_of(const std::string& account) = 0;
  virtual Stamps address(const std::string& address) = 0;                     // none: empty
  virtual void set_address(const std::string& address, const Stamps& q) = 0;  // empty: none
  virtual Stamps account(const std::string& account) = 0;
  virtual void set_account(const std::string& account, const Stamps& q) = 0;
  // Every pair of the account, and its failures.
  virtual void erase_account(const std::string& account) = 0;
  // Drops what the rules have forgotten by `now`, so that what is kept stays bounded (memory: nothing, its
  // tables are bounded by their size and forgotten entries go first).
  virtual void forget(int64_t now) = 0;
  // Entries held: pairs, addresses, accounts.
  virtual size_t size() = 0;
};

std::unique_ptr<ThrottleState> throttle_state_in_memory(const core::Clock& clock, const ThrottleRules& rules,
                                                        size_t max_keys);
std::unique_ptr<ThrottleState> throttle_state_in_store(store::Db& db, const core::Clock& clock,
                                                       const ThrottleRules& rules);

}  // namespace watchfloor::auth
