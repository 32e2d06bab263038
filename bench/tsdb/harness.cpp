// Queries are timed as the median of options.query_runs runs after one warm-up run, in the process that
// drives the engine, until the points are in a vector (for VictoriaMetrics: the HTTP round trip on a kept-alive
// connection plus parsing the reply, as any client of it must).
// Correctness is checked against the data set's formulas, not against another engine.
#include "harness.hpp"

#include <sqlite3.h>

#include <boost/json.hpp>
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "loadgen/json_line.hpp"
#include "loadgen/proc_stat.hpp"
#include "proc_usage.hpp"

namespace gridhub::bench {

namespace json = boost::json;

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kHourMs = 3'600'000;

// v rounded to `decimals` places, as the double nearest that decimal (prints short).
double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

json::object timing(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const std::size_t n = ms.size();
  const double median = n == 0 ? 0 : (n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2);
  return {{"runs", n},
          {"median_ms", round_to(median, 3)},
          {"min_ms", n ? round_to(ms.front(), 3) : 0.0},
          {"max_ms", n ? round_to(ms.back(), 3) : 0.0}};
}

// Runs f() once untimed, then `runs` times timed; false (and stops) at the first failure.
template <class F>
bool time_runs(int runs, F&& f, std::vector<double>& ms) {
  if (!f()) return false;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    if (!f()) return false;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return true;
}

// Read-back tally of one or more series-ranges against the formulas.
struct Tally {
  uint64_t expected = 0, returned = 0, missing = 0, unexpected = 0, differing = 0;
  double max_rel_err = 0;
  json::array examples;  // a few differing points, for the reader

  void compare(const Dataset& data, const Timeline& tl, const SeriesRef& s, int64_t start_ms, int64_t end_ms,
               const std::vector<RawPoint>& got) {
    const int64_t t0 = tl.start_ms(s);
    const int64_t first = (start_ms - t0 + kStepMs - 1) / kStepMs;
    const int64_t last = (end_ms - t0 + kStepMs - 1) / kStepMs;  // exclusive
    expected += static_cast<uint64_t>(last - first);
    returned += got.size();
    std::size_t i = 0;
    for (int64_t step = first; step < last; ++step) {
      const int64_t t = t0 + step * kStepMs;
      while (i < got.size() && got[i].time_ms < t) ++i, ++unexpected;
      if (i == got.size() || got[i].time_ms != t) {
        ++missing;
        continue;
      }
      const double want = data.value(s.device, s.point, step);
      const double have = got[i++].value;
      if (std::bit_cast<uint64_t>(want) != std::bit_cast<uint64_t>(have)) {
        ++differing;
        const double rel = want == 0 ? std::fabs(have) : std::fabs((have - want) / want);
        max_rel_err = std::max(max_rel_err, rel);
        if (examples.size() < 3) {
          char buf[96];
          std::snprintf(buf, sizeof buf, "%.17g -> %.17g", want, have);
          examples.push_back(json::string(buf));
        }
      }
    }
    unexpected += got.size() - i;
  }

  json::object to_json() const {
    return {{"expected", expected},       {"returned", returned},   {"missing", missing},
            {"unexpected", unexpected},   {"differing", differing}, {"max_rel_err", max_rel_err},
            {"examples", examples}};
  }
};

// Hourly averages of a series over [start, end) from the formulas: the reference for every engine.
std::vector<AvgBucket> expected_hourly(const Dataset& data, const Timeline& tl, const SeriesRef& s,
                                       int64_t start_ms, int64_t end_ms) {
  std::vector<AvgBucket> out;
  const int64_t t0 = tl.start_ms(s);
  for (int64_t h = start_ms; h < end_ms; h += kHourMs) {
    double sum = 0;
    int n = 0;
    for (int64_t t = h; t < std::min(h + kHourMs, end_ms); t += kStepMs, ++n)
      sum += data.value(s.device, s.point, (t - t0) / kStepMs);
    if (n) out.push_back({h, sum / n});
  }
  return out;
}

json::object series_json(const SeriesRef& s) {
  return {{"device", device_name(s.device)}, {"point", std::string(kPointNames[s.point])}};
}

// Deterministic choice of the series-days read back (a fixed seed: every engine reads the same ones).
struct Picker {
  uint64_t state = 0x2545F4914F6CDD1DULL;
  uint64_t next(uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state % bound;
  }
};

}  // namespace

