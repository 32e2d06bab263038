// Import through /api/v1/import (JSON lines, VictoriaMetrics' documented bulk path), one body per day of
// options.vm_devices_per_request devices, from options.vm_connections threads each with its own kept-alive
// connection: the client builds bodies while the server parses others, on the same two cores, so the client's
// CPU is reported beside the server's. Then force_flush, force_merge, and a wait until no merge runs, no row
// is pending and the data dir stops changing; queries go through /api/v1/export and /api/v1/query_range
// with nocache=1 (run.sh also passes -search.disableCache): Gridhub has no result cache either.
#include "vm_engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <thread>

#include "disk_usage.hpp"
#include "http_client.hpp"
#include "loadgen/proc_stat.hpp"
#include "proc_usage.hpp"
#include "vm_text.hpp"

namespace gridhub::bench {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Epoch seconds with millisecond decimals, the form VictoriaMetrics' start/end take.
std::string seconds_arg(int64_t ms) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
  return buf;
}

std::string selector(const SeriesRef& s) {
  return std::string(kPointNames[s.point]) + "{device=\"" + device_name(s.device) + "\"}";
}

class VmEngine final : public Engine {
 public:
  explicit VmEngine(const TsdbBenchOptions& o) : o_(o), query_(o.vm_host, o.vm_port) {}

