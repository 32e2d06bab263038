// The `gridhub serve` command-line flags of the web console and the environment information (the config keys
// http.console_dir and http.public_host are in config.cpp).
#pragma once
#include <CLI/CLI.hpp>

#include "server/config.hpp"

namespace gridhub::server {

// --console-dir, --public-host on the serve subcommand.
void add_console_flags(CLI::App& serve, Config& config);

}  // namespace gridhub::server
