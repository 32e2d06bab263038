// The Prometheus text exposition format 0.0.4, the writing side: escaping, number spelling, the sample line.
// Every metric type renders itself through these, so the format's rules live in one place.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace gridhub::metrics {

// What GET /metrics answers with (Prometheus negotiates this version when it asks for text).
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value between its quotes: '\\' -> "\\\\", '"' -> "\\\"", newline -> "\\n"; every other byte as is.
void append_label_value(std::string_view value, std::string& out);

// A # HELP text: '\\' -> "\\\\" and newline -> "\\n" (quotes stay as they are).
void append_help_text(std::string_view help, std::string& out);

// Sample values: integers in decimal; doubles in their shortest round-trip form, and "NaN", "+Inf", "-Inf".
void append_value(uint64_t value, std::string& out);
void append_value(int64_t value, std::string& out);
void append_value(double value, std::string& out);

// "# HELP name help\n# TYPE name type\n": the header of one metric family.
void append_header(std::string_view name, std::string_view help, std::string_view type, std::string& out);

// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label name ([a-zA-Z_][a-zA-Z0-9_]*, not "__*").
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

}  // namespace gridhub::metrics
