// VictoriaMetrics' text formats, sans-I/O: the JSON lines /api/v1/import takes and /api/v1/export gives,
// /api/v1/query_range's JSON and the Prometheus text of /metrics.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine.hpp"

namespace gridhub::bench {

// Appends one import line: {"metric":{"__name__":NAME,"device":DEVICE},"values":[..],"timestamps":[..]}.
// Values are written the shortest way that reads back bit-identical (std::to_chars), so whatever
// VictoriaMetrics changes is its own rounding. REQUIRES: values.size() == timestamps.size(), finite values,
// names without characters JSON must escape.
void append_import_line(std::string_view name, std::string_view device, std::span<const double> values,
                        std::span<const int64_t> timestamps, std::string& out);

// Every point of every line of an export body (one series may span several lines), sorted by time.
// False with a message on malformed input.
bool parse_export(std::string_view body, std::vector<RawPoint>& out, std::string& error);

// The one series of a query_range "matrix" reply: [seconds, "value"] pairs as (ms, double). An empty result
// is no points; more than one series is an error.
bool parse_query_range(std::string_view body, std::vector<AvgBucket>& out, std::string& error);

// Sum of every sample of metric `name` in Prometheus text whose line contains `label_filter` (empty: any
// labels); 0 if absent.
double sum_metric(std::string_view metrics_text, std::string_view name, std::string_view label_filter = {});

}  // namespace gridhub::bench