  bool ingest(const Dataset& data, const Timeline& tl, IngestFigures& fig, std::string& error) override {
    const uint32_t per_request = std::max<uint32_t>(1, o_.vm_devices_per_request);
    const uint64_t blocks = (tl.devices + per_request - 1) / per_request;
    const uint64_t main_items = static_cast<uint64_t>(tl.days) * blocks;
    const uint64_t items = main_items + static_cast<uint64_t>(tl.extra_days);
    std::atomic<uint64_t> next{0}, points{0}, bytes{0};
    std::atomic<bool> failed{false};
    std::mutex error_mu;
    std::string first_error;
    std::vector<double> generate_s(o_.vm_connections, 0.0);

    auto worker = [&](unsigned index) {
      HttpConnection conn(o_.vm_host, o_.vm_port);
      std::string body, err;
      std::vector<double> values(kStepsPerDay);
      std::vector<int64_t> times(kStepsPerDay);
      Clock::duration generating{};
      for (uint64_t k; !failed && (k = next.fetch_add(1)) < items;) {
        const auto g0 = Clock::now();
        body.clear();
        uint64_t n = 0;
        // One line per series and day: `day` of devices [first, last) (or of the extra series).
        auto add_line = [&](uint32_t device, int point, int64_t day) {
          const SeriesRef s{device, point};
          const int64_t step0 = day * kStepsPerDay;
          for (int64_t i = 0; i < kStepsPerDay; ++i) {
            values[i] = data.value(device, point, step0 + i);
            times[i] = tl.start_ms(s) + (step0 + i) * kStepMs;
          }
          append_import_line(kPointNames[point], device_name(device), values, times, body);
          n += kStepsPerDay;
        };
        if (k < main_items) {
          const int64_t day = static_cast<int64_t>(k / blocks);
          const uint32_t first = static_cast<uint32_t>(k % blocks) * per_request;
          const uint32_t last = std::min(tl.devices, first + per_request);
          for (uint32_t d = first; d < last; ++d)
            for (int p = 0; p < kPointCount; ++p) add_line(d, p, day);
        } else {
          add_line(kExtraDevice, kTempPoint, static_cast<int64_t>(k - main_items));
        }
        generating += Clock::now() - g0;
        const std::size_t body_bytes = body.size();
        HttpReply reply;
        if (!conn.post("/api/v1/import", std::move(body), "application/json", reply, err) ||
            (reply.status != 204 && reply.status != 200)) {
          std::lock_guard lk(error_mu);
          if (first_error.empty())
            first_error = err.empty() ? "import: HTTP " + std::to_string(reply.status) + ": " + reply.body : err;
          failed = true;
          break;
        }
        body = std::string();
        body.reserve(body_bytes + body_bytes / 8);  // the next body is about as large: no regrowth
        points += n;
        bytes += body_bytes;
      }
      generate_s[index] = std::chrono::duration<double>(generating).count();
    };

    const double cpu0 = self_cpu_seconds();
    const auto server_cpu0 = process_cpu_seconds(o_.vm_pid);
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < o_.vm_connections; ++i) threads.emplace_back(worker, i);
    for (auto& t : threads) t.join();
    fig.wall_s = seconds_since(t0);
    fig.process_cpu_s = self_cpu_seconds() - cpu0;
    const auto server_cpu1 = process_cpu_seconds(o_.vm_pid);
    if (server_cpu0 && server_cpu1) fig.server_cpu_s = *server_cpu1 - *server_cpu0;
    fig.points = points;
    fig.input_bytes = bytes;
    for (double g : generate_s) fig.generate_s += g;
    fig.extra["client_threads"] = o_.vm_connections;
    fig.extra["generate_s_summed_over_threads"] = fig.generate_s;
    // Body building happens on client threads beside the import, not before it: it is not subtracted.
    fig.generate_s = 0;
    if (failed) {
      error = first_error;
      return false;
    }
    const auto f0 = Clock::now();
    HttpReply reply;
    if (!query_.get("/internal/force_flush", reply, error)) return false;
    if (reply.status != 200 && reply.status != 204) {
      error = "force_flush: HTTP " + std::to_string(reply.status) + ": " + reply.body;
      return false;
    }
    fig.finish_s = seconds_since(f0);
    return true;
  }

  bool settle(const Timeline& tl, SizeFigures& fig, std::string& error) override {
    const double cpu0 = self_cpu_seconds();
    const auto server_cpu0 = process_cpu_seconds(o_.vm_pid);
    const auto t0 = Clock::now();
    HttpReply reply;
    if (!query_.get("/internal/force_merge", reply, error)) return false;
    if (reply.status != 200 && reply.status != 204) {
      error = "force_merge: HTTP " + std::to_string(reply.status) + ": " + reply.body;
      return false;
    }
    // Settled: three polls in a row (one second apart) with no merge running, no row pending and the data
    // dir's size unchanged.
    int quiet = 0;
    uint64_t last_bytes = 0;
    double rows = 0;
    while (quiet < 3) {
      if (seconds_since(t0) > o_.vm_settle_timeout_s) {
        error = "VictoriaMetrics did not settle within " + std::to_string(o_.vm_settle_timeout_s) + " s";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (!query_.get("/metrics", reply, error)) return false;
      const double active = sum_metric(reply.body, "vm_active_merges") +
                            sum_metric(reply.body, "vm_active_force_merges");
      const double pending = sum_metric(reply.body, "vm_pending_rows");
      rows = sum_metric(reply.body, "vm_rows", R"(type="storage/)");  // not the index's rows
      DiskUsage u;
      if (!usage_of(o_.vm_data, u, error)) return false;
      quiet = (active == 0 && pending == 0 && u.allocated == last_bytes) ? quiet + 1 : 0;
      last_bytes = u.allocated;
    }
    fig.settle_s = seconds_since(t0) - 3.0;  // the three quiet seconds are the check, not the merge
    fig.settle_cpu_s = self_cpu_seconds() - cpu0;
    const auto server_cpu1 = process_cpu_seconds(o_.vm_pid);
    if (server_cpu0 && server_cpu1) fig.server_cpu_s = *server_cpu1 - *server_cpu0;
    fig.extra["vm_rows"] = rows;
    std::map<std::string, DiskUsage> entries;
    if (!usage_by_entry(o_.vm_data, entries, error)) return false;
    for (const auto& [name, u] : entries) {
      fig.parts[name] = u.allocated;
      fig.counted_bytes += u.allocated;
      fig.counted_apparent_bytes += u.apparent;
    }
    fig.counted = "the whole -storageDataPath (data/, indexdb/, metadata)";
    if (rows != static_cast<double>(tl.total_points())) {
      error = "VictoriaMetrics holds " + std::to_string(static_cast<uint64_t>(rows)) + " rows, " +
              std::to_string(tl.total_points()) + " were imported";
      return false;
    }
    return true;
  }

  bool read_raw(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<RawPoint>& out,
                std::string& error) override {
    // export's end is inclusive.
    const std::string target = "/api/v1/export?match[]=" + url_encode(selector(series)) +
                               "&start=" + seconds_arg(start_ms) + "&end=" + seconds_arg(end_ms - 1);
    HttpReply reply;
    if (!query_.get(target, reply, error)) return false;
    if (reply.status != 200) {
      error = "export: HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 300);
      return false;
    }
    return parse_export(reply.body, out, error);
  }

  bool hourly_avg(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<AvgBucket>& out,
                  std::string& error) override {
    constexpr int64_t kHourMs = 3'600'000;
    // A point at time T averages (T - 1h, T]: ask for T = each window's end and label it with the start.
    const std::string query = "avg_over_time(" + selector(series) + "[1h])";
    const std::string target = "/api/v1/query_range?query=" + url_encode(query) +
                               "&start=" + seconds_arg(start_ms + kHourMs) + "&end=" + seconds_arg(end_ms) +
                               "&step=3600&nocache=1";
    HttpReply reply;
    if (!query_.get(target, reply, error)) return false;
    if (reply.status != 200) {
      error = "query_range: HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 300);
      return false;
    }
    if (!parse_query_range(reply.body, out, error)) return false;
    for (AvgBucket& b : out) b.time_ms -= kHourMs;
    return true;
  }

  std::optional<uint64_t> peak_rss_bytes() const override { return process_peak_rss_bytes(o_.vm_pid); }
  std::optional<uint64_t> rss_bytes() const override { return process_rss_bytes(o_.vm_pid); }

 private:
  const TsdbBenchOptions o_;
  HttpConnection query_;
};

}  // namespace

bool open_vm_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error) {
  if (options.vm_port == 0 || options.vm_pid <= 0 || options.vm_data.empty()) {
    error = "vm needs --vm-port, --vm-pid and --vm-data (run.sh starts VictoriaMetrics and passes them)";
    return false;
  }
  if (options.vm_connections == 0) {
    error = "--vm-connections must be at least 1";
    return false;
  }
  auto engine = std::make_unique<VmEngine>(options);
  HttpReply reply;
  HttpConnection probe(options.vm_host, options.vm_port);
  if (!probe.get("/health", reply, error)) return false;
  if (reply.status != 200) {
    error = "VictoriaMetrics /health: HTTP " + std::to_string(reply.status);
    return false;
  }
  out = std::move(engine);
  return true;
}

}  // namespace gridhub::bench
