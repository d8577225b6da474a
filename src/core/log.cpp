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
}  // namespace

void init_logging(bool verbose) {
  auto l = spdlog::stderr_logger_mt("watchfloor");
  l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(l);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::flush_on(spdlog::level::info);
  json_logger();
}

void log_info(std::string_view m) { spdlog::info("{}", m); }
void log_warn(std::string_view m) { spdlog::warn("{}", m); }
void log_error(std::string_view m) { spdlog::error("{}", m); }

void log_json(const nlohmann::json& line) {
  json_logger()->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  json_logger()->flush();
}

}  // namespace watchfloor::core
