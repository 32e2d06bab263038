// Numbers are read with std::from_chars (correctly rounded), not a JSON library's double parser: a checker
// that rounded on its own would blame VictoriaMetrics for its own error.
#include "vm_text.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>

namespace gridhub::bench {

namespace {

template <class T>
void append_number(T v, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Parses "[n, n, ...]" starting at `pos` (at the '['); leaves pos after the ']'.
template <class T>
bool parse_array(std::string_view s, std::size_t& pos, std::vector<T>& out) {
  if (pos >= s.size() || s[pos] != '[') return false;
  ++pos;
  if (pos < s.size() && s[pos] == ']') {
    ++pos;
    return true;
  }
  while (pos < s.size()) {
    T v{};
    auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), v);
    if (ec != std::errc()) return false;
    out.push_back(v);
    pos = static_cast<std::size_t>(ptr - s.data());
    if (pos >= s.size()) return false;
    if (s[pos] == ']') {
      ++pos;
      return true;
    }
    if (s[pos] != ',') return false;
    ++pos;
  }
  return false;
}

}  // namespace

void append_import_line(std::string_view name, std::string_view device, std::span<const double> values,
                        std::span<const int64_t> timestamps, std::string& out) {
  out.append(R"({"metric":{"__name__":")").append(name).append(R"(","device":")").append(device);
  out.append(R"("},"values":[)");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    append_number(values[i], out);
  }
  out.append(R"(],"timestamps":[)");
  for (std::size_t i = 0; i < timestamps.size(); ++i) {
    if (i) out.push_back(',');
    append_number(timestamps[i], out);
  }
  out.append("]}\n");
}

bool parse_export(std::string_view body, std::vector<RawPoint>& out, std::string& error) {
  out.clear();
  std::size_t line_start = 0;
  int line_no = 0;
  std::vector<double> values;
  std::vector<int64_t> times;
  while (line_start < body.size()) {
    std::size_t line_end = body.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = body.size();
    const std::string_view line = body.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    ++line_no;
    if (line.empty()) continue;
    values.clear();
    times.clear();
    const std::size_t v = line.find(R"("values":)");
    const std::size_t t = line.find(R"("timestamps":)");
    if (v == std::string_view::npos || t == std::string_view::npos) {
      error = "export line " + std::to_string(line_no) + " has no values or timestamps";
      return false;
    }
    std::size_t vp = v + 9, tp = t + 13;
    if (!parse_array(line, vp, values) || !parse_array(line, tp, times) || values.size() != times.size()) {
      error = "export line " + std::to_string(line_no) + " is malformed";
      return false;
    }
    for (std::size_t i = 0; i < values.size(); ++i) out.push_back({times[i], values[i]});
  }
  std::stable_sort(out.begin(), out.end(), [](const RawPoint& a, const RawPoint& b) { return a.time_ms < b.time_ms; });
  return true;
}

bool parse_query_range(std::string_view body, std::vector<AvgBucket>& out, std::string& error) {
  namespace json = boost::json;
  out.clear();
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    error = "query_range reply is not JSON: " + std::string(body.substr(0, 200));
    return false;
  }
  const json::object& o = doc.get_object();
  const json::value* status = o.if_contains("status");
  if (!status || !status->is_string() || status->get_string() != "success") {
    error = "query_range failed: " + std::string(body.substr(0, 300));
    return false;
  }
  const json::value* result = nullptr;
  if (const json::value* data = o.if_contains("data"); data && data->is_object())
    result = data->get_object().if_contains("result");
  if (!result || !result->is_array()) {
    error = "query_range reply has no data.result";
    return false;
  }
  const json::array& series = result->get_array();
  if (series.empty()) return true;
  if (series.size() > 1 || !series[0].is_object()) {
    error = "query_range returned " + std::to_string(series.size()) + " series, expected one";
    return false;
  }
  const json::value* values = series[0].get_object().if_contains("values");
  if (!values || !values->is_array()) {
    error = "query_range series has no values";
    return false;
  }
  for (const json::value& pair : values->get_array()) {
    const json::array* a = pair.if_array();
    if (!a || a->size() != 2 || !(*a)[1].is_string()) {
      error = "query_range value is not [time, \"value\"]";
      return false;
    }
    double seconds = 0;
    if ((*a)[0].is_double()) seconds = (*a)[0].get_double();
    else if ((*a)[0].is_int64()) seconds = static_cast<double>((*a)[0].get_int64());
    else if ((*a)[0].is_uint64()) seconds = static_cast<double>((*a)[0].get_uint64());
    else {
      error = "query_range time is not a number";
      return false;
    }
    const json::string& text = (*a)[1].get_string();
    double v = 0;
    auto [ptr, fec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (fec != std::errc() || ptr != text.data() + text.size()) {
      error = "query_range value '" + std::string(text) + "' is not a number";
      return false;
    }
    out.push_back({std::llround(seconds * 1000.0), v});
  }
  return true;
}

double sum_metric(std::string_view text, std::string_view name, std::string_view label_filter) {
  double sum = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;  // a longer name that starts the same
    if (!label_filter.empty() && line.find(label_filter) == std::string_view::npos) continue;
    const std::size_t space = line.rfind(' ');
    double v = 0;
    auto [ptr, ec] = std::from_chars(line.data() + space + 1, line.data() + line.size(), v);
    if (ec == std::errc()) sum += v;
  }
  return sum;
}

}  // namespace gridhub::bench
