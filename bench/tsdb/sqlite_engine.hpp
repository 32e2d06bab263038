// SQLite in this process: one WITHOUT ROWID table keyed by (series, time), the way a small self-hosted
// platform would keep telemetry in its registry database.
#pragma once
#include <memory>
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace gridhub::bench {

bool open_sqlite_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error);

}  // namespace gridhub::bench
