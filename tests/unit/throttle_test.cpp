// Sign-in throttling (auth/throttle.h): the model, on both places its state lives (in memory; in the store's
// tables, on PostgreSQL only: WATCHFLOOR_TEST_PG), and two API servers sharing one store.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "auth/throttle.h"
#include "core/random.h"
#include "test_store.h"

namespace watchfloor::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

enum class Kept { in_memory, in_store };
std::string name_of(Kept k) { return k == Kept::in_memory ? "in_memory" : "in_store"; }
void PrintTo(Kept k, std::ostream* os) { *os << name_of(k); }

class ThrottleFixture : public ::testing::Test {
 protected:
  ThrottleFixture() {
    cfg_.login_free_failures = 5;
    cfg_.login_delay_s = 30;
    cfg_.login_max_delay_s = 900;
    cfg_.login_forget_minutes = 60;
    cfg_.login_max_attempts_per_address = 1000;  // out of the way unless a test is about it
    cfg_.login_address_window_minutes = 15;
    cfg_.login_account_alarm_failures = 0;
  }
  void TearDown() override {
    throttles_.clear();
    stores_.clear();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // A connection to the one store the test's servers share (PostgreSQL).
  store::Db& open_store() {
    if (dir_.empty()) dir_ = fs::path(::testing::TempDir()) / ("wf-throttle-" + core::random_token(6));
    stores_.push_back(test::open_store(dir_ / "watchfloor.db"));
    return *stores_.back();
  }
  // A throttle as an installation makes it; in the store, over `shared` or a connection of its own.
  LoginThrottle& throttle(Kept kept, size_t max_keys = 100'000, store::Db* shared = nullptr) {
    if (kept == Kept::in_store && !shared) shared = &open_store();
    throttles_.push_back(std::make_unique<LoginThrottle>(clock_, cfg_, shared, max_keys));
    return *throttles_.back();
  }
  // n admitted attempts that fail (the password was wrong): nothing to report back.
  static void fail(LoginThrottle& t, const std::string& account, const std::string& address, int n = 1) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(t.begin(account, address)) << account << "@" << address << " #" << i;
  }

  core::FakeClock clock_;
  core::SecurityConfig cfg_;
  fs::path dir_;
  std::vector<std::unique_ptr<store::Db>> stores_;
  std::vector<std::unique_ptr<LoginThrottle>> throttles_;
};

// The model, wherever the state lives.
class ThrottleTest : public ThrottleFixture, public ::testing::WithParamInterface<Kept> {
 protected:
  void SetUp() override {
    if (GetParam() == Kept::in_store && !test::on_postgres())
      GTEST_SKIP() << "the store keeps the throttle on PostgreSQL only (WATCHFLOOR_TEST_PG)";
  }
  LoginThrottle& throttle() { return ThrottleFixture::throttle(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Kept, ThrottleTest, ::testing::Values(Kept::in_memory, Kept::in_store),
                         [](const auto& info) { return name_of(info.param); });

TEST_P(ThrottleTest, FailuresFromOneAddressDoNotSlowTheAccountFromAnother) {
  auto& t = throttle();
  fail(t, "alice", "203.0.113.5", 5);
  auto refused = t.begin("alice", "203.0.113.5");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.retry_after_s, 30);
  // The officer at her own desk still gets to check the right password, and it works.
  auto desk = t.begin("alice", "10.1.2.3");
  ASSERT_TRUE(desk);
  t.succeeded("alice", "10.1.2.3", desk);
  EXPECT_TRUE(t.begin("bob", "203.0.113.5"));  // other accounts from the attacker's address too
  EXPECT_FALSE(t.begin("alice", "203.0.113.5"));  // while the attacker still waits
}

TEST_P(ThrottleTest, DelaysDoubleAfterTheFreeFailuresUpToTheCap) {
  auto& t = throttle();
  fail(t, "alice", "10.0.0.1", 5);
  std::vector<int> waits;
  for (int i = 0; i < 8; ++i) {
    auto r = t.begin("alice", "10.0.0.1");
    ASSERT_FALSE(r) << i;
    waits.push_back(r.retry_after_s);
    clock_.advance(std::chrono::seconds(r.retry_after_s) - 1ms);
    ASSERT_FALSE(t.begin("alice", "10.0.0.1")) << "a millisecond early, " << i;
    clock_.advance(1ms);
    fail(t, "alice", "10.0.0.1");  // the wait is over: one more guess, which fails
  }
  EXPECT_EQ(waits, (std::vector<int>{30, 60, 120, 240, 480, 900, 900, 900}));
}

TEST_P(ThrottleTest, WaitIsRoundedUpToWholeSeconds) {
  auto& t = throttle();
  fail(t, "alice", "10.0.0.1", 5);
  clock_.advance(1500ms);
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 29);  // 28.5 s left
}

