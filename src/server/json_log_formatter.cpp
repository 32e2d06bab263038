// The JSON log line.
#include "server/json_log_formatter.hpp"

#include <spdlog/details/log_msg.h>

#include <chrono>
#include <ctime>
#include <string>

#include "enos/json_escape.hpp"

namespace gridhub::server {

namespace {

void append_timestamp(std::chrono::system_clock::time_point t, std::string& out) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int millis = static_cast<int>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

std::string_view view(spdlog::string_view_t s) { return std::string_view(s.data(), s.size()); }

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  thread_local std::string line;
  line.clear();
  line += "{\"ts\":\"";
  append_timestamp(msg.time, line);
  line += "\",\"level\":";
  enos::append_json_string(view(spdlog::level::to_string_view(msg.level)), line);
  line += ",\"logger\":";
  enos::append_json_string(view(msg.logger_name), line);
  line += ",\"msg\":";
  enos::append_json_string(view(msg.payload), line);
  line += "}\n";
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const { return std::make_unique<JsonLogFormatter>(); }

}  // namespace gridhub::server
