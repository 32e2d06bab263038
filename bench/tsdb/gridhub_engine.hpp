// Gridhub's embedded store in this process (tsdb::open_store in a fresh dir), driven through its public seam
// only: append, compact, flush, range, aggregate, stats.
#pragma once
#include <memory>
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace gridhub::bench {

bool open_gridhub_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error);

}  // namespace gridhub::bench
