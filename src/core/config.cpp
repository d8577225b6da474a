#include "core/config.h"

#include <fmt/format.h>

#include <limits>
#include <set>
#include <stdexcept>
#include <toml++/toml.h>

namespace watchfloor::core {
namespace {

template <typename T>
void read(const toml::table& t, std::string_view section, std::string_view key, T& out) {
  const auto* node = t.get(key);
  if (!node) return;
  if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const auto* a = node->as_array();
    if (!a) throw std::runtime_error(fmt::format("config: {}{} must be an array of strings", section, key));
    out.clear();
    for (const auto& item : *a) {
      auto v = item.value<std::string>();
      if (!v) throw std::runtime_error(fmt::format("config: {}{} must be an array of strings", section, key));
      out.push_back(*v);
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    auto v = node->value_exact<bool>();
    if (!v) throw std::runtime_error(fmt::format("config: {}{} must be true or false", section, key));
    out = *v;
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
    auto v = node->value<std::string>();
    if (!v) throw std::runtime_error(fmt::format("config: {}{} must be a string", section, key));
    out = *v;
  } else {
    // value_exact: toml++'s value() would also turn `true` into 1 and `4.0` into 4; range-checked so
    // that a huge number is refused instead of wrapping around.
    auto v = node->value_exact<int64_t>();
    if (!v || *v < 0 || static_cast<uint64_t>(*v) > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      throw std::runtime_error(fmt::format("config: {}{} must be a non-negative integer", section, key));
    out = static_cast<T>(*v);
  }
}

void reject_unknown(const toml::table& t, std::string_view section, const std::set<std::string_view>& known) {
  for (const auto& [k, _] : t)
    if (!known.count(k.str())) throw std::runtime_error(fmt::format("config: unknown setting {}{}", section, k.str()));
}

}  // namespace

Config load_config(const std::filesystem::path& file) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(fmt::format("config: {}: {}", file.string(), e.description()));
  }
  Config c;
  reject_unknown(root, "", {"data_dir", "server", "security", "recorder", "store", "audit", "evidence", "sharing", "node", "nodes"});
  read(root, "", "data_dir", c.data_dir);
  if (c.data_dir.is_relative() && root.get("data_dir"))
    c.data_dir = std::filesystem::absolute(file).parent_path() / c.data_dir;
  if (const auto* s = root.get_as<toml::table>("server")) {
    reject_unknown(*s, "server.", {"listen", "threads", "max_body_bytes", "max_header_bytes", "max_connections",
                                   "max_connections_per_ip", "header_timeout_s", "idle_timeout_s", "read_timeout_s",
                                   "write_timeout_s", "ws_session_check_s", "ws_max_per_user", "live_max_per_user", "web_root", "tls_cert",
                                   "tls_key", "trusted_proxies", "metrics_listen", "metrics_token"});
    auto& v = c.server;
    read(*s, "server.", "listen", v.listen);
    read(*s, "server.", "threads", v.threads);
    read(*s, "server.", "max_body_bytes", v.max_body_bytes);
    read(*s, "server.", "max_header_bytes", v.max_header_bytes);
    read(*s, "server.", "max_connections", v.max_connections);
    read(*s, "server.", "max_connections_per_ip", v.max_connections_per_ip);
    read(*s, "server.", "header_timeout_s", v.header_timeout_s);
    read(*s, "server.", "idle_timeout_s", v.idle_timeout_s);
    read(*s, "server.", "read_timeout_s", v.read_timeout_s);
    read(*s, "server.", "write_timeout_s", v.write_timeout_s);
    read(*s, "server.", "ws_session_check_s", v.ws_session_check_s);
    read(*s, "server.", "ws_max_per_user", v.ws_max_per_user);
    read(*s, "server.", "live_max_per_user", v.live_max_per_user);
    read(*s, "server.", "web_root", v.web_root);
    read(*s, "server.", "tls_cert", v.tls_cert);
    read(*s, "server.", "tls_key", v.tls_key);
    read(*s, "server.", "trusted_proxies", v.trusted_proxies);
    if (v.tls_cert.empty() != v.tls_key.empty())
      throw std::runtime_error("config: server.tls_cert and server.tls_key must be set together");
    if (v.header_timeout_s < 1 || v.idle_timeout_s < 1 || v.read_timeout_s < 1 || v.write_timeout_s < 1)
      throw std::runtime_error("config: server timeouts must be at least 1 s");
    read(*s, "server.", "metrics_listen", v.metrics_listen);
    read(*s, "server.", "metrics_token", v.metrics_token);
    if (v.threads < 1) throw std::runtime_error("config: server.threads must be at least 1");
    if (v.ws_session_check_s < 1 || v.ws_session_check_s > 60)
      throw std::runtime_error("config: server.ws_session_check_s must be between 1 and 60");
    // The token guards metrics on a listener that may face the network: a short one is guessable.
    if (!v.metrics_token.empty() && v.metrics_token.size() < 16)
      throw std::runtime_error("config: server.metrics_token must be at least 16 characters");
  } else if (root.get("server")) {
    throw std::runtime_error("config: [server] must be a table");
  }
  if (const auto* s = root.get_as<toml::table>("security")) {
    reject_unknown(*s, "security.",
                   {"session_idle_minutes", "session_absolute_hours", "login_free_failures", "login_delay_s",
                    "login_max_delay_s", "login_forget_minutes", "login_max_attempts_per_address",
                    "login_address_window_minutes", "login_account_alarm_failures",
                    // The names before per-address throttling, still read so that an old file starts.
                    "login_max_failures_per_user", "login_max_failures_per_ip", "login_window_minutes"});
    auto& v = c.security;
    read(*s, "security.", "session_idle_minutes", v.session_idle_minutes);
    read(*s, "security.", "session_absolute_hours", v.session_absolute_hours);
    read(*s, "security.", "login_max_failures_per_user", v.login_free_failures);
    read(*s, "security.", "login_max_failures_per_ip", v.login_max_attempts_per_address);
    read(*s, "security.", "login_window_minutes", v.login_address_window_minutes);
    read(*s, "security.", "login_free_failures", v.login_free_failures);
    read(*s, "security.", "login_delay_s", v.login_delay_s);
    read(*s, "security.", "login_max_delay_s", v.login_max_delay_s);
    read(*s, "security.", "login_forget_minutes", v.login_forget_minutes);
    read(*s, "security.", "login_max_attempts_per_address", v.login_max_attempts_per_address);
    read(*s, "security.", "login_address_window_minutes", v.login_address_window_minutes);
    read(*s, "security.", "login_account_alarm_failures", v.login_account_alarm_failures);
    if (v.login_delay_s < 1 || v.login_max_delay_s < v.login_delay_s)
      throw std::runtime_error("config: security.login_delay_s must be at least 1 and at most login_max_delay_s");
    if (int64_t(v.login_forget_minutes) * 60 < v.login_max_delay_s)
      throw std::runtime_error("config: security.login_forget_minutes must be at least login_max_delay_s");
  }
  if (const auto* s = root.get_as<toml::table>("recorder")) {
    reject_unknown(*s, "recorder.", {"segment_s", "rtsp_timeout_s", "offline_alert_s", "backoff_max_s", "retention_interval_s",
                                     "floor_percent", "scrub_mb_per_s", "enabled"});
    auto& v = c.recorder;
    read(*s, "recorder.", "enabled", v.enabled);
    read(*s, "recorder.", "segment_s", v.segment_s);
    read(*s, "recorder.", "rtsp_timeout_s", v.rtsp_timeout_s);
    read(*s, "recorder.", "offline_alert_s", v.offline_alert_s);
    read(*s, "recorder.", "backoff_max_s", v.backoff_max_s);
    read(*s, "recorder.", "retention_interval_s", v.retention_interval_s);
    read(*s, "recorder.", "floor_percent", v.floor_percent);
    read(*s, "recorder.", "scrub_mb_per_s", v.scrub_mb_per_s);
    if (v.segment_s < 4 || v.segment_s > 600) throw std::runtime_error("config: recorder.segment_s must be between 4 and 600");
    if (v.rtsp_timeout_s < 1 || v.backoff_max_s < 1 || v.retention_interval_s < 1 || v.floor_percent > 50)
      throw std::runtime_error("config: recorder timings must be at least 1 s and floor_percent at most 50");
    if (v.scrub_mb_per_s < 0 || v.scrub_mb_per_s > 1000)
      throw std::runtime_error("config: recorder.scrub_mb_per_s must be between 0 (off) and 1000");
  }
  if (const auto* s = root.get_as<toml::table>("node")) {
    reject_unknown(*s, "node.", {"name", "key", "listen", "tls_cert", "tls_key"});
    auto& v = c.node;
    read(*s, "node.", "name", v.name);
    read(*s, "node.", "key", v.key);
    read(*s, "node.", "listen", v.listen);
    read(*s, "node.", "tls_cert", v.tls_cert);
    read(*s, "node.", "tls_key", v.tls_key);
    if (v.tls_cert.empty() != v.tls_key.empty())
      throw std::runtime_error("config: node.tls_cert and node.tls_key go together");
  }
  if (const auto* s = root.get_as<toml::table>("store")) {
    reject_unknown(*s, "store.", {"url", "readers"});
    read(*s, "store.", "url", c.store.url);
    read(*s, "store.", "readers", c.store.readers);
    if (c.store.readers > 64) throw std::runtime_error("config: store.readers must be between 0 and 64");
  }
  if (const auto* s = root.get_as<toml::table>("audit")) {
    reject_unknown(*s, "audit.", {"checkpoint_entries", "checkpoint_minutes"});
    read(*s, "audit.", "checkpoint_entries", c.audit.checkpoint_entries);
    read(*s, "audit.", "checkpoint_minutes", c.audit.checkpoint_minutes);
    if (c.audit.checkpoint_entries < 1 || c.audit.checkpoint_minutes < 1)
      throw std::runtime_error("config: audit.checkpoint_entries and audit.checkpoint_minutes must be at least 1");
  }
  if (const auto* s = root.get_as<toml::table>("sharing")) {
    auto& v = c.sharing;
    reject_unknown(*s, "sharing.", {"ordinary_cameras", "ordinary_range_hours", "ordinary_access_days", "max_cameras",
                                    "max_range_days", "max_access_days"});
    read(*s, "sharing.", "ordinary_cameras", v.ordinary_cameras);
    read(*s, "sharing.", "ordinary_range_hours", v.ordinary_range_hours);
    read(*s, "sharing.", "ordinary_access_days", v.ordinary_access_days);
    read(*s, "sharing.", "max_cameras", v.max_cameras);
    read(*s, "sharing.", "max_range_days", v.max_range_days);
    read(*s, "sharing.", "max_access_days", v.max_access_days);
    if (v.ordinary_cameras < 1 || v.ordinary_range_hours < 1 || v.ordinary_access_days < 1 || v.max_cameras < v.ordinary_cameras ||
        v.max_range_days * 24 < v.ordinary_range_hours || v.max_access_days < v.ordinary_access_days)
      throw std::runtime_error("config: sharing limits must be at least 1, and each maximum at least its ordinary scale");
  }
  if (const auto* s = root.get_as<toml::table>("evidence")) {
    reject_unknown(*s, "evidence.", {"max_clip_minutes", "link_minutes", "export_queue", "verify_max_mb", "x264_preset"});
    auto& v = c.evidence;
    read(*s, "evidence.", "max_clip_minutes", v.max_clip_minutes);
    read(*s, "evidence.", "link_minutes", v.link_minutes);
    read(*s, "evidence.", "export_queue", v.export_queue);
    read(*s, "evidence.", "verify_max_mb", v.verify_max_mb);
    read(*s, "evidence.", "x264_preset", v.x264_preset);
    if (v.max_clip_minutes < 1 || v.max_clip_minutes > 24 * 60)
      throw std::runtime_error("config: evidence.max_clip_minutes must be between 1 and 1440");
    if (v.link_minutes < 1 || v.export_queue < 1 || v.verify_max_mb < 1)
      throw std::runtime_error("config: evidence.link_minutes, export_queue and verify_max_mb must be at least 1");
    static const std::set<std::string> presets = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"};
    if (!presets.count(v.x264_preset)) throw std::runtime_error("config: evidence.x264_preset must be an x264 preset (veryfast, medium, …)");
  }
  if (const auto* s = root.get_as<toml::table>("nodes")) {
    reject_unknown(*s, "nodes.", {"tls", "ca_file"});
    read(*s, "nodes.", "tls", c.nodes.tls);
    read(*s, "nodes.", "ca_file", c.nodes.ca_file);
    if (!c.nodes.ca_file.empty() && !c.nodes.tls)
      throw std::runtime_error("config: nodes.ca_file is for nodes.tls = true");
  }
  return c;
}

}  // namespace watchfloor::core
