#pragma once
// Login throttling: too many failures for one username, or from one address, inside a sliding
// window block further attempts (even with the right password) until the window has passed.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/config.h"

namespace watchfloor::auth {

class LoginThrottle {
 public:
  LoginThrottle(const core::Clock& clock, const core::SecurityConfig& cfg) : clock_(clock), cfg_(cfg) {}
  // Seconds to wait when blocked.
  std::optional<int> blocked(const std::string& username, const std::string& ip);
  void failure(const std::string& username, const std::string& ip);
  void success(const std::string& username);

 private:
  std::optional<int> check(std::deque<int64_t>& q, int limit, int64_t now);
  const core::Clock& clock_;
  core::SecurityConfig cfg_;
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> by_user_, by_ip_;
};

}  // namespace watchfloor::auth
