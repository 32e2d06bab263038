// The simulator's input: a day of measure points as CSV (`timeOfDay` H:MM:SS, then one column per point), as in
// shared/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv.
#pragma once
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::cli {

struct SimulationRow {
  int seconds_of_day = 0;                  // 0..86399
  std::vector<boost::json::value> values;  // one per point; null when the cell is empty (point not posted)
};

struct SimulationDay {
  std::vector<std::string> points;  // column names after timeOfDay
  std::vector<SimulationRow> rows;  // sorted by seconds_of_day, at most one row per second
};

// Bounds: at most kMaxSimulationRows rows (one a second) and kMaxSimulationPoints points.
inline constexpr std::size_t kMaxSimulationRows = 86'400;
inline constexpr std::size_t kMaxSimulationPoints = 1'000;

// Cells holding an integer become JSON integers (INT points such as cycle_number), other numbers doubles.
// Returns false with `error` naming the line for: no header or no timeOfDay first column, a time that is not
// H:MM:SS within a day, a row with another number of cells than the header, a cell that is not a number, two
// rows at the same time, no rows, or more rows/points than the bounds. CR-LF line ends are accepted.
bool parse_simulation_csv(std::string_view text, SimulationDay& out, std::string& error);

}  // namespace gridhub::cli
