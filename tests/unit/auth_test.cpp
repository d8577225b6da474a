// auth: passwords, the password policy and sessions (login throttling: throttle_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "auth/password.h"
#include "auth/sessions.h"
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
