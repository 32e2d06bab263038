// Everything gridhub_tsdb_bench's command line sets (main.cpp binds these to CLI11 flags).
#pragma once
#include <cstdint>
#include <string>

#include "dataset.hpp"

namespace gridhub::bench {

struct TsdbBenchOptions {
  std::string engine;           // gridhub | sqlite | vm
  Flavour flavour = Flavour::Sample;
  std::string csv_path;         // the simulator CSV (sample flavour)
  uint64_t seed = 1;            // random flavour's draws
  Timeline timeline;
  std::string dir;              // the engine's data dir (gridhub, sqlite); created, must be empty
  std::string label;            // copied into the result line
  bool ingest_only = false;     // stop after ingest (durability variants)
  // Gridhub.
  std::string durability = "none";  // none | flush | fsync
  std::size_t batch = 10'000;       // samples per append()
  // SQLite.
  std::size_t txn_rows = 100'000;   // rows per transaction
  int sqlite_cache_mib = 64;        // page cache (PRAGMA cache_size)
  // VictoriaMetrics (started by run.sh).
  std::string vm_host = "127.0.0.1";
  uint16_t vm_port = 0;
  int vm_pid = 0;                   // for its CPU and RSS
  std::string vm_data;              // its -storageDataPath
  unsigned vm_connections = 4;      // concurrent import connections, one client thread each
  uint32_t vm_devices_per_request = 10;  // import body: this many devices x 4 points x one day
  double vm_settle_timeout_s = 900;
  // Queries and checks.
  int query_runs = 20;              // timed runs after one warm-up; the median is reported
  int verify_series = 24;           // series-days read back and compared bit for bit
};

}  // namespace gridhub::bench
