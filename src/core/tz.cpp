#include "core/tz.h"

#include <date/tz.h>

#include <string>

namespace watchfloor::core {

bool is_valid_time_zone(std::string_view name) {
  if (name.empty()) return false;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace watchfloor::core
