// The registry's SQLite schema and its migrations (schema_version table).
#pragma once
#include <boost/system/result.hpp>

#include "registry/sqlite_db.hpp"

namespace gridhub::registry {

// The schema version this build writes.
inline constexpr int kSchemaVersion = 2;

// Creates the schema in an empty database or migrates an older one up to kSchemaVersion, in one transaction.
// errc::schema_too_new when the file is from a newer build.
boost::system::result<void> ensure_schema(SqliteDb& db);

}  // namespace gridhub::registry
