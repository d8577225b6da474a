#pragma once
// Every timer and timestamp reads a Clock, so that tests drive time without sleeping.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace watchfloor::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // A reading that never steps (CLOCK_MONOTONIC): intervals, and the recorder's frame receipt times.
  virtual int64_t mono_ns() const = 0;
  int64_t now_ms() const;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  int64_t mono_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
};

// A clock that only moves when a test moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'767'225'600'000) : ms_(start_ms) {}  // 2026-01-01T00:00:00Z
  TimePoint now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  // Moves with advance(); set_ms() steps the real-time reading only, as a clock step would.
  int64_t mono_ns() const override { return mono_ms_.load() * 1'000'000; }
  void set_ms(int64_t ms) { ms_ = ms; }
  void advance(std::chrono::milliseconds d) {
    ms_ += d.count();
    mono_ms_ += d.count();
  }

 private:
  std::atomic<int64_t> ms_;
  std::atomic<int64_t> mono_ms_{1'000'000};
};

int64_t to_ms(TimePoint t);
TimePoint from_ms(int64_t ms);
// "2026-11-28T01:02:03.004Z"
std::string iso8601(int64_t ms);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" and "YYYY-MM-DD" (midnight UTC).
std::optional<int64_t> parse_iso8601(std::string_view s);

}  // namespace watchfloor::core
