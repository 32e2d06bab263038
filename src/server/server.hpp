// `gridhub serve`: opens the registry and the store under the data dir, runs the hub and the API on one
// io_context per core, and shuts everything down cleanly on SIGINT/SIGTERM.
#pragma once
#include "server/config.hpp"

namespace gridhub::server {

// Runs until a signal arrives. Returns the process exit code.
int run_server(const Config& config);

}  // namespace gridhub::server
