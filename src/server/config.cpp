// The TOML subset our configuration file uses (flat keys, one level of sections), read line by line.
#include "server/config.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <map>

namespace gridhub::server {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_string(std::string_view v, std::string& out) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return false;
  out.assign(v.substr(1, v.size() - 2));
  return out.find('"') == std::string::npos;
}

template <class T>
bool parse_number(std::string_view v, T& out) {
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size();
}

bool parse_bool(std::string_view v, bool& out) {
  if (v == "true") return out = true, true;
  if (v == "false") return out = false, true;
  return false;
}

// Strips a trailing comment that is not inside a string.
std::string_view strip_comment(std::string_view line) {
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') in_string = !in_string;
    if (line[i] == '#' && !in_string) return line.substr(0, i);
  }
  return line;
}

}  // namespace

bool load_config_file(const std::string& path, Config& c, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  using Setter = std::function<bool(std::string_view)>;
  const std::map<std::string, Setter, std::less<>> keys = {
      {"data_dir", [&](std::string_view v) { return parse_string(v, c.data_dir); }},
      {"bind", [&](std::string_view v) { return parse_string(v, c.bind); }},
      {"threads", [&](std::string_view v) { return parse_number(v, c.threads); }},
      {"demo", [&](std::string_view v) { return parse_bool(v, c.demo); }},
      {"mqtt.port", [&](std::string_view v) { return parse_number(v, c.mqtt_port); }},
      {"mqtt.max_packet_size", [&](std::string_view v) { return parse_number(v, c.max_packet_size); }},
      {"mqtt.connack_delay_ms", [&](std::string_view v) { return parse_number(v, c.connack_delay_ms); }},
      {"mqtt.command_delay_ms", [&](std::string_view v) { return parse_number(v, c.command_delay_ms); }},
      {"mqtt.login_failures_per_device",
       [&](std::string_view v) { return parse_number(v, c.login_failures_per_device); }},
      {"mqtt.max_sub_devices",
       [&](std::string_view v) { return parse_number(v, c.max_sub_devices) && c.max_sub_devices > 0; }},
      {"mqtt.login_failures_per_address",
       [&](std::string_view v) { return parse_number(v, c.login_failures_per_address); }},
      {"store.event_retention_days",
       [&](std::string_view v) { return parse_number(v, c.event_retention_days) && c.event_retention_days > 0; }},
      {"http.port", [&](std::string_view v) { return parse_number(v, c.http_port); }},
      {"http.tls", [&](std::string_view v) { return parse_bool(v, c.http_tls); }},
      {"http.console_dir", [&](std::string_view v) { return parse_string(v, c.console_dir); }},
      {"http.public_host", [&](std::string_view v) { return parse_string(v, c.public_host); }},
      {"mqtt.tls", [&](std::string_view v) { return parse_bool(v, c.mqtt_tls); }},
      {"mqtt.tls_port", [&](std::string_view v) { return parse_number(v, c.tls_port); }},
      {"tls.cert", [&](std::string_view v) { return parse_string(v, c.tls_cert); }},
      {"tls.key", [&](std::string_view v) { return parse_string(v, c.tls_key); }},
      {"store.durability", [&](std::string_view v) { return parse_string(v, c.durability); }},
      {"store.retention_sweep_s",
       [&](std::string_view v) { return parse_number(v, c.retention_sweep_s) && c.retention_sweep_s > 0; }},
      {"log.level", [&](std::string_view v) { return parse_string(v, c.log_level); }},
      {"log.format",
       [&](std::string_view v) { return parse_string(v, c.log_format) && (c.log_format == "text" || c.log_format == "json"); }},
      {"http.metrics_public", [&](std::string_view v) { return parse_bool(v, c.metrics_public); }},
  };
  std::string section, line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view l = trim(strip_comment(line));
    if (l.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (l.front() == '[') {
      if (l.back() != ']') return error = where + "bad section header", false;
      section = std::string(trim(l.substr(1, l.size() - 2)));
      continue;
    }
    auto eq = l.find('=');
    if (eq == std::string_view::npos) return error = where + "expected key = value", false;
    std::string key(trim(l.substr(0, eq)));
    if (!section.empty()) key = section + "." + key;
    auto it = keys.find(key);
    if (it == keys.end()) return error = where + "unknown key '" + key + "'", false;
    if (!it->second(trim(l.substr(eq + 1)))) return error = where + "bad value for '" + key + "'", false;
  }
  return true;
}

}  // namespace gridhub::server
