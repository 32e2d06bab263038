// The procedure every engine goes through, so the figures compare: ingest, settle, the two timed queries,
// and the bit-for-bit read-back check; the result is one JSON line.
#pragma once
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace gridhub::bench {

// Runs the benchmark on `engine` and returns the result line (JSON). `ok` is false when ingest or settle
// failed (the line then says where); query and read-back problems are reported in the line, not failures.
std::string run_benchmark(const TsdbBenchOptions& options, const Dataset& data, Engine& engine, bool& ok);

}  // namespace gridhub::bench
