// auth: passwords, the password policy, login throttling and sessions.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <thread>
#include <vector>

#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/throttle.h"
#include "core/hash.h"
#include "core/random.h"
#include "test_store.h"

namespace watchfloor::auth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---- passwords -----------------------------------------------------------------------------

TEST(Password, HashVerifiesOnlyTheRightPassword) {
  auto hash = hash_password("Giám-sát 2026!");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("Giám-sát"), std::string::npos);
  EXPECT_TRUE(verify_password(hash, "Giám-sát 2026!"));
  EXPECT_FALSE(verify_password(hash, "Giám-sát 2026"));
  EXPECT_FALSE(verify_password(hash, "giám-sát 2026!"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_FALSE(verify_password("not a hash", "Giám-sát 2026!"));
  EXPECT_FALSE(verify_password("", ""));
}

TEST(Password, SamePasswordGetsADifferentSalt) {
  EXPECT_NE(hash_password("Same-Password-1"), hash_password("Same-Password-1"));
}

std::vector<std::string> messages(const std::vector<core::FieldError>& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.message_en);
  return out;
}

TEST(PasswordPolicy, AcceptsALongMixedPassword) {
  EXPECT_TRUE(check_password_policy("Tram-Kiem-Soat-7", "nguyen.van.a").empty());
  EXPECT_TRUE(check_password_policy("correct horse 7 battery", "").empty());  // lower, digit, symbol
  EXPECT_TRUE(check_password_policy(core::random_password(), "admin").empty());
}

TEST(PasswordPolicy, RefusesShortPasswords) {
  auto errs = check_password_policy("Ab1!Ab1!Ab1", "user");  // 11 characters
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "password");
  EXPECT_NE(errs[0].message_en.find("12"), std::string::npos);
  EXPECT_FALSE(errs[0].message_vi.empty());
  EXPECT_TRUE(check_password_policy("Ab1!Ab1!Ab1!", "user").empty());  // 12 is enough
}

TEST(PasswordPolicy, LengthCountsCharactersNotBytes) {
  // 11 Vietnamese characters are more than 12 bytes but still too short.
  auto errs = check_password_policy("Đội1Độiaaaa", "x");
  ASSERT_FALSE(errs.empty());
  EXPECT_NE(errs[0].message_en.find("at least 12"), std::string::npos);
}

TEST(PasswordPolicy, RefusesTooFewCharacterClasses) {
  for (const char* pw : {"alllowercaseletters", "ALLUPPERCASELETTERS", "123456789012345", "lowerUPPERlowerUPPER",
                         "lower12345lower"}) {
    auto errs = check_password_policy(pw, "user");
    ASSERT_EQ(errs.size(), 1u) << pw;
    EXPECT_NE(errs[0].message_en.find("at least 3"), std::string::npos) << pw;
  }
}

TEST(PasswordPolicy, RefusesThePasswordContainingTheUsername) {
  auto errs = check_password_policy("My-nvan.a-2026", "nvan.a");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].message_en.find("username"), std::string::npos);
  // Case does not hide it.
  EXPECT_EQ(messages(check_password_policy("My-NVAN.A-2026", "nvan.a")), messages(errs));
}

TEST(PasswordPolicy, ReportsEveryProblemUnderTheGivenField) {
  auto errs = check_password_policy("admin", "admin", "new_password");
  EXPECT_EQ(errs.size(), 3u);  // short, one class, contains the username
  for (const auto& e : errs) EXPECT_EQ(e.field, "new_password");
}

// ---- login throttling ----------------------------------------------------------------------

class ThrottleTest : public ::testing::Test {
 protected:
  ThrottleTest() {
    cfg_.login_free_failures = 5;
    cfg_.login_delay_s = 30;
    cfg_.login_max_delay_s = 900;
    cfg_.login_forget_minutes = 60;
    cfg_.login_max_attempts_per_address = 1000;  // out of the way unless a test is about it
    cfg_.login_address_window_minutes = 15;
    cfg_.login_account_alarm_failures = 0;
  }
  // n admitted attempts that fail (the password was wrong): nothing to report back.
  static void fail(LoginThrottle& t, const std::string& account, const std::string& address, int n = 1) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(t.begin(account, address)) << account << "@" << address << " #" << i;
  }
  core::FakeClock clock_;
  core::SecurityConfig cfg_;
};

