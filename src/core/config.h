#pragma once
#include <cstddef>
#include <filesystem>
#include <string>

namespace watchfloor::core {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  int threads = 4;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int max_connections = 512;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  // How often an open WebSocket re-checks its login session (logout, expiry, deactivation).
  int ws_session_check_s = 20;
  std::filesystem::path web_root;  // empty: web/dist beside the build directory
};

struct SecurityConfig {
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int login_max_failures_per_user = 5;
  int login_max_failures_per_ip = 20;
  int login_window_minutes = 15;
};

struct Config {
  std::filesystem::path data_dir = "./var";
  ServerConfig server;
  SecurityConfig security;
};

// Reads a TOML file. Unknown keys and wrong types are errors (std::runtime_error naming the key),
// because a misspelt setting that silently falls back to a default is worse than refusing to start.
Config load_config(const std::filesystem::path& file);

}  // namespace watchfloor::core
