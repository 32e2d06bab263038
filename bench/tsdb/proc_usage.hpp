// Resident memory and CPU time of a process from /proc (Linux), beside loadgen/proc_stat.hpp's CPU time.
#pragma once
#include <cstdint>
#include <optional>

namespace gridhub::bench {

// VmHWM (peak resident set) of `pid` in bytes, 0 = this process; nullopt if the process is gone.
std::optional<uint64_t> process_peak_rss_bytes(int pid);

// user + system CPU seconds of this process, every thread (getrusage: finer than /proc's clock ticks).
double self_cpu_seconds();

}  // namespace gridhub::bench
