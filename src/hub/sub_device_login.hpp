// Whether a gateway may log a sub-device in (spec §4.6 combine/login): the sub-device exists in the gateway's
// OU, is enabled, is in the gateway's topology, and the sign proves its secret.
#pragma once
#include <string>
#include <string_view>

#include "hub/handler.hpp"
#include "hub/registry_view.hpp"

namespace gridhub::hub {

struct SubLoginRequest {
  std::string_view product_key, device_key, client_id, sign_method, sign;
  std::string timestamp;  // as the gateway wrote it (Python's float seconds included)
  std::string_view secure_mode = "2";  // "2": the sub-device's secret; "3": its product secret (dynamic activation)
};

struct SubLoginDecision {
  int code = enos::kSuccess;
  std::string message;                  // why it was refused (never a secret)
  const DeviceEntry* device = nullptr;  // the sub-device when accepted (points into the snapshot)
  bool activated = false;               // secure mode 3: the reply hands the device its secret
};

// Pure. Codes: 460 missing fields or an unknown sign method / secure mode, 402 no such device (in the gateway's
// OU), 401 disabled, not in the gateway's topology, dynamic activation not allowed, or a wrong sign.
SubLoginDecision decide_sub_login(const Snapshot& snapshot, const DeviceIdentity& gateway, const SubLoginRequest& r);

// Reads combine/login's params (or one entry of login/batch with the batch's shared clientId, timestamp and
// signMethod filled in by the caller) into a request. The views point into `params`.
SubLoginRequest read_sub_login(const boost::json::object& params);

}  // namespace gridhub::hub