TEST_P(ThrottleTest, TheRightPasswordForgivesTheAttemptAndClearsThePair) {
  auto& t = throttle();
  fail(t, "alice", "10.0.0.1", 4);
  auto right = t.begin("alice", "10.0.0.1");
  ASSERT_TRUE(right);
  t.succeeded("alice", "10.0.0.1", right);
  fail(t, "alice", "10.0.0.1", 5);  // five free failures again
  EXPECT_FALSE(t.begin("alice", "10.0.0.1"));
}

TEST_P(ThrottleTest, APairQuietForTheForgetTimeStartsAfresh) {
  auto& t = throttle();
  fail(t, "alice", "10.0.0.1", 5);
  clock_.advance(59min);
  fail(t, "alice", "10.0.0.1");  // the 30 s delay is long over, but the count is remembered
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 60);
  clock_.advance(60min);
  fail(t, "alice", "10.0.0.1", 5);
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 30);
}

TEST_P(ThrottleTest, ConcurrentAttemptsEachUseUpBudgetBeforeThePasswordIsChecked) {
  auto& t = throttle();
  // 30 guesses at once; none reports back, as if all their (slow) password checks were still running.
  std::latch start(30);
  std::atomic<int> admitted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i)
    threads.emplace_back([&] {
      start.arrive_and_wait();
      if (t.begin("alice", "10.0.0.1")) ++admitted;
      else ++refused;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 5);
  EXPECT_EQ(refused.load(), 25);
}

TEST_P(ThrottleTest, AddressLimitCountsRefusedAttempts) {
  cfg_.login_max_attempts_per_address = 10;
  auto& t = throttle();
  fail(t, "alice", "203.0.113.5", 5);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(t.begin("alice", "203.0.113.5")) << i;  // throttled, and counted
  auto r = t.begin("bob", "203.0.113.5");  // a fresh account: the address itself is now out
  ASSERT_FALSE(r);
  EXPECT_GT(r.retry_after_s, 14 * 60);
  EXPECT_TRUE(t.begin("bob", "198.51.100.7"));  // another address is not
  // Hammering while refused keeps the address out: the window slides with the refused attempts.
  for (int i = 0; i < 20; ++i) {
    clock_.advance(1min);
    EXPECT_FALSE(t.begin("carol" + std::to_string(i), "203.0.113.5")) << i;
  }
  clock_.advance(15min);
  EXPECT_TRUE(t.begin("carol", "203.0.113.5"));
}

TEST_P(ThrottleTest, AddressLimitStopsOneAddressTryingManyAccounts) {
  cfg_.login_max_attempts_per_address = 10;
  auto& t = throttle();
  for (int i = 0; i < 10; ++i) fail(t, "user" + std::to_string(i), "203.0.113.5");
  EXPECT_FALSE(t.begin("user10", "203.0.113.5"));
}

TEST_P(ThrottleTest, RightPasswordsDoNotFillTheAddressLimit) {
  cfg_.login_max_attempts_per_address = 3;
  auto& t = throttle();  // an office behind one address, everyone signing in at shift change
  for (int i = 0; i < 20; ++i) {
    auto a = t.begin("officer" + std::to_string(i), "10.0.0.1");
    ASSERT_TRUE(a) << i;
    t.succeeded("officer" + std::to_string(i), "10.0.0.1", a);
  }
}

TEST_P(ThrottleTest, ZeroAddressLimitDisablesIt) {
  cfg_.login_max_attempts_per_address = 0;
  auto& t = throttle();
  for (int i = 0; i < 100; ++i) fail(t, "user" + std::to_string(i), "203.0.113.5");
}

