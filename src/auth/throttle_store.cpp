// The throttle's state in the store's tables (auth/throttle.h, point 5; migration 19): PostgreSQL, shared by
// every API server on it. Each stamp list is one row (a BIGINT[] of at most the limit's length), written back
// whole: the lists are short (tens of stamps) and ThrottleRules alone decides what they hold.
#include <atomic>
#include <sstream>

#include "auth/throttle_state.h"
#include "store/db.h"

namespace watchfloor::auth {

namespace {

// How often one server deletes the rows past their windows; between two sweeps the rules ignore them anyway.
constexpr int64_t kForgetEveryMs = 60'000;

ThrottleRules::Stamps parse_stamps(const std::string& text) {
  ThrottleRules::Stamps q;
  std::istringstream in(text);
  for (int64_t at; in >> at;) q.push_back(at);
  return q;
}

std::string stamps_text(const ThrottleRules::Stamps& q) {
  std::string out;
  for (int64_t at : q) {
    if (!out.empty()) out += ' ';
    out += std::to_string(at);
  }
  return out;
}

// One of the two stamp tables: login_throttle_addresses (key `address`) and login_throttle_accounts (`account`).
struct StampTable {
  const char* select;
  const char* upsert;
  const char* erase;
};

const StampTable kAddresses{
    "SELECT array_to_string(stamps, ' ') AS stamps FROM login_throttle_addresses WHERE address = ?",
    "INSERT INTO login_throttle_addresses(address, stamps, last_ms) "
    "VALUES (?, CAST(string_to_array(?, ' ') AS BIGINT[]), ?) "
    "ON CONFLICT (address) DO UPDATE SET stamps = excluded.stamps, last_ms = excluded.last_ms",
    "DELETE FROM login_throttle_addresses WHERE address = ?"};
const StampTable kAccounts{
    "SELECT array_to_string(stamps, ' ') AS stamps FROM login_throttle_accounts WHERE account = ?",
    "INSERT INTO login_throttle_accounts(account, stamps, last_ms) "
    "VALUES (?, CAST(string_to_array(?, ' ') AS BIGINT[]), ?) "
    "ON CONFLICT (account) DO UPDATE SET stamps = excluded.stamps, last_ms = excluded.last_ms",
    "DELETE FROM login_throttle_accounts WHERE account = ?"};

class StoreState final : public ThrottleState {
 public:
  StoreState(store::Db& db, const core::Clock& clock, const ThrottleRules& rules)
      : db_(db), clock_(clock), rules_(rules) {}

  void exclusive(const std::function<void()>& body) override { db_.transaction(body); }
  void reading(const std::function<void()>& body) override { db_.read(body); }
  int64_t now_ms() const override { return clock_.now_ms(); }

  Pair pair(const std::string& account, const std::string& address) override {
    auto r = db_.query_one("SELECT failures, last_ms FROM login_throttle_pairs WHERE account = ? AND address = ?",
                           {account, address});
    return r ? pair_of(*r) : Pair{};
  }
  void set_pair(const std::string& account, const std::string& address, const Pair& p) override {
    db_.exec(
        "INSERT INTO login_throttle_pairs(account, address, failures, last_ms) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account, address) DO UPDATE SET failures = excluded.failures, last_ms = excluded.last_ms",
        {account, address, int64_t{p.failures}, p.last_ms});
  }
  void erase_pair(const std::string& account, const std::string& address) override {
    db_.exec("DELETE FROM login_throttle_pairs WHERE account = ? AND address = ?", {account, address});
  }
  std::vector<Pair> pairs_of(const std::string& account) override {
    std::vector<Pair> out;
    for (const auto& r : db_.query("SELECT failures, last_ms FROM login_throttle_pairs WHERE account = ?", {account}))
      out.push_back(pair_of(r));
    return out;
  }

  Stamps address(const std::string& address) override { return stamps(kAddresses, address); }
  void set_address(const std::string& address, const Stamps& q) override { set_stamps(kAddresses, address, q); }
  Stamps account(const std::string& account) override { return stamps(kAccounts, account); }
  void set_account(const std::string& account, const Stamps& q) override { set_stamps(kAccounts, account, q); }

  void erase_account(const std::string& account) override {
    db_.exec("DELETE FROM login_throttle_pairs WHERE account = ?", {account});
    db_.exec(kAccounts.erase, {account});
  }

  // A pair quiet for the forget time starts afresh, an address's stamps past the window and an account's past the
  // forget time count for nothing: their rows go.
  void forget(int64_t now) override {
    if (now - last_forget_ms_.load() < kForgetEveryMs) return;
    last_forget_ms_ = now;
    db_.exec("DELETE FROM login_throttle_pairs WHERE last_ms <= ?", {now - rules_.forget_ms()});
    db_.exec("DELETE FROM login_throttle_addresses WHERE last_ms <= ?", {now - rules_.address_window_ms()});
    db_.exec("DELETE FROM login_throttle_accounts WHERE last_ms <= ?", {now - rules_.forget_ms()});
  }

  size_t size() override {
    auto r = db_.query_one(
        "SELECT (SELECT COUNT(*) FROM login_throttle_pairs) + (SELECT COUNT(*) FROM login_throttle_addresses) + "
        "(SELECT COUNT(*) FROM login_throttle_accounts) AS n");
    return static_cast<size_t>(r->i64("n"));
  }

 private:
  static Pair pair_of(const store::Row& r) { return {static_cast<int>(r.i64("failures")), r.i64("last_ms")}; }

  Stamps stamps(const StampTable& t, const std::string& key) {
    auto r = db_.query_one(t.select, {key});
    return r ? parse_stamps(r->str("stamps")) : Stamps{};
  }
  void set_stamps(const StampTable& t, const std::string& key, const Stamps& q) {
    if (q.empty())
      db_.exec(t.erase, {key});
    else
      db_.exec(t.upsert, {key, stamps_text(q), q.back()});
  }

  store::Db& db_;
  const core::Clock& clock_;
  const ThrottleRules rules_;
  std::atomic<int64_t> last_forget_ms_{0};  // this server's last sweep
};

}  // namespace

std::unique_ptr<ThrottleState> throttle_state_in_store(store::Db& db, const core::Clock& clock,
                                                       const ThrottleRules& rules) {
  return std::make_unique<StoreState>(db, clock, rules);
}

}  // namespace watchfloor::auth
