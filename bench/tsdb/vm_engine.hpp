// VictoriaMetrics (a separate process run.sh starts on a free port with its own -storageDataPath), fed and
// queried over HTTP from this process.
#pragma once
#include <memory>
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace gridhub::bench {

bool open_vm_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error);

}  // namespace gridhub::bench
