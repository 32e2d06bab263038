// `gridhub simulate`'s CSV day (src/cli/simulate_csv.cpp): it feeds the SDK, so its tests live with the SDK's.
#include "cli/simulate_csv.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace gridhub::cli;

TEST(SimulationCsv, ReadsTheSeedSample) {
  std::ifstream in(GRIDHUB_SHARED_DIR "/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  SimulationDay day;
  std::string error;
  ASSERT_TRUE(parse_simulation_csv(ss.str(), day, error)) << error;
  EXPECT_EQ(day.points, (std::vector<std::string>{"cycle_number", "current", "voltage", "temp"}));
  ASSERT_EQ(day.rows.size(), 1440u);  // one a minute
  EXPECT_EQ(day.rows[1].seconds_of_day, 60);
  EXPECT_EQ(day.rows.back().seconds_of_day, 23 * 3600 + 59 * 60);
  EXPECT_TRUE(day.rows[0].values[0].is_int64());  // cycle_number is an INT point
  EXPECT_EQ(day.rows[0].values[1], 23.55);
}

TEST(SimulationCsv, SortsRowsAndKeepsEmptyCellsAsNull) {
  SimulationDay day;
  std::string error;
  ASSERT_TRUE(parse_simulation_csv("\xEF\xBB\xBFtimeOfDay,a,b\r\n0:01:00,1,\r\n0:00:30,2.5,3\r\n", day, error)) << error;
  ASSERT_EQ(day.rows.size(), 2u);
  EXPECT_EQ(day.rows[0].seconds_of_day, 30);
  EXPECT_TRUE(day.rows[1].values[1].is_null());
}

TEST(SimulationCsv, TimeOfDayBounds) {
  SimulationDay day;
  std::string error;
  EXPECT_TRUE(parse_simulation_csv("timeOfDay,a\n23:59:59,1\n", day, error)) << error;
  EXPECT_EQ(day.rows[0].seconds_of_day, 86399);
  for (const char* bad : {"24:00:00", "0:60:00", "0:00:60", "0:0:00", "00:00", "x", "-1:00:00"}) {
    EXPECT_FALSE(parse_simulation_csv(std::string("timeOfDay,a\n") + bad + ",1\n", day, error)) << bad;
    EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  }
}

TEST(SimulationCsv, BadInputIsNamed) {
  SimulationDay day;
  std::string error;
  EXPECT_FALSE(parse_simulation_csv("", day, error));
  EXPECT_FALSE(parse_simulation_csv("time,a\n0:00:00,1\n", day, error));
  EXPECT_FALSE(parse_simulation_csv("timeOfDay,a\n", day, error));
  EXPECT_EQ(error, "no rows");
  EXPECT_FALSE(parse_simulation_csv("timeOfDay,a\n0:00:00,1,2\n", day, error));
  EXPECT_FALSE(parse_simulation_csv("timeOfDay,a\n0:00:00,abc\n", day, error));
  EXPECT_NE(error.find("'abc' (a) is not a number"), std::string::npos) << error;
  EXPECT_FALSE(parse_simulation_csv("timeOfDay,a\n0:00:00,1\n0:00:00,2\n", day, error));
}

TEST(SimulationCsv, PointBoundAtNAndNPlusOne) {
  auto csv = [](std::size_t points) {
    std::string header = "timeOfDay", row = "0:00:00";
    for (std::size_t i = 0; i < points; ++i) {
      header += ",p" + std::to_string(i);
      row += ",1";
    }
    return header + "\n" + row + "\n";
  };
  SimulationDay day;
  std::string error;
  EXPECT_TRUE(parse_simulation_csv(csv(kMaxSimulationPoints), day, error)) << error;
  EXPECT_FALSE(parse_simulation_csv(csv(kMaxSimulationPoints + 1), day, error));
}

TEST(SimulationCsv, RowBoundAtNAndNPlusOne) {
  std::string csv = "timeOfDay,a\n";
  for (int t = 0; t < 86400; ++t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d,1\n", t / 3600, t / 60 % 60, t % 60);
    csv += buf;
  }
  SimulationDay day;
  std::string error;
  EXPECT_TRUE(parse_simulation_csv(csv, day, error)) << error;  // every second of a day: N rows
  EXPECT_EQ(day.rows.size(), kMaxSimulationRows);
  EXPECT_FALSE(parse_simulation_csv(csv + "0:00:00,2\n", day, error));  // N+1
}