std::string run_benchmark(const TsdbBenchOptions& o, const Dataset& data, Engine& engine, bool& ok) {
  ok = false;
  const Timeline& tl = o.timeline;
  json::object out{{"label", o.label},
                   {"engine", o.engine},
                   {"flavour", std::string(to_string(data.flavour()))},
                   {"devices", tl.devices},
                   {"days", tl.days},
                   {"extra_days", tl.extra_days},
                   {"base_ms", tl.base_ms},
                   {"points_expected", tl.total_points()}};
  if (o.engine == "gridhub") {
    out["durability"] = o.durability;
    out["batch"] = o.batch;
  }
  if (o.engine == "sqlite") {
    out["sqlite_version"] = sqlite3_libversion();
    out["txn_rows"] = o.txn_rows;
    out["cache_mib"] = o.sqlite_cache_mib;
  }
  json::array errors;
  auto finish = [&]() {
    out["errors"] = errors;
    return to_json_line(out);
  };
  auto opt = [](const std::optional<uint64_t>& v) { return v ? json::value(*v) : json::value(nullptr); };

  // ---- ingest ----
  IngestFigures in;
  std::string error;
  // The machine's busy CPU over the phase: what neither this process nor the engine's took was someone
  // else's, and a large figure makes the phase's timings suspect (two cores, shared).
  const auto busy0 = machine_busy_seconds();
  const bool ingested = engine.ingest(data, tl, in, error);
  const auto busy1 = machine_busy_seconds();
  const double engine_s = in.wall_s - in.generate_s;
  json::object ingest{{"points", in.points},
                      {"wall_s", round_to(in.wall_s, 3)},
                      {"generate_s", round_to(in.generate_s, 3)},
                      {"engine_s", round_to(engine_s, 3)},
                      {"points_per_s", engine_s > 0 ? std::round(in.points / engine_s) : 0.0},
                      {"points_per_s_gross", in.wall_s > 0 ? std::round(in.points / in.wall_s) : 0.0},
                      {"process_cpu_s", round_to(in.process_cpu_s, 3)},
                      {"finish_s", round_to(in.finish_s, 3)},
                      {"input_bytes", in.input_bytes}};
  if (in.server_cpu_s) ingest["server_cpu_s"] = round_to(*in.server_cpu_s, 2);
  if (busy0 && busy1) {
    ingest["machine_cpu_s"] = round_to(*busy1 - *busy0, 2);
    ingest["other_cpu_s"] = round_to(std::max(0.0, *busy1 - *busy0 - in.process_cpu_s - in.server_cpu_s.value_or(0)), 2);
  }
  json::object extra;
  for (const auto& [k, v] : in.extra) extra[k] = v;
  ingest["extra"] = extra;
  out["ingest"] = ingest;
  json::object memory{{"peak_rss_ingest", opt(engine.peak_rss_bytes())},
                      {"client_peak_rss", opt(process_peak_rss_bytes(0))}};
  out["memory"] = memory;
  if (!ingested) {
    errors.push_back(json::string("ingest: " + error));
    return finish();
  }
  if (o.ingest_only) {
    ok = true;
    return finish();
  }

  // ---- settle: compaction / merge, then size on disk ----
  SizeFigures size;
  const auto settle_busy0 = machine_busy_seconds();
  const bool settled = engine.settle(tl, size, error);
  const auto settle_busy1 = machine_busy_seconds();
  if (!settled) {
    errors.push_back(json::string("settle: " + error));
    return finish();
  }
  const double points = static_cast<double>(tl.total_points());
  json::object parts, size_extra;
  for (const auto& [k, v] : size.parts) parts[k] = v;
  for (const auto& [k, v] : size.extra) size_extra[k] = v;
  json::object sz{{"settle_s", round_to(size.settle_s, 3)},
                  {"settle_cpu_s", round_to(size.settle_cpu_s, 3)},
                  {"bytes", size.counted_bytes},
                  {"apparent_bytes", size.counted_apparent_bytes},
                  {"bytes_per_point", round_to(size.counted_bytes / points, 4)},
                  {"apparent_bytes_per_point", round_to(size.counted_apparent_bytes / points, 4)},
                  {"counted", size.counted},
                  {"parts", parts},
                  {"extra", size_extra}};
  if (size.server_cpu_s) sz["server_cpu_s"] = round_to(*size.server_cpu_s, 2);
  if (settle_busy0 && settle_busy1) sz["machine_cpu_s"] = round_to(*settle_busy1 - *settle_busy0, 2);
  out["size"] = sz;
  memory["peak_rss_settle"] = opt(engine.peak_rss_bytes());
  memory["rss_after"] = opt(engine.rss_bytes());
  out["memory"] = memory;
  ok = true;

  // ---- queries ----
  json::object queries;
  const SeriesRef raw_series{std::min<uint32_t>(7, tl.devices - 1), 2};  // a device's voltage
  const int raw_day = std::min(3, tl.days - 1);
  const int64_t raw_start = tl.main_start_ms() + raw_day * kDayMs;
  {
    std::vector<RawPoint> got;
    std::vector<double> ms;
    json::object q = series_json(raw_series);
    q["start_ms"] = raw_start;
    if (time_runs(o.query_runs, [&] { return engine.read_raw(raw_series, raw_start, raw_start + kDayMs, got, error); }, ms)) {
      Tally t;
      t.compare(data, tl, raw_series, raw_start, raw_start + kDayMs, got);
      q["points"] = got.size();
      q["timing"] = timing(ms);
      q["check"] = t.to_json();
      if (got.size() != static_cast<std::size_t>(kStepsPerDay))
        errors.push_back(json::string("raw_day: " + std::to_string(got.size()) + " points, expected 8640"));
    } else {
      errors.push_back(json::string("raw_day: " + error));
    }
    queries["raw_day"] = q;
  }
  {
    const SeriesRef s{kExtraDevice, kTempPoint};
    const int64_t start = tl.extra_start_ms(), end = start + tl.extra_days * kDayMs;
    const std::vector<AvgBucket> want = expected_hourly(data, tl, s, start, end);
    std::vector<AvgBucket> got;
    std::vector<double> ms;
    json::object q = series_json(s);
    q["points_scanned"] = tl.extra_steps();
    q["expected_buckets"] = want.size();
    if (time_runs(o.query_runs, [&] { return engine.hourly_avg(s, start, end, got, error); }, ms)) {
      q["buckets"] = got.size();
      q["timing"] = timing(ms);
      // Agreement with the formulas: buckets at the expected times, and the largest relative difference.
      double max_rel = 0;
      uint64_t misplaced = 0;
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (i >= want.size() || got[i].time_ms != want[i].time_ms) {
          ++misplaced;
          continue;
        }
        max_rel = std::max(max_rel, std::fabs(got[i].value - want[i].value) / std::max(1e-300, std::fabs(want[i].value)));
      }
      q["misplaced_buckets"] = misplaced;
      q["max_rel_err"] = max_rel;
      if (got.size() != want.size())
        errors.push_back(json::string("avg_hourly: " + std::to_string(got.size()) + " buckets, expected " +
                                      std::to_string(want.size())));
    } else {
      errors.push_back(json::string("avg_hourly: " + error));
    }
    queries["avg_hourly"] = q;
  }
  out["queries"] = queries;

  // ---- read back a sample of series-days, bit for bit ----
  Tally tally;
  Picker pick;
  std::vector<RawPoint> got;
  int read = 0;
  for (int i = 0; i < o.verify_series + 1; ++i) {
    SeriesRef s;
    int64_t start;
    if (i == o.verify_series) {  // plus the extra series' first day
      s = {kExtraDevice, kTempPoint};
      start = tl.extra_start_ms();
    } else {
      s = {static_cast<uint32_t>(pick.next(tl.devices)), static_cast<int>(pick.next(kPointCount))};
      start = tl.main_start_ms() + static_cast<int64_t>(pick.next(tl.days)) * kDayMs;
    }
    if (!engine.read_raw(s, start, start + kDayMs, got, error)) {
      errors.push_back(json::string("verify: " + error));
      break;
    }
    tally.compare(data, tl, s, start, start + kDayMs, got);
    ++read;
  }
  json::object verify = tally.to_json();
  verify["series_days"] = read;
  out["verify"] = verify;
  return finish();
}

}  // namespace gridhub::bench
