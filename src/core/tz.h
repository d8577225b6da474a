#pragma once
#include <string_view>

namespace watchfloor::core {

inline constexpr std::string_view kDefaultTimeZone = "Asia/Ho_Chi_Minh";

// True when the IANA time-zone database of the system knows the name.
bool is_valid_time_zone(std::string_view name);

}  // namespace watchfloor::core
