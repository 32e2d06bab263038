// The `gridhub serve` command-line flags for TLS (the config keys are in config.cpp).
#pragma once
#include <CLI/CLI.hpp>

#include "server/config.hpp"

namespace gridhub::server {

// --tls-port, --no-mqtt-tls, --https, --tls-cert, --tls-key on the serve subcommand.
void add_tls_flags(CLI::App& serve, Config& config);

}  // namespace gridhub::server