TEST_F(ThrottleTest, FailuresFromOneAddressDoNotSlowTheAccountFromAnother) {
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, DelaysDoubleAfterTheFreeFailuresUpToTheCap) {
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, WaitIsRoundedUpToWholeSeconds) {
  LoginThrottle t(clock_, cfg_);
  fail(t, "alice", "10.0.0.1", 5);
  clock_.advance(1500ms);
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 29);  // 28.5 s left
}

TEST_F(ThrottleTest, TheRightPasswordForgivesTheAttemptAndClearsThePair) {
  LoginThrottle t(clock_, cfg_);
  fail(t, "alice", "10.0.0.1", 4);
  auto right = t.begin("alice", "10.0.0.1");
  ASSERT_TRUE(right);
  t.succeeded("alice", "10.0.0.1", right);
  fail(t, "alice", "10.0.0.1", 5);  // five free failures again
  EXPECT_FALSE(t.begin("alice", "10.0.0.1"));
}

TEST_F(ThrottleTest, APairQuietForTheForgetTimeStartsAfresh) {
  LoginThrottle t(clock_, cfg_);
  fail(t, "alice", "10.0.0.1", 5);
  clock_.advance(59min);
  fail(t, "alice", "10.0.0.1");  // the 30 s delay is long over, but the count is remembered
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 60);
  clock_.advance(60min);
  fail(t, "alice", "10.0.0.1", 5);
  EXPECT_EQ(t.begin("alice", "10.0.0.1").retry_after_s, 30);
}

TEST_F(ThrottleTest, ConcurrentAttemptsEachUseUpBudgetBeforeThePasswordIsChecked) {
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, AddressLimitCountsRefusedAttempts) {
  cfg_.login_max_attempts_per_address = 10;
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, AddressLimitStopsOneAddressTryingManyAccounts) {
  cfg_.login_max_attempts_per_address = 10;
  LoginThrottle t(clock_, cfg_);
  for (int i = 0; i < 10; ++i) fail(t, "user" + std::to_string(i), "203.0.113.5");
  EXPECT_FALSE(t.begin("user10", "203.0.113.5"));
}

TEST_F(ThrottleTest, RightPasswordsDoNotFillTheAddressLimit) {
  cfg_.login_max_attempts_per_address = 3;
  LoginThrottle t(clock_, cfg_);  // an office behind one address, everyone signing in at shift change
  for (int i = 0; i < 20; ++i) {
    auto a = t.begin("officer" + std::to_string(i), "10.0.0.1");
    ASSERT_TRUE(a) << i;
    t.succeeded("officer" + std::to_string(i), "10.0.0.1", a);
  }
}

TEST_F(ThrottleTest, ZeroAddressLimitDisablesIt) {
  cfg_.login_max_attempts_per_address = 0;
  LoginThrottle t(clock_, cfg_);
  for (int i = 0; i < 100; ++i) fail(t, "user" + std::to_string(i), "203.0.113.5");
}

TEST_F(ThrottleTest, AccountSafetyNetSlowsFailedAddressesButNeverAFreshOne) {
  cfg_.login_account_alarm_failures = 20;
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, UnlockClearsTheAccountForEveryAddress) {
  LoginThrottle t(clock_, cfg_);
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

TEST_F(ThrottleTest, MemoryIsBoundedAndAFloodDoesNotEvictPenalties) {
  LoginThrottle t(clock_, cfg_, 50);
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

// ---- sessions ------------------------------------------------------------------------------

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-sessions-" + core::random_token(6));
    db_ = test::open_store(dir_ / "watchfloor.db");
    db_->exec("INSERT INTO units(id, code, kind, name_vi, name_en, time_zone, created_at, updated_at) "
              "VALUES (1, 'HQ', 'headquarters', 'Tổng cục', 'HQ', 'Asia/Ho_Chi_Minh', 0, 0)");
    for (int64_t id : {1, 2})
      db_->exec("INSERT INTO users(id, username, full_name, unit_id, password_hash, created_at) VALUES (?,?,?,1,'x',0)",
                {id, "user" + std::to_string(id), std::string("Người dùng")});
    cfg_.session_idle_minutes = 30;
    cfg_.session_absolute_hours = 12;
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  int64_t rows() { return db_->query_one("SELECT COUNT(*) FROM sessions")->i64(0); }

  fs::path dir_;
  core::FakeClock clock_;
  core::SecurityConfig cfg_;
  std::unique_ptr<store::Db> db_;
};

TEST_F(SessionsTest, CreateThenFind) {
  Sessions s(*db_, clock_, cfg_);
  auto created = s.create(1, "10.0.0.1");
  EXPECT_GE(created.token.size(), 40u);
  EXPECT_FALSE(created.csrf_token.empty());
  EXPECT_NE(created.token, created.csrf_token);
  auto found = s.find(created.token);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, 1);
  EXPECT_EQ(found->csrf_token, created.csrf_token);
  EXPECT_EQ(found->created_at, clock_.now_ms());
  EXPECT_FALSE(s.find("not-a-token"));
  EXPECT_FALSE(s.find(""));
  EXPECT_FALSE(s.find(std::string(5000, 'a')));
}

