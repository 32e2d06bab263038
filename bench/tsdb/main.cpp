// gridhub_tsdb_bench: stores the benchmark data set (dataset.hpp) in one engine (Gridhub's embedded store,
// SQLite, or a running VictoriaMetrics), times the queries, checks what comes back, and prints one JSON
// line. bench/tsdb/run.sh runs it once per engine and flavour; see docs/benchmarks.md.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "gridhub_engine.hpp"
#include "harness.hpp"
#include "sqlite_engine.hpp"
#include "vm_engine.hpp"

using namespace gridhub::bench;

namespace {

bool validate(TsdbBenchOptions& o, std::string& error) {
  const Timeline& tl = o.timeline;
  if (tl.devices == 0 || tl.devices > 100'000) error = "--devices must be 1..100000";
  else if (tl.days < 1 || tl.days > 3660) error = "--days must be 1..3660";
  else if (tl.extra_days < 1 || tl.extra_days > 3660) error = "--extra-days must be 1..3660";
  else if (tl.base_ms % kDayMs != 0 || tl.base_ms < 0) error = "--base-ms must be a UTC midnight (a multiple of 86400000)";
  else if (o.batch == 0 || o.txn_rows == 0) error = "--batch and --txn-rows must be at least 1";
  else if (o.query_runs < 1) error = "--query-runs must be at least 1";
  else if (o.verify_series < 0) error = "--verify-series must be 0 or more";
  else if ((o.engine == "gridhub" || o.engine == "sqlite") && o.dir.empty()) error = "--dir is required for " + o.engine;
  if (!error.empty()) return false;
  if (!o.dir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(o.dir, ec) && !std::filesystem::is_empty(o.dir, ec)) {
      error = "--dir " + o.dir + " is not empty: the benchmark needs a fresh store";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  TsdbBenchOptions o;
  std::string flavour = "sample";
  int64_t base_ms = 0;
  CLI::App app{"Gridhub time-series storage benchmark: one engine, one data flavour, one JSON line"};
  app.add_option("--engine", o.engine, "gridhub | sqlite | vm")->required()->check(CLI::IsMember({"gridhub", "sqlite", "vm"}));
  app.add_option("--flavour", flavour, "sample | random")->check(CLI::IsMember({"sample", "random"}));
  app.add_option("--csv", o.csv_path, "the simulator CSV (sample flavour)");
  app.add_option("--seed", o.seed, "random flavour seed");
  app.add_option("--devices", o.timeline.devices, "devices (4 points each)");
  app.add_option("--days", o.timeline.days, "days of the main data, one sample per 10 s");
  app.add_option("--extra-days", o.timeline.extra_days, "days of the extra series (the aggregate query)");
  app.add_option("--base-ms", base_ms, "UTC midnight where the extra series starts (default: 100 days back)");
  app.add_option("--dir", o.dir, "data dir for gridhub/sqlite (created; must be empty)");
  app.add_option("--label", o.label, "copied into the result line");
  app.add_flag("--ingest-only", o.ingest_only, "stop after ingest");
  app.add_option("--durability", o.durability, "gridhub: none | flush | fsync");
  app.add_option("--batch", o.batch, "gridhub: samples per append()");
  app.add_option("--txn-rows", o.txn_rows, "sqlite: rows per transaction");
  app.add_option("--sqlite-cache-mib", o.sqlite_cache_mib, "sqlite: page cache size");
  app.add_option("--vm-host", o.vm_host, "vm: address");
  app.add_option("--vm-port", o.vm_port, "vm: HTTP port");
  app.add_option("--vm-pid", o.vm_pid, "vm: process id (CPU, RSS)");
  app.add_option("--vm-data", o.vm_data, "vm: its -storageDataPath");
  app.add_option("--vm-connections", o.vm_connections, "vm: concurrent import connections");
  app.add_option("--vm-devices-per-request", o.vm_devices_per_request, "vm: devices per import body (x4 series x 1 day)");
  app.add_option("--vm-settle-timeout", o.vm_settle_timeout_s, "vm: seconds to wait for merges");
  app.add_option("--query-runs", o.query_runs, "timed runs per query (after one warm-up)");
  app.add_option("--verify-series", o.verify_series, "series-days read back bit for bit");
  CLI11_PARSE(app, argc, argv);

  // stdout carries the result line only: the store's log goes to stderr.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("tsdb_bench"));
  spdlog::set_level(spdlog::level::warn);
  parse_flavour(flavour, o.flavour);
  o.timeline.base_ms = base_ms ? base_ms : default_base_ms(std::max(o.timeline.days, o.timeline.extra_days) + 10);
  std::string error;
  if (!validate(o, error)) {
    std::fprintf(stderr, "gridhub_tsdb_bench: %s\n", error.c_str());
    return 2;
  }
  if (o.flavour == Flavour::Sample && o.csv_path.empty()) {
    std::fprintf(stderr, "gridhub_tsdb_bench: the sample flavour needs --csv\n");
    return 2;
  }
  Dataset data;
  if (!Dataset::make(o.flavour, o.csv_path, o.seed, data, error)) {
    std::fprintf(stderr, "gridhub_tsdb_bench: %s\n", error.c_str());
    return 2;
  }
  std::unique_ptr<Engine> engine;
  const bool opened = o.engine == "gridhub" ? open_gridhub_engine(o, engine, error)
                      : o.engine == "sqlite" ? open_sqlite_engine(o, engine, error)
                                             : open_vm_engine(o, engine, error);
  if (!opened) {
    std::fprintf(stderr, "gridhub_tsdb_bench: %s\n", error.c_str());
    return 1;
  }
  std::fprintf(stderr, "gridhub_tsdb_bench: %s %s: %u devices x %d days + %d-day extra series = %llu points\n",
               o.engine.c_str(), flavour.c_str(), o.timeline.devices, o.timeline.days, o.timeline.extra_days,
               static_cast<unsigned long long>(o.timeline.total_points()));
  bool ok = false;
  const std::string line = run_benchmark(o, data, *engine, ok);
  engine.reset();  // Gridhub: drains and checkpoints before the line goes out
  std::cout << line << std::endl;
  return ok ? 0 : 1;
}
