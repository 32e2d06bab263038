// Device events (thing/event/{id}/post): an append-only log in its own SQLite file, written by one thread in
// group commits, searched by the events API and trimmed by retention.
#pragma once
#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "registry/records.hpp"

namespace gridhub::registry {

struct Event {
  int64_t event_id = 0;  // assigned by append(), increasing with append order
  std::string org_id, asset_id, product_key, device_key;
  std::string tsl_event_key;   // the event's identifier in the model
  std::string tsl_event_type;  // "INFO" | "WARN" | "ERROR" (the model's eventType; "INFO" when unknown)
  std::string output;          // JSON text of params.events
  int64_t timestamp = 0;       // the device's params.time, or the arrival time
  int64_t create_time = 0;     // arrival time
};

// Empty / zero fields do not filter. timestamp in [start_time, end_time).
struct EventFilter {
  std::vector<std::string> asset_ids;
  std::string product_key, device_key, tsl_event_key, tsl_event_type;
  int64_t start_time = 0, end_time = 0;
};

// Thread-safe.
class EventLog {
 public:
  virtual ~EventLog() = default;
  // Assigns event ids and calls `done` (on the writer thread) once the events are durable, or with the error
  // that kept them out. Appends queued before a failure are not lost: each batch is its own transaction.
  virtual void append(std::vector<Event> events, std::function<void(std::error_code)> done) = 0;
  // errc::not_found (also for another OU's event).
  virtual boost::system::result<Event> get(std::string_view org, int64_t event_id) = 0;
  // Newest first (timestamp, then event_id).
  virtual PageResult<Event> search(std::string_view org, const EventFilter&, Page) = 0;
  // Deletes events with timestamp < cutoff; returns how many.
  virtual boost::system::result<int64_t> delete_before(int64_t cutoff) = 0;
  // Deletes a device's events (device deleted).
  virtual boost::system::result<void> delete_device(std::string_view org, std::string_view asset_id) = 0;
};

// Opens/creates `path` (WAL mode, its own schema_version). errc::storage_error, schema_too_new. Destroying
// the log writes what is queued and stops its thread.
boost::system::result<std::unique_ptr<EventLog>> open_sqlite_event_log(const std::string& path);

}  // namespace gridhub::registry
