// Parsing of the simulator's CSV day.
#include "cli/simulate_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace gridhub::cli {

namespace {

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> cells;
  for (;;) {
    auto comma = line.find(',');
    auto cell = line.substr(0, comma);
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
    cells.push_back(cell);
    if (comma == std::string_view::npos) return cells;
    line.remove_prefix(comma + 1);
  }
}

bool parse_int(std::string_view s, int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// H:MM:SS (H 0..23, also HH).
bool parse_time_of_day(std::string_view s, int& seconds) {
  auto c1 = s.find(':');
  auto c2 = s.rfind(':');
  if (c1 == std::string_view::npos || c1 == c2) return false;
  int h = 0, m = 0, sec = 0;
  if (!parse_int(s.substr(0, c1), h) || !parse_int(s.substr(c1 + 1, c2 - c1 - 1), m) ||
      !parse_int(s.substr(c2 + 1), sec) || s.size() - c2 - 1 != 2 || c2 - c1 - 1 != 2)
    return false;
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return false;
  seconds = h * 3600 + m * 60 + sec;
  return true;
}

bool parse_number(std::string_view s, boost::json::value& out) {
  if (s.empty()) {
    out = nullptr;
    return true;
  }
  int64_t i = 0;
  auto [iend, iec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (iec == std::errc() && iend == s.data() + s.size()) {
    out = i;
    return true;
  }
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec == std::errc() && dend == s.data() + s.size() && std::isfinite(d)) {
    out = d;
    return true;
  }
  return false;
}

}  // namespace

bool parse_simulation_csv(std::string_view text, SimulationDay& out, std::string& error) {
  out = {};
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a BOM from spreadsheet exports
  std::size_t line_no = 0;
  bool header = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto cells = split(line);
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (!header) {
      if (cells.size() < 2 || cells[0] != "timeOfDay")
        return error = where + "the header must be timeOfDay,<point>,...", false;
      if (cells.size() - 1 > kMaxSimulationPoints)
        return error = where + "more than " + std::to_string(kMaxSimulationPoints) + " points", false;
      for (std::size_t i = 1; i < cells.size(); ++i) {
        if (cells[i].empty()) return error = where + "empty point name", false;
        out.points.emplace_back(cells[i]);
      }
      header = true;
      continue;
    }
    if (cells.size() != out.points.size() + 1)
      return error = where + "expected " + std::to_string(out.points.size() + 1) + " cells", false;
    SimulationRow row;
    if (!parse_time_of_day(cells[0], row.seconds_of_day))
      return error = where + "timeOfDay '" + std::string(cells[0]) + "' is not H:MM:SS within a day", false;
    for (std::size_t i = 1; i < cells.size(); ++i) {
      boost::json::value v;
      if (!parse_number(cells[i], v))
        return error = where + "'" + std::string(cells[i]) + "' (" + out.points[i - 1] + ") is not a number", false;
      row.values.push_back(std::move(v));
    }
    if (out.rows.size() == kMaxSimulationRows)
      return error = where + "more than " + std::to_string(kMaxSimulationRows) + " rows", false;
    out.rows.push_back(std::move(row));
  }
  if (!header) return error = "no header (timeOfDay,<point>,...)", false;
  if (out.rows.empty()) return error = "no rows", false;
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const auto& a, const auto& b) { return a.seconds_of_day < b.seconds_of_day; });
  for (std::size_t i = 1; i < out.rows.size(); ++i)
    if (out.rows[i].seconds_of_day == out.rows[i - 1].seconds_of_day)
      return error = "two rows at the same timeOfDay (" + std::to_string(out.rows[i].seconds_of_day) + " s)", false;
  return true;
}

}  // namespace gridhub::cli
