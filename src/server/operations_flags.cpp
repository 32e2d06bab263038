// Operability flags of `gridhub serve`.
#include "server/operations_flags.hpp"

namespace gridhub::server {

void add_operations_flags(CLI::App& serve, Config& config) {
  serve.add_option("--log-format", config.log_format, "text | json (one JSON object per line on stderr)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  serve.add_flag("--metrics-public", config.metrics_public,
                 "serve GET /metrics without a credential (otherwise: Authorization: Bearer <token>)");
}

}  // namespace gridhub::server
