// The web console built into the binary: defined by the file cmake/console.cmake generates (the bundle's files
// included with the assembler's .incbin), empty when the build has GRIDHUB_CONSOLE=OFF.
#pragma once
#include <vector>

#include "api/console_assets.hpp"

namespace gridhub::server {

// The table of the built-in console, with each file's ETag computed (once per call: call it once at start-up).
std::vector<api::ConsoleAsset> embedded_console_assets();

}  // namespace gridhub::server
