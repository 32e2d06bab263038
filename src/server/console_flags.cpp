// Console flags of `gridhub serve`.
#include "server/console_flags.hpp"

namespace gridhub::server {

void add_console_flags(CLI::App& serve, Config& config) {
  serve.add_option("--console-dir", config.console_dir,
                   "serve the web console from this directory, read per request (node console/build.mjs DIR --dev)");
  serve.add_option("--public-host", config.public_host,
                   "host name or IP address devices should use (environment information; default: the browser's)");
}

}  // namespace gridhub::server
