// Opening the SQLite-backed Registry: one file, WAL mode, schema created or migrated on open.
#pragma once
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "registry/keys.hpp"
#include "registry/registry.hpp"

namespace gridhub::registry {

// Opens/creates `path` (WAL mode, foreign keys on, busy_timeout, schema created or migrated through the
// schema_version table). errc::storage_error (with SQLite's message) or errc::schema_too_new. The returned
// registry runs one presence writer thread; destroying it writes what is still queued.
boost::system::result<std::unique_ptr<Registry>> open_sqlite_registry(const std::string& path);

}  // namespace gridhub::registry
