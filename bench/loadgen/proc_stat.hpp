// CPU time and resident memory of a process, read from /proc (Linux), for the CPU shares and bytes per
// connection the report carries.
#pragma once
#include <cstdint>
#include <optional>

namespace gridhub::bench {

// utime + stime of `pid` in seconds (0 = this process); nullopt if the process is gone.
std::optional<double> process_cpu_seconds(int pid);
// Busy CPU seconds of the whole machine since boot (/proc/stat: everything but idle and iowait), to tell how
// much of the CPU other processes took during a run.
std::optional<double> machine_busy_seconds();
// VmRSS of `pid` in bytes; nullopt if the process is gone.
std::optional<uint64_t> process_rss_bytes(int pid);

}  // namespace gridhub::bench
