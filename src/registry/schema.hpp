// The registry's SQLite schema and its migrations (schema_version table).
#pragma once
#include <boost/system/result.hpp>
#include <span>

#include "registry/sqlite_db.hpp"

namespace gridhub::registry {

// The schema version this build writes.
inline constexpr int kSchemaVersion = 5;

// Creates the schema in an empty database or migrates an older one up to kSchemaVersion, in one transaction.
// errc::schema_too_new when the file is from a newer build.
boost::system::result<void> ensure_schema(SqliteDb& db);

// The migration driver itself, shared with the event log (its own file, its own versions): migrations[i]
// takes version i to i + 1, so the file ends at version migrations.size(). One transaction; schema_too_new
// when the file's version is above migrations.size().
boost::system::result<void> apply_migrations(SqliteDb& db, std::span<const char* const> migrations);

}  // namespace gridhub::registry
