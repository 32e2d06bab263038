// Everything the command line sets (main.cpp binds these to CLI11 flags).
#pragma once
#include <cstdint>
#include <string>

namespace gridhub::bench {

struct Options {
  // Target.
  std::string host = "127.0.0.1";
  uint16_t port = 11883;
  std::string bind_addresses;  // "127.0.0.2-127.0.0.20" or "a,b,c": local addresses used round-robin
  // Load.
  std::string devices_file;
  std::size_t connections = 0;   // 0 = one per device in the file
  unsigned threads = 1;          // each with its own io_context
  unsigned inflight = 1;         // requests awaiting their reply, per connection
  double duration_s = 10;        // measured window (idle mode: how long to hold the connections)
  double warmup_s = 1;           // posting before the measured window, not counted
  double drain_s = 5;            // after the window: how long to wait for outstanding replies
  double rate = 0;               // target total posts/s; 0 = as fast as replies allow
  unsigned qos = 1;
  uint16_t keepalive_s = 60;
  unsigned connect_concurrency = 1000;  // connection attempts in flight, whole process
  double connect_timeout_s = 60;
  bool idle = false;             // connect, hold, measure server RSS; post nothing
  bool relay = false;            // peer broker: ack = PUBACK, one subscriber counts deliveries
  // Connect storm: connect, hold idle duration_s (server RSS like --idle), print "held" on stderr, then wait for
  // the server to drop every connection and log each one in again (jitter <= 100 ms, retries with backoff).
  bool reconnect_storm = false;
  double storm_timeout_s = 120;  // from "held": how long to wait for the drop and for every re-login
  std::string relay_filter = "/sys/+/+/thing/measurepoint/post";
  int server_pid = 0;            // sample the server's CPU and RSS from /proc when set
  std::string label;             // copied into the result line
  // Provisioning mode (--create-devices N): create devices through the REST API and write a devices file.
  std::size_t create_devices = 0;
  std::string api_host = "127.0.0.1";
  uint16_t api_port = 8080;
  std::string admin_file;        // DIR/admin.json {"orgId","token"}
  std::string product_key;       // existing product; or
  std::string model_id;          // create a product of this model first
  std::string product_name = "bench";  // its name (unique in the organization)
  std::string device_prefix = "bench-";
  unsigned api_connections = 4;
  std::string out_file;
};

}  // namespace gridhub::bench
