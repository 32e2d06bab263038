// /proc/PID/stat fields 14 and 15 (after the parenthesised command, which may itself contain spaces and ')').
#include "loadgen/proc_stat.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace gridhub::bench {

namespace {
std::string proc_path(int pid, const char* file) {
  return pid == 0 ? std::string("/proc/self/") + file : "/proc/" + std::to_string(pid) + "/" + file;
}
}  // namespace

std::optional<double> process_cpu_seconds(int pid) {
  std::ifstream in(proc_path(pid, "stat"));
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 1));
  // After ')': state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt(10) cminflt(11) majflt(12)
  // cmajflt(13) utime(14) stime(15).
  std::string field;
  for (int i = 3; i <= 13; ++i) rest >> field;
  unsigned long long utime = 0, stime = 0;
  if (!(rest >> utime >> stime)) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<double> machine_busy_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  // cpu user nice system idle iowait irq softirq steal ...
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu")
    return std::nullopt;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<uint64_t> process_rss_bytes(int pid) {
  std::ifstream in(proc_path(pid, "status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      uint64_t kib = 0;
      if (fields >> kib) return kib * 1024;
    }
  }
  return std::nullopt;
}

}  // namespace gridhub::bench
