#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace watchfloor::core {
namespace {
std::shared_ptr<spdlog::logger> json_logger() {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("json");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}
// Cuts every long string (values and keys) in place; depth is bounded by whoever parsed the value.
void bound_strings(nlohmann::json& j) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (s.size() > kMaxLogStringBytes) s = truncate_utf8(s, kMaxLogStringBytes);
  } else if (j.is_array()) {
    for (auto& x : j) bound_strings(x);
  } else if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : j.items()) {
      bound_strings(v);
      out[k.size() > kMaxLogStringBytes ? truncate_utf8(k, kMaxLogStringBytes) : k] = std::move(v);
    }
    j = std::move(out);
  }
}
}  // namespace

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes >= 3 ? max_bytes - 3 : 0;  // room for "…"
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "\u2026";
}

void init_logging(bool verbose) {
  auto l = spdlog::stderr_logger_mt("watchfloor");
  l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(l);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::flush_on(spdlog::level::info);
  json_logger();
}

void log_info(std::string_view m) { spdlog::info("{}", truncate_utf8(m, kMaxLogMessageBytes)); }
void log_warn(std::string_view m) { spdlog::warn("{}", truncate_utf8(m, kMaxLogMessageBytes)); }
void log_error(std::string_view m) { spdlog::error("{}", truncate_utf8(m, kMaxLogMessageBytes)); }

void log_json(const nlohmann::json& line) {
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxLogMessageBytes) {
    auto bounded = line;
    bound_strings(bounded);
    text = bounded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  json_logger()->info(text);
  json_logger()->flush();
}

}  // namespace watchfloor::core
