// The two measured phases of the command benchmark: (a) sequential, one device and one HTTP connection,
// calls one after the other; (b) parallel, many devices and connections in a closed loop for a fixed time.
// Each phase reports its calls, exact latency percentiles and the CPU the server, this process and the rest
// of the machine used while it was measured.
#pragma once
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands/api_caller.hpp"
#include "commands/call_stats.hpp"
#include "commands/fleet.hpp"

namespace gridhub::bench {

struct CpuShare {
  double wall_s = 0;
  double server_cores = 0, bench_cores = 0, other_cores = 0;  // CPU seconds / wall seconds
  double server_cpu_s = 0;
  bool server_seen = false;  // false without a server pid, or when it could not be read
};

struct PhaseResult {
  std::size_t devices = 0, connections = 0;
  CallStats calls;           // merged over the phase's callers (warm-up counted only in the *_total fields)
  LatencySummary latency;    // successful measured calls
  double measured_s = 0;     // wall time of the measured part
  double calls_per_s = 0;    // successful measured calls / measured_s
  CpuShare cpu;              // over the measured part
  bool gave_up = false;      // a caller stopped after too many failures in a row
  std::optional<uint64_t> server_rss;  // VmRSS after the phase
};

class PhaseRunner {
 public:
  // `targets[i]` is the invokeService request target for device i. `base` supplies everything of a caller's
  // setup but its targets. Everything given must outlive the runner.
  PhaseRunner(IoThreads& threads, const CallerSetup& base, const std::vector<std::string>& targets, int server_pid);
  ~PhaseRunner();

  // Phase (a): `warmup` calls, then `calls` timed calls, all to device 0 over one connection each.
  PhaseResult sequential(std::size_t warmup, std::size_t calls);
  // Phase (b): `connections` callers; with at least as many connections as devices, caller c calls device
  // c % devices only, otherwise caller c cycles over devices c, c + connections, ... Runs warmup_s, then
  // measures duration_s.
  PhaseResult parallel(std::size_t devices, std::size_t connections, double warmup_s, double duration_s);

 private:
  struct Group;
  Group& launch(std::vector<std::vector<std::string>> targets_per_caller, const CallSchedule& schedule);

  IoThreads& threads_;
  const CallerSetup& base_;
  const std::vector<std::string>& targets_;
  int server_pid_;
  // Callers and what they refer to live until the runner goes (after the io threads stopped): a cancelled
  // timer's handler may still run after a caller reported that it finished.
  std::list<std::unique_ptr<Group>> groups_;
};

}  // namespace gridhub::bench
