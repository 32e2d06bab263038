// Structured logs (--log-format json): one JSON object per line, {"ts","level","logger","msg"}, for log
// shippers that index fields (Loki, Elasticsearch, journald's JSON export).
#pragma once
#include <spdlog/formatter.h>

#include <memory>

namespace gridhub::server {

// ts is UTC, RFC 3339 with milliseconds ("2026-11-24T14:10:00.123Z"); level is spdlog's name ("info",
// "warning"...); msg is the formatted message as a JSON string, so quotes, control characters and invalid
// UTF-8 from device-chosen text (client ids, usernames) cannot break the line.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace gridhub::server
