// GCC 12 at -O3 reports a false "may be used uninitialized" inside date::parse's seconds handling,
// after inlining, so the suppression has to cover the whole file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "core/clock.h"

#include <date/date.h>

#include <sstream>

namespace watchfloor::core {

int64_t Clock::now_ms() const { return to_ms(now()); }

int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_ms(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

std::string iso8601(int64_t ms) {
  return date::format("%FT%TZ", date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
  std::string str(s);
  date::sys_time<std::chrono::milliseconds> tp;
  for (const char* fmt : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in(str);
    in >> date::parse(fmt, tp);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return tp.time_since_epoch().count();
  }
  if (str.size() == 10) {
    date::sys_days day;
    std::istringstream in(str);
    in >> date::parse("%F", day);
    if (!in.fail()) return date::sys_time<std::chrono::milliseconds>(day).time_since_epoch().count();
  }
  return std::nullopt;
}

}  // namespace watchfloor::core
