// The `gridhub` admin commands (model, product, device, user, app, org): each is one call to the REST API.
#pragma once
#include <CLI/CLI.hpp>

namespace gridhub::cli {

// Adds the admin subcommands to `app`. After app.parse(), run_selected() runs the chosen one and returns the
// exit code (0 when the API answered code 0), or -1 when none of them was selected.
void add_commands(CLI::App& app);
int run_selected();

}  // namespace gridhub::cli