TEST_F(SessionsTest, OnlyAHashOfTheTokenIsStored) {
  Sessions s(*db_, clock_, cfg_);
  auto created = s.create(1, "10.0.0.1");
  auto row = db_->query_one("SELECT token_hash FROM sessions");
  ASSERT_TRUE(row);
  EXPECT_NE(row->str(0), created.token);
  EXPECT_EQ(row->str(0), core::sha256_hex(created.token));
  EXPECT_FALSE(db_->query_one("SELECT 1 FROM sessions WHERE token_hash = ? OR csrf_token = ? OR ip = ?",
                              {created.token, created.token, created.token}));
}

TEST_F(SessionsTest, IdleSessionExpires) {
  Sessions s(*db_, clock_, cfg_);
  auto created = s.create(1, "10.0.0.1");
  clock_.advance(30min);
  EXPECT_TRUE(s.find(created.token));  // exactly at the limit: still alive
  clock_.advance(30min + 1ms);
  EXPECT_FALSE(s.find(created.token));
  EXPECT_EQ(rows(), 0);  // removed, not only hidden
}

TEST_F(SessionsTest, ActivityKeepsTheSessionAliveUntilTheAbsoluteLimit) {
  Sessions s(*db_, clock_, cfg_);
  auto created = s.create(1, "10.0.0.1");
  for (int i = 0; i < 35; ++i) {  // 35 × 20 min = 11 h 40 min of steady use
    clock_.advance(20min);
    ASSERT_TRUE(s.find(created.token)) << "after " << (i + 1) * 20 << " minutes";
  }
  clock_.advance(20min);  // 12 h 00 min: at the limit
  EXPECT_TRUE(s.find(created.token));
  clock_.advance(1min);
  EXPECT_FALSE(s.find(created.token));
  EXPECT_EQ(rows(), 0);
}

TEST_F(SessionsTest, RemoveEndsOneSession) {
  Sessions s(*db_, clock_, cfg_);
  auto a = s.create(1, "10.0.0.1");
  auto b = s.create(1, "10.0.0.2");
  s.remove(a.token);
  EXPECT_FALSE(s.find(a.token));
  EXPECT_TRUE(s.find(b.token));
}

TEST_F(SessionsTest, RemoveAllForUserKeepsTheGivenTokenAndOtherUsers) {
  Sessions s(*db_, clock_, cfg_);
  auto a = s.create(1, "10.0.0.1");
  auto b = s.create(1, "10.0.0.2");
  auto c = s.create(1, "10.0.0.3");
  auto other = s.create(2, "10.0.0.4");
  s.remove_all_for_user(1, b.token);
  EXPECT_FALSE(s.find(a.token));
  EXPECT_TRUE(s.find(b.token));
  EXPECT_FALSE(s.find(c.token));
  EXPECT_TRUE(s.find(other.token));

  s.remove_all_for_user(1);
  EXPECT_FALSE(s.find(b.token));
  EXPECT_TRUE(s.find(other.token));
}

TEST_F(SessionsTest, SessionsDieWithTheirUser) {
  Sessions s(*db_, clock_, cfg_);
  auto a = s.create(2, "10.0.0.1");
  db_->exec("DELETE FROM users WHERE id = 2");
  EXPECT_FALSE(s.find(a.token));
}

}  // namespace
}  // namespace watchfloor::auth
