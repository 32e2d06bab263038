// Phase orchestration on the main thread: callers start on their io threads, the main thread samples /proc
// at the edges of the measured part and waits for every caller to report that it stopped.
#include "commands/phases.hpp"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "loadgen/proc_stat.hpp"

namespace gridhub::bench {

namespace asio = boost::asio;

namespace {

struct ProcSample {
  Clock::time_point at;
  std::optional<double> server_cpu, own_cpu, machine_busy;
};

ProcSample sample(int server_pid) {
  ProcSample s;
  s.at = Clock::now();
  if (server_pid > 0) s.server_cpu = process_cpu_seconds(server_pid);
  s.own_cpu = process_cpu_seconds(0);
  s.machine_busy = machine_busy_seconds();
  return s;
}

CpuShare share(const ProcSample& a, const ProcSample& b) {
  CpuShare c;
  c.wall_s = std::chrono::duration<double>(b.at - a.at).count();
  if (c.wall_s <= 0) return c;
  const double server = a.server_cpu && b.server_cpu ? *b.server_cpu - *a.server_cpu : 0;
  const double own = a.own_cpu && b.own_cpu ? *b.own_cpu - *a.own_cpu : 0;
  const double machine = a.machine_busy && b.machine_busy ? *b.machine_busy - *a.machine_busy : 0;
  c.server_seen = a.server_cpu && b.server_cpu;
  c.server_cpu_s = server;
  c.server_cores = server / c.wall_s;
  c.bench_cores = own / c.wall_s;
  // /proc/stat and /proc/PID/stat tick at different moments: a tiny negative remainder is rounding.
  c.other_cores = std::max(0.0, (machine - server - own) / c.wall_s);
  return c;
}

}  // namespace

// Counts callers down; the main thread waits for zero, with or without a time limit.
struct PhaseRunner::Group {
  CallSchedule schedule;
  std::vector<CallerSetup> setups;
  std::vector<CallStats> stats;
  std::vector<std::unique_ptr<ApiCaller>> callers;
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t running = 0;

  void finished() {
    std::lock_guard lock(mutex);
    --running;
    cv.notify_all();
  }
  bool wait_until(Clock::time_point deadline) {
    std::unique_lock lock(mutex);
    return cv.wait_until(lock, deadline, [this] { return running == 0; });
  }
  void wait() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [this] { return running == 0; });
  }
  CallStats merged() {
    CallStats all;
    for (auto& s : stats) all.merge(std::move(s));
    stats.clear();
    return all;
  }
  bool gave_up() const {
    for (auto& c : callers)
      if (c->gave_up()) return true;
    return false;
  }
};

PhaseRunner::PhaseRunner(IoThreads& threads, const CallerSetup& base, const std::vector<std::string>& targets,
                         int server_pid)
    : threads_(threads), base_(base), targets_(targets), server_pid_(server_pid) {}

PhaseRunner::~PhaseRunner() = default;

PhaseRunner::Group& PhaseRunner::launch(std::vector<std::vector<std::string>> targets_per_caller,
                                        const CallSchedule& schedule) {
  auto& g = *groups_.emplace_back(std::make_unique<Group>());
  g.schedule = schedule;
  const std::size_t n = targets_per_caller.size();
  g.setups.reserve(n);  // callers keep references into these vectors: no reallocation after this
  g.stats.resize(n);
  g.running = n;
  for (std::size_t c = 0; c < n; ++c) {
    CallerSetup setup = base_;
    setup.targets = std::move(targets_per_caller[c]);
    g.setups.push_back(std::move(setup));
  }
  for (std::size_t c = 0; c < n; ++c)
    g.callers.push_back(std::make_unique<ApiCaller>(threads_.io(c), g.setups[c], g.schedule, g.stats[c], 0,
                                                    [&g] { g.finished(); }));
  for (std::size_t c = 0; c < n; ++c) asio::post(threads_.io(c), [caller = g.callers[c].get()] { caller->start(); });
  return g;
}

PhaseResult PhaseRunner::sequential(std::size_t warmup, std::size_t calls) {
  PhaseResult r;
  r.devices = 1;
  r.connections = 1;
  // The warm-up runs on a connection of its own so that the measured part can be timed exactly. Its first
  // call also waits out the hub's delivery delay after the device's login.
  if (warmup > 0) {
    CallSchedule w;
    w.by_count = true;
    w.warmup_calls = warmup;
    Group& g = launch({{targets_[0]}}, w);
    g.wait();
    r.calls.merge(g.merged());
    r.gave_up = g.gave_up();
  }
  if (!r.gave_up) {
    CallSchedule m;
    m.by_count = true;
    m.measured_calls = calls;
    const ProcSample before = sample(server_pid_);
    Group& g = launch({{targets_[0]}}, m);
    g.wait();
    const ProcSample after = sample(server_pid_);
    r.calls.merge(g.merged());
    r.gave_up = g.gave_up();
    r.cpu = share(before, after);
    r.measured_s = r.cpu.wall_s;
  }
  r.latency = summarize(r.calls.latency_ns);
  r.calls_per_s = r.measured_s > 0 ? static_cast<double>(r.calls.ok) / r.measured_s : 0;
  if (server_pid_ > 0) r.server_rss = process_rss_bytes(server_pid_);
  return r;
}

PhaseResult PhaseRunner::parallel(std::size_t devices, std::size_t connections, double warmup_s, double duration_s) {
  PhaseResult r;
  devices = std::min(devices, targets_.size());
  r.devices = devices;
  r.connections = connections;
  std::vector<std::vector<std::string>> per_caller(connections);
  for (std::size_t c = 0; c < connections; ++c) {
    if (connections >= devices) {
      per_caller[c].push_back(targets_[c % devices]);
    } else {
      for (std::size_t d = c; d < devices; d += connections) per_caller[c].push_back(targets_[d]);
    }
  }
  CallSchedule s;
  s.by_count = false;
  const auto start = Clock::now();
  s.window_start = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup_s));
  s.window_end = s.window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration_s));
  Group& g = launch(std::move(per_caller), s);
  // Sample at the window's edges unless every caller gave up before (a broken server: no need to sit out
  // the window).
  if (!g.wait_until(s.window_start)) {
    const ProcSample before = sample(server_pid_);
    const bool ended_early = g.wait_until(s.window_end);
    const ProcSample after = sample(server_pid_);
    r.cpu = share(before, after);
    r.measured_s = ended_early ? r.cpu.wall_s : duration_s;
  }
  g.wait();  // the calls in flight at the window's end complete (bounded by the server's timeout)
  r.calls = g.merged();
  r.gave_up = g.gave_up();
  r.latency = summarize(r.calls.latency_ns);
  r.calls_per_s = r.measured_s > 0 ? static_cast<double>(r.calls.ok) / r.measured_s : 0;
  if (server_pid_ > 0) r.server_rss = process_rss_bytes(server_pid_);
  return r;
}

}  // namespace gridhub::bench
