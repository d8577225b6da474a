#include "auth/throttle.h"

namespace watchfloor::auth {

std::optional<int> LoginThrottle::check(std::deque<int64_t>& q, int limit, int64_t now) {
  int64_t window = int64_t(cfg_.login_window_minutes) * 60'000;
  while (!q.empty() && now - q.front() >= window) q.pop_front();
  if (limit <= 0 || static_cast<int>(q.size()) < limit) return std::nullopt;
  int64_t wait_ms = q.front() + window - now;
  return static_cast<int>((wait_ms + 999) / 1000);
}

std::optional<int> LoginThrottle::blocked(const std::string& username, const std::string& ip) {
  std::lock_guard lock(mu_);
  int64_t now = clock_.now_ms();
  auto u = check(by_user_[username], cfg_.login_max_failures_per_user, now);
  auto a = check(by_ip_[ip], cfg_.login_max_failures_per_ip, now);
  if (u && a) return std::max(*u, *a);
  return u ? u : a;
}

void LoginThrottle::failure(const std::string& username, const std::string& ip) {
  std::lock_guard lock(mu_);
  int64_t now = clock_.now_ms();
  by_user_[username].push_back(now);
  by_ip_[ip].push_back(now);
  // Bound memory under a flood of distinct usernames: forget quiet keys.
  if (by_user_.size() > 100'000) by_user_.clear();
  if (by_ip_.size() > 100'000) by_ip_.clear();
}

void LoginThrottle::success(const std::string& username) {
  std::lock_guard lock(mu_);
  by_user_.erase(username);
}

}  // namespace watchfloor::auth
