// Bytes a directory tree takes on disk: allocated (what du prints) and apparent (file sizes), per top-level
// entry so a report can say exactly what it counted.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace gridhub::bench {

struct DiskUsage {
  uint64_t allocated = 0;  // st_blocks * 512, like du
  uint64_t apparent = 0;   // st_size of regular files, like du -b
};

// Usage of every top-level entry of `dir` (files and directory trees, recursively; symlinks not followed).
// False with a message if `dir` cannot be read. Files that vanish during the walk (an engine deleting merged
// parts) are skipped.
bool usage_by_entry(const std::string& dir, std::map<std::string, DiskUsage>& out, std::string& error);

// Usage of a whole tree.
bool usage_of(const std::string& path, DiskUsage& out, std::string& error);

}  // namespace gridhub::bench
