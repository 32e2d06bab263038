// Provisioning for a run: creates the bench devices through Gridhub's REST API (connect-service v2.1) over a
// few keep-alive HTTP connections, so 10,000 devices take seconds, not one curl process each.
#pragma once
#include <string>
#include <vector>

#include "loadgen/device_list.hpp"
#include "loadgen/options.hpp"

namespace gridhub::bench {

// Reads options.admin_file, creates a product of options.model_id when options.product_key is empty, then
// options.create_devices devices named <device_prefix><n> (n from 1). Returns false with `error` on the first
// failure (HTTP status, envelope code or transport error).
bool create_devices(const Options& options, std::vector<DeviceCredentials>& out, std::string& error);

}  // namespace gridhub::bench
