// Provisioning for the command benchmark: the admin credential, and a product of its own for the bench
// devices (the devices themselves are created by bench/loadgen's device_creator).
#pragma once
#include <cstdint>
#include <string>

namespace gridhub::bench {

struct AdminCredential {
  std::string org_id, token;
};

// Reads DATA_DIR/admin.json {"orgId","token"}. False with `error` when unreadable or malformed.
bool read_admin(const std::string& path, AdminCredential& admin, std::string& error);

// products?action=create of `model_id` named `name` (product names are unique per OU: a re-run against the
// same server needs another name). False with `error` naming the HTTP status and answer on failure.
bool create_product(const std::string& host, uint16_t port, const AdminCredential& admin, const std::string& model_id,
                    const std::string& name, std::string& product_key, std::string& error);

}  // namespace gridhub::bench
