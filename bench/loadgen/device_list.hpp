// The devices the load generator logs in as: read from a file of JSON lines or one JSON array of
// {"productKey","deviceKey","deviceSecret"} objects (what `--create-devices` writes).
#pragma once
#include <string>
#include <vector>

namespace gridhub::bench {

struct DeviceCredentials {
  std::string product_key, device_key, device_secret;
};

// Returns false with `error` naming the line or element on unreadable or malformed input.
bool load_devices(const std::string& path, std::vector<DeviceCredentials>& out, std::string& error);

// One JSON line per device, in the format load_devices() reads.
std::string device_json_line(const DeviceCredentials& d);

}  // namespace gridhub::bench