TEST_P(ThrottleTest, AccountSafetyNetSlowsFailedAddressesButNeverAFreshOne) {
  cfg_.login_account_alarm_failures = 20;
  auto& t = throttle();
  // Twenty addresses, one guess each: none reaches its free failures, but the account is under attack.
  for (int i = 0; i < 19; ++i) fail(t, "alice", "198.51.100." + std::to_string(i));
  EXPECT_TRUE(t.begin("alice", "198.51.100.0"));  // the 20th failure; the net is not tripped before it
  auto r = t.begin("alice", "198.51.100.1");
  ASSERT_FALSE(r);  // free failures are over for every address that has failed
  EXPECT_EQ(r.retry_after_s, 30);
  auto desk = t.begin("alice", "10.1.2.3");  // the owner's desk has no failure: never refused by the net
  ASSERT_TRUE(desk);
  t.succeeded("alice", "10.1.2.3", desk);
  EXPECT_TRUE(t.begin("bob", "198.51.100.1"));
}

TEST_P(ThrottleTest, UnlockClearsTheAccountForEveryAddress) {
  auto& t = throttle();
  fail(t, "alice", "10.0.0.2", 5);
  clock_.advance(30s);
  fail(t, "alice", "10.0.0.2");  // now 60 s to wait there
  fail(t, "alice", "10.0.0.1", 5);  // 30 s here
  fail(t, "bob", "10.0.0.1", 5);
  auto until = t.throttled_until("alice");
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, clock_.now_ms() + 60'000);  // the longer of the two waits
  EXPECT_FALSE(t.throttled_until("carol"));
  t.unlock("alice");
  EXPECT_FALSE(t.throttled_until("alice"));
  EXPECT_TRUE(t.begin("alice", "10.0.0.1"));
  EXPECT_TRUE(t.begin("alice", "10.0.0.2"));
  EXPECT_FALSE(t.begin("bob", "10.0.0.1"));  // only that account
}

// ---- in memory: one server --------------------------------------------------------------------

class ThrottleInMemory : public ThrottleFixture {};

TEST_F(ThrottleInMemory, MemoryIsBoundedAndAFloodDoesNotEvictPenalties) {
  auto& t = throttle(Kept::in_memory, 50);
  fail(t, "alice", "203.0.113.5", 5);
  ASSERT_FALSE(t.begin("alice", "203.0.113.5"));
  // Ten thousand distinct usernames from distinct addresses, one guess each.
  for (int i = 0; i < 10'000; ++i) {
    t.begin("flood" + std::to_string(i), "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1");
    ASSERT_LE(t.tracked(), 150u) << i;
  }
  auto r = t.begin("alice", "203.0.113.5");
  ASSERT_FALSE(r) << "the flood evicted the attacker's own penalty";
  EXPECT_GT(r.retry_after_s, 0);
}

// ---- in the store: several API servers on one PostgreSQL -------------------------------------

class ThrottleShared : public ThrottleFixture {
 protected:
  void SetUp() override {
    if (!test::on_postgres()) GTEST_SKIP() << "several servers share a PostgreSQL store (WATCHFLOOR_TEST_PG)";
  }
};

