// The throttle's state in this process's memory (auth/throttle.h, point 5): SQLite, where one server owns the store.
#include <iterator>
#include <list>
#include <mutex>
#include <unordered_map>

#include "auth/throttle_state.h"

namespace watchfloor::auth {

namespace {

// How many of the oldest entries a full table looks at to choose what to evict: enough to step
// over the penalised entries an attacker would like to see evicted, bounded so that an insert
// stays cheap.
constexpr size_t kEvictionScan = 64;

// An entry per key, least recently written first, at most `capacity` of them.
template <typename V>
class BoundedMap {
 public:
  explicit BoundedMap(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  const V* find(const std::string& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  // Inserts when missing; when full, evicts among the oldest `kEvictionScan` entries the one of lowest
  // `worth(value)` (ThrottleRules::worth), the oldest on ties.
  template <typename Worth>
  V& get(const std::string& key, Worth worth) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.end(), order_, it->second);
      return it->second->second;
    }
    if (index_.size() >= capacity_) {
      auto victim = order_.begin();
      int best = 3;
      size_t n = 0;
      for (auto i = order_.begin(); i != order_.end() && n < kEvictionScan; ++i, ++n) {
        int w = worth(i->second);
        if (w < best) {
          best = w;
          victim = i;
          if (w == 0) break;
        }
      }
      index_.erase(victim->first);
      order_.erase(victim);
    }
    order_.emplace_back(key, V{});
    index_[key] = std::prev(order_.end());
    return order_.back().second;
  }

  void erase(const std::string& key) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.erase(it->second);
      index_.erase(it);
    }
  }

  template <typename Pred>
  void erase_if(Pred pred) {  // pred(key, value)
    for (auto i = order_.begin(); i != order_.end();) {
      if (pred(i->first, i->second)) {
        index_.erase(i->first);
        i = order_.erase(i);
      } else {
        ++i;
      }
    }
  }

  template <typename F>
  void for_each(F f) const {  // f(key, value)
    for (const auto& [k, v] : order_) f(k, v);
  }

  size_t size() const { return index_.size(); }

 private:
  using List = std::list<std::pair<std::string, V>>;
  size_t capacity_;
  List order_;  // front: least recently written
  std::unordered_map<std::string, typename List::iterator> index_;
};

// An address never holds a NUL, so the first one separates the two.
std::string pair_key(const std::string& account, const std::string& address) { return address + '\0' + account; }
std::string account_of(const std::string& pair_key) { return pair_key.substr(pair_key.find('\0') + 1); }

class MemoryState final : public ThrottleState {
 public:
  MemoryState(const core::Clock& clock, const ThrottleRules& rules, size_t max_keys)
      : clock_(clock), rules_(rules), pairs_(max_keys), addresses_(max_keys), accounts_(max_keys) {}

  void exclusive(const std::function<void()>& body) override {
    std::lock_guard lock(mu_);
    body();
  }
  void reading(const std::function<void()>& body) override { exclusive(body); }
  int64_t now_ms() const override { return clock_.mono_ns() / 1'000'000; }

  Pair pair(const std::string& account, const std::string& address) override {
    auto* p = pairs_.find(pair_key(account, address));
    return p ? *p : Pair{};
  }
  void set_pair(const std::string& account, const std::string& address, const Pair& p) override {
    const int64_t now = now_ms();
    pairs_.get(pair_key(account, address), [&](const Pair& v) { return rules_.worth(v, now); }) = p;
  }
  void erase_pair(const std::string& account, const std::string& address) override {
    pairs_.erase(pair_key(account, address));
  }
  std::vector<Pair> pairs_of(const std::string& account) override {
    std::vector<Pair> out;
    pairs_.for_each([&](const std::string& key, const Pair& p) {
      if (account_of(key) == account) out.push_back(p);
    });
    return out;
  }

  Stamps address(const std::string& address) override { return stamps(addresses_, address); }
  void set_address(const std::string& address, const Stamps& q) override {
    const int64_t now = now_ms();
    set_stamps(addresses_, address, q, [&](const Stamps& v) { return rules_.address_worth(v, now); });
  }
  Stamps account(const std::string& account) override { return stamps(accounts_, account); }
  void set_account(const std::string& account, const Stamps& q) override {
    const int64_t now = now_ms();
    set_stamps(accounts_, account, q, [&](const Stamps& v) { return rules_.account_worth(v, now); });
  }

  void erase_account(const std::string& account) override {
    pairs_.erase_if([&](const std::string& key, const Pair&) { return account_of(key) == account; });
    accounts_.erase(account);
  }
  void forget(int64_t) override {}
  size_t size() override { return pairs_.size() + addresses_.size() + accounts_.size(); }

 private:
  static Stamps stamps(const BoundedMap<Stamps>& map, const std::string& key) {
    auto* q = map.find(key);
    return q ? *q : Stamps{};
  }
  template <typename Worth>
  static void set_stamps(BoundedMap<Stamps>& map, const std::string& key, const Stamps& q, Worth worth) {
    if (q.empty())
      map.erase(key);
    else
      map.get(key, worth) = q;
  }

  const core::Clock& clock_;
  const ThrottleRules rules_;
  std::mutex mu_;
  BoundedMap<Pair> pairs_;
  BoundedMap<Stamps> addresses_;  // failed or refused attempts
  BoundedMap<Stamps> accounts_;   // failures from all addresses
};

}  // namespace

std::unique_ptr<ThrottleState> throttle_state_in_memory(const core::Clock& clock, const ThrottleRules& rules,
                                                        size_t max_keys) {
  return std::make_unique<MemoryState>(clock, rules, max_keys);
}

}  // namespace watchfloor::auth
