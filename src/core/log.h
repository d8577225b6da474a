#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace watchfloor::core {

// At most max_bytes of s, cut on a UTF-8 character boundary, with "…" when something was cut.
std::string truncate_utf8(std::string_view s, size_t max_bytes);

// Every line is bounded: a message is cut at kMaxLogMessageBytes, and each string inside a JSON
// line at kMaxLogStringBytes, so that a megabyte of input never becomes a megabyte of log.
inline constexpr size_t kMaxLogMessageBytes = 4096;
inline constexpr size_t kMaxLogStringBytes = 1024;

// Human log lines go to stderr through spdlog; call once at start.
void init_logging(bool verbose = false);
void log_info(std::string_view message);
void log_warn(std::string_view message);
void log_error(std::string_view message);
// One JSON object per line (access log, structured events). Callers never put secrets in `line`.
void log_json(const nlohmann::json& line);

}  // namespace watchfloor::core
