// VmHWM is the kernel's own high-water mark of VmRSS: no sampling thread can miss a short peak.
#include "proc_usage.hpp"

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

namespace gridhub::bench {

std::optional<uint64_t> process_peak_rss_bytes(int pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status") : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      uint64_t kib = 0;
      if (fields >> kib) return kib * 1024;
    }
  }
  return std::nullopt;
}

double self_cpu_seconds() {
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

}  // namespace gridhub::bench
