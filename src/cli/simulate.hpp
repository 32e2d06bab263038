// `gridhub simulate`: devices replaying a CSV day of measure points through the device SDK (the lab's
// "simulate measure points" step, and the load generator of the benchmarks).
#pragma once
#include <CLI/CLI.hpp>

namespace gridhub::cli {

// Adds the `simulate` subcommand. After parsing, run_simulate() runs it when it was selected and returns the
// exit code; it returns -1 when `simulate` was not selected.
void add_simulate_command(CLI::App& app);
int run_simulate();

}  // namespace gridhub::cli
