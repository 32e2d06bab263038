// Escaping and number spelling of the Prometheus text format 0.0.4.
#include "metrics/text_format.hpp"

#include <charconv>
#include <cmath>

namespace gridhub::metrics {

namespace {

template <class T>
void append_number(T value, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc() ? end : buf);  // cannot fail: 32 bytes hold any int64 or shortest double
}

bool name_char(char c, bool first, bool colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

}  // namespace

void append_label_value(std::string_view value, std::string& out) {
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_help_text(std::string_view help, std::string& out) {
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

void append_value(uint64_t value, std::string& out) { append_number(value, out); }
void append_value(int64_t value, std::string& out) { append_number(value, out); }

void append_value(double value, std::string& out) {
  if (std::isnan(value)) out += "NaN";
  else if (std::isinf(value)) out += value > 0 ? "+Inf" : "-Inf";
  else append_number(value, out);
}

void append_header(std::string_view name, std::string_view help, std::string_view type, std::string& out) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_help_text(help, out);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, true)) return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, false)) return false;
  return true;
}

}  // namespace gridhub::metrics
