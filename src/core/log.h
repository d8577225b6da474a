#pragma once
#include <nlohmann/json.hpp>
#include <string_view>

namespace watchfloor::core {

// Human log lines go to stderr through spdlog; call once at start.
void init_logging(bool verbose = false);
void log_info(std::string_view message);
void log_warn(std::string_view message);
void log_error(std::string_view message);
// One JSON object per line (access log, structured events). Callers never put secrets in `line`.
void log_json(const nlohmann::json& line);

}  // namespace watchfloor::core
