// The `gridhub serve` flags of operability: log format and who may scrape /metrics (the config keys log.format
// and http.metrics_public are in config.cpp; docs/operations.md).
#pragma once
#include <CLI/CLI.hpp>

#include "server/config.hpp"

namespace gridhub::server {

// --log-format, --metrics-public on the serve subcommand.
void add_operations_flags(CLI::App& serve, Config& config);

}  // namespace gridhub::server