TEST_F(ThrottleShared, FailuresSpreadOverTwoServersHitTheSameLimits) {
  cfg_.login_max_attempts_per_address = 12;
  auto& a = throttle(Kept::in_store);
  auto& b = throttle(Kept::in_store);
  for (int i = 0; i < 5; ++i) fail(i % 2 ? b : a, "alice", "203.0.113.5");
  // The sixth guess waits on either server, as it would on one.
  auto on_a = a.begin("alice", "203.0.113.5");
  ASSERT_FALSE(on_a);
  EXPECT_EQ(on_a.retry_after_s, 30);
  EXPECT_FALSE(b.begin("alice", "203.0.113.5"));
  EXPECT_EQ(*a.throttled_until("alice"), clock_.now_ms() + 30'000);
  EXPECT_EQ(*b.throttled_until("alice"), clock_.now_ms() + 30'000);
  // The wait over, the next failure doubles it on both.
  clock_.advance(30s);
  fail(b, "alice", "203.0.113.5");
  EXPECT_EQ(a.begin("alice", "203.0.113.5").retry_after_s, 60);
  // The address has used 5 + 2 + 1 + 1 of its 12 attempts, on both servers together: three are left.
  fail(a, "bob", "203.0.113.5");
  fail(b, "carol", "203.0.113.5");
  fail(a, "dave", "203.0.113.5");
  EXPECT_FALSE(b.begin("erin", "203.0.113.5"));
  EXPECT_FALSE(a.begin("erin", "203.0.113.5"));
  EXPECT_TRUE(b.begin("erin", "198.51.100.7"));  // another address is not
}

TEST_F(ThrottleShared, TheSafetyNetCountsFailuresOnEveryServer) {
  cfg_.login_account_alarm_failures = 20;
  auto& a = throttle(Kept::in_store);
  auto& b = throttle(Kept::in_store);
  for (int i = 0; i < 20; ++i) fail(i % 2 ? b : a, "alice", "198.51.100." + std::to_string(i));
  EXPECT_EQ(a.begin("alice", "198.51.100.1").retry_after_s, 30);  // failed once, through b
  EXPECT_EQ(b.begin("alice", "198.51.100.0").retry_after_s, 30);  // failed once, through a
  auto desk = b.begin("alice", "10.1.2.3");
  ASSERT_TRUE(desk);
  b.succeeded("alice", "10.1.2.3", desk);
}

TEST_F(ThrottleShared, AnUnlockOnOneServerClearsTheOther) {
  auto& a = throttle(Kept::in_store);
  auto& b = throttle(Kept::in_store);
  fail(a, "alice", "203.0.113.5", 3);
  fail(b, "alice", "203.0.113.5", 2);
  fail(b, "bob", "203.0.113.5", 5);
  ASSERT_FALSE(b.begin("alice", "203.0.113.5"));
  ASSERT_TRUE(b.throttled_until("alice"));
  a.unlock("alice");
  EXPECT_FALSE(b.throttled_until("alice"));
  auto in = b.begin("alice", "203.0.113.5");
  ASSERT_TRUE(in);
  b.succeeded("alice", "203.0.113.5", in);
  EXPECT_FALSE(a.begin("bob", "203.0.113.5"));  // only that account
}

TEST_F(ThrottleShared, TheRightPasswordOnOneServerClearsThePairOnTheOther) {
  auto& a = throttle(Kept::in_store);
  auto& b = throttle(Kept::in_store);
  fail(a, "alice", "10.0.0.1", 4);
  auto right = b.begin("alice", "10.0.0.1");
  ASSERT_TRUE(right);
  b.succeeded("alice", "10.0.0.1", right);
  fail(a, "alice", "10.0.0.1", 5);  // five free failures again
  EXPECT_FALSE(b.begin("alice", "10.0.0.1"));
}

TEST_F(ThrottleShared, ConcurrentAttemptsOnTwoServersNeverGetMoreThanTheFreeFailures) {
  auto& a = throttle(Kept::in_store);
  auto& b = throttle(Kept::in_store);
  // 30 guesses at once, half on each server; none reports back, as if all their password checks were running.
  std::latch start(30);
  std::atomic<int> admitted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      if ((i % 2 ? a : b).begin("alice", "10.0.0.1")) ++admitted;
      else ++refused;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 5);
  EXPECT_EQ(refused.load(), 25);
}

TEST_F(ThrottleShared, RowsGoOnceTheirWindowsHavePassed) {
  cfg_.login_account_alarm_failures = 20;
  auto& a = throttle(Kept::in_store);
  for (int i = 0; i < 40; ++i) fail(a, "flood" + std::to_string(i % 4), "10.0.0." + std::to_string(i));
  fail(a, "alice", "203.0.113.5", 5);
  ASSERT_FALSE(a.begin("alice", "203.0.113.5"));
  EXPECT_EQ(a.tracked(), 41u + 41u + 5u);  // pairs, addresses, accounts
  // Within the forget time a pair's count is remembered.
  clock_.advance(59min);
  fail(a, "bob", "10.9.9.9");
  fail(a, "alice", "203.0.113.5");
  EXPECT_EQ(a.begin("alice", "203.0.113.5").retry_after_s, 60);
  EXPECT_EQ(a.tracked(), 42u + 2u + 6u);  // the addresses' windows (15 min) are over
  clock_.advance(61min);
  fail(a, "carol", "10.9.9.10");
  EXPECT_EQ(a.tracked(), 3u);  // carol's pair, address and failures: the rest was forgotten
}

}  // namespace
}  // namespace watchfloor::auth
