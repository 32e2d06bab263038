// What the process costs, read from /proc/self when scraped (Linux).
#pragma once
#include <cstdint>
#include <string_view>

namespace gridhub::metrics {

// Resident set size in bytes from /proc/self/statm (its second field, in pages); 0 when unreadable.
uint64_t resident_memory_bytes();
// Parses a statm line ("size resident shared ...", in pages); 0 when it does not hold two numbers.
uint64_t resident_pages_from_statm(std::string_view statm);
// Open file descriptors: the entries of /proc/self/fd (less the one the listing itself holds); 0 when
// unreadable.
uint64_t open_fds();

}  // namespace gridhub::metrics
