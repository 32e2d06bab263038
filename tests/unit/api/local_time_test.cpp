// Request times, device time zones (fixed offsets, TZif files, POSIX rules) and localtime strings.
#include "api/local_time.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gridhub::api {
namespace {

constexpr int64_t kHour = 3600 * 1000;

int64_t utc(int64_t y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return (days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s) * 1000 + ms;
}

RequestTime parsed(std::string_view text) {
  RequestTime t;
  std::string why;
  EXPECT_TRUE(parse_request_time(text, t, why)) << text << ": " << why;
  return t;
}

std::string refused(std::string_view text) {
  RequestTime t;
  std::string why;
  EXPECT_FALSE(parse_request_time(text, t, why)) << text;
  return why;
}

std::string read_zone(const std::string& name) {
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool have_zone(const std::string& name) { return std::filesystem::exists("/usr/share/zoneinfo/" + name); }

TimeZone posix(std::string_view tz, bool dst = true) {
  TimeZone z;
  std::string error;
  EXPECT_TRUE(TimeZone::from_posix(tz, dst, z, error)) << tz << ": " << error;
  return z;
}

TEST(LocalTimeCalendar, CivilDaysRoundTripAndKnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  for (int64_t days = -800000; days <= 3000000; days += 97) {
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    ASSERT_EQ(days_from_civil(y, m, d), days);
    ASSERT_GE(d, 1u);
    ASSERT_LE(d, days_in_month(y, m));
  }
}

TEST(LocalTimeCalendar, LeapYears) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2100, 2), 28u);
  EXPECT_EQ(days_in_month(2026, 12), 31u);
  EXPECT_EQ(days_in_month(2026, 13), 0u);
}

TEST(LocalTimeParse, EpochMillisecondsAtTheBounds) {
  EXPECT_EQ(parsed("0").ms, 0);
  EXPECT_EQ(parsed("1700000000000").kind, RequestTime::Kind::Absolute);
  EXPECT_EQ(parsed("1700000000000").ms, 1700000000000);
  EXPECT_EQ(parsed("253402300799999").ms, kMaxRequestTimeMs);
  EXPECT_NE(refused("253402300800000").find("9999"), std::string::npos);
  EXPECT_NE(refused("1000000000000000").find("9999"), std::string::npos);
  refused("-1");
  refused("");
  refused("17e11");
}

TEST(LocalTimeParse, IsoWithZoneIsOneInstant) {
  const int64_t t = utc(2026, 11, 24, 0, 0, 0);
  EXPECT_EQ(parsed("2026-11-24T08:00:00+08:00").ms, t);
  EXPECT_EQ(parsed("2026-11-24T08:00:00+0800").ms, t);
  EXPECT_EQ(parsed("2026-11-24T08:00:00+08").ms, t);
  EXPECT_EQ(parsed("2026-11-24T00:00:00Z").ms, t);
  EXPECT_EQ(parsed("2026-11-23T20:30:00-03:30").ms, t);
  EXPECT_EQ(parsed("2026-11-24 00:00:00Z").ms, t);  // RFC 3339 allows the space
  EXPECT_EQ(parsed("2026-11-24T00:00:00.5Z").ms, t + 500);
  EXPECT_EQ(parsed("2026-11-24T00:00:00.123456789Z").ms, t + 123);
  EXPECT_EQ(parsed("  2026-11-24T00:00:00Z ").ms, t);
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z").ms, 0);
  EXPECT_EQ(parsed("9999-12-31T23:59:59.999Z").ms, kMaxRequestTimeMs);
}

TEST(LocalTimeParse, LocalWallClock) {
  auto t = parsed("2026-11-24 08:00:00");
  EXPECT_EQ(t.kind, RequestTime::Kind::Local);
  EXPECT_EQ(t.ms, utc(2026, 11, 24, 8));
  EXPECT_EQ(parsed("2026-11-24 08:00:00.042").ms, utc(2026, 11, 24, 8, 0, 0, 42));
  EXPECT_EQ(parsed("2024-02-29 23:59:59").ms, utc(2024, 2, 29, 23, 59, 59));
}

TEST(LocalTimeParse, BadTimesAreRefusedWithAReason) {
  EXPECT_NE(refused("2026-11-24T08:00:00").find("no zone"), std::string::npos);
  EXPECT_NE(refused("2023-02-29 00:00:00").find("valid"), std::string::npos);  // not a leap year
  refused("1900-02-29 00:00:00");
  refused("2026-13-01 00:00:00");
  refused("2026-04-31 00:00:00");
  refused("2026-01-01 24:00:00");
  refused("2026-01-01 23:60:00");
  refused("2026-01-01 23:59:60");
  refused("1969-12-31 23:59:59");
  EXPECT_NE(refused("1969-12-31T23:59:59Z").find("1970"), std::string::npos);
  EXPECT_NE(refused("1970-01-01T07:59:59+08:00").find("1970"), std::string::npos);
  EXPECT_NE(refused("9999-12-31T23:59:59-01:00").find("9999"), std::string::npos);
  refused("2026-01-01T00:00:00+19:00");
  refused("2026-01-01T00:00:00+08:60");
  refused("2026-01-01T00:00:00+8");
  refused("2026-01-01T00:00:00.Z");
  refused("2026-01-01T00:00:00ZZ");
  refused("2026-1-01 00:00:00");
  refused("2026-01-01");
  refused("yesterday");
}

TEST(LocalTimeFormat, FixedOffsetsBothSigns) {
  const int64_t t = utc(2026, 11, 24, 0, 0, 0, 7);
  EXPECT_EQ(format_local_time(t, TimeZone::fixed(8 * 3600), false, false), "2026-11-24 08:00:00");
  EXPECT_EQ(format_local_time(t, TimeZone::fixed(8 * 3600), true, false), "2026-11-24 08:00:00.007");
  EXPECT_EQ(format_local_time(t, TimeZone::fixed(-(3 * 3600 + 1800)), false, true),
            "2026-11-23T20:30:00-03:30");
  EXPECT_EQ(format_local_time(t, TimeZone(), true, true), "2026-11-24T00:00:00.007+00:00");
  EXPECT_EQ(format_local_time(utc(2024, 2, 29, 16), TimeZone::fixed(8 * 3600), false, false),
            "2024-03-01 00:00:00");
  EXPECT_EQ(format_local_time(0, TimeZone::fixed(-5 * 3600), false, false), "1969-12-31 19:00:00");
}

TEST(LocalTimeZone, FixedOffsetNamesAndUnknownNames) {
  bool known = false;
  EXPECT_EQ(zone_for("+08:00", true, &known).offset_at(0), 8 * 3600);
  EXPECT_TRUE(known);
  EXPECT_EQ(zone_for("-03:30", true).offset_at(0), -(3 * 3600 + 1800));
  EXPECT_EQ(zone_for("+08:00", true).to_utc(utc(2026, 1, 1, 8)), utc(2026, 1, 1));
  for (const char* bad :
       {"Nowhere/Atlantis", "../../etc/passwd", "/etc/passwd", "Asia//Shanghai", "", "+25:00"}) {
    known = true;
    const TimeZone z = zone_for(bad, true, &known);
    EXPECT_FALSE(known) << bad;
    EXPECT_EQ(z.offset_at(utc(2026, 7, 1)), 0) << bad;  // read as UTC
  }
}

TEST(LocalTimeZone, NewYorkFromTheSystemTzif) {
  if (!have_zone("America/New_York")) GTEST_SKIP() << "no tzdata";
  bool known = false;
  const TimeZone ny = zone_for("America/New_York", true, &known);
  ASSERT_TRUE(known);
  // DST 2026 starts Mar 8 at 02:00 EST (07:00Z) and ends Nov 1 at 02:00 EDT (06:00Z).
  EXPECT_EQ(ny.offset_at(utc(2026, 3, 8, 7) - 1), -5 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2026, 3, 8, 7)), -4 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2026, 11, 1, 6) - 1), -4 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2026, 11, 1, 6)), -5 * 3600);
  // Past the file's explicit transitions the footer rule (EST5EDT,M3.2.0,M11.1.0) takes over.
  EXPECT_EQ(ny.offset_at(utc(2090, 7, 1)), -4 * 3600);
  EXPECT_EQ(ny.offset_at(utc(2090, 1, 1)), -5 * 3600);
  EXPECT_EQ(format_local_time(utc(2026, 7, 1, 16), ny, false, true), "2026-07-01T12:00:00-04:00");
  // A device that does not observe DST stays on standard time.
  EXPECT_EQ(zone_for("America/New_York", false).offset_at(utc(2026, 7, 1)), -5 * 3600);
}

TEST(LocalTimeZone, WallClockGapsAndFoldsMapMonotonically) {
  if (!have_zone("America/New_York")) GTEST_SKIP() << "no tzdata";
  const TimeZone ny = zone_for("America/New_York", true);
  // 02:30 on Mar 8 never happens: it is the instant the clock jumped (07:00Z).
  EXPECT_EQ(ny.to_utc(utc(2026, 3, 8, 2, 30)), utc(2026, 3, 8, 7));
  EXPECT_EQ(ny.to_utc(utc(2026, 3, 8, 1, 59, 59, 999)), utc(2026, 3, 8, 6, 59, 59, 999));
  EXPECT_EQ(ny.to_utc(utc(2026, 3, 8, 3)), utc(2026, 3, 8, 7));
  // 01:30 on Nov 1 happens twice: the earlier (EDT) instant.
  EXPECT_EQ(ny.to_utc(utc(2026, 11, 1, 1, 30)), utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(ny.to_utc(utc(2026, 11, 1, 2)), utc(2026, 11, 1, 7));
  for (int64_t day :
       {days_from_civil(2026, 3, 7), days_from_civil(2026, 10, 31), days_from_civil(2095, 3, 10)}) {
    int64_t prev = INT64_MIN;
    for (int64_t wall = day * 86400000; wall < (day + 3) * 86400000; wall += 15 * 60000) {
      const int64_t u = ny.to_utc(wall);
      ASSERT_GE(u, prev) << wall;
      prev = u;
      const int64_t back = u + int64_t{ny.offset_at(u)} * 1000;
      ASSERT_TRUE(back == wall || back > wall) << wall;  // equal unless wall is in a gap
    }
  }
}

TEST(LocalTimeZone, SouthernHemisphereAndHistoricalRules) {
  if (!have_zone("Australia/Sydney") || !have_zone("Asia/Shanghai")) GTEST_SKIP() << "no tzdata";
  const TimeZone syd = zone_for("Australia/Sydney", true);
  EXPECT_EQ(syd.offset_at(utc(2060, 1, 15)), 11 * 3600);
  EXPECT_EQ(syd.offset_at(utc(2060, 7, 15)), 10 * 3600);
  const TimeZone sh = zone_for("Asia/Shanghai", true);
  EXPECT_EQ(sh.offset_at(utc(1988, 7, 1)), 9 * 3600);  // China observed DST 1986-1991
  EXPECT_EQ(sh.offset_at(utc(2026, 7, 1)), 8 * 3600);
  EXPECT_EQ(format_local_time(utc(2026, 11, 24), sh, false, false), "2026-11-24 08:00:00");
}

TEST(LocalTimeZone, PosixRules) {
  const TimeZone us = posix("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(us.offset_at(utc(2026, 3, 8, 7) - 1), -5 * 3600);
  EXPECT_EQ(us.offset_at(utc(2026, 3, 8, 7)), -4 * 3600);
  EXPECT_EQ(posix("EST5EDT").offset_at(utc(2026, 7, 1)), -4 * 3600);  // default US rule
  EXPECT_EQ(posix("CST-8").offset_at(utc(2026, 7, 1)), 8 * 3600);
  // Version 3 rules: negative transition times (America/Nuuk).
  const TimeZone nuuk = posix("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  EXPECT_EQ(nuuk.offset_at(utc(2060, 7, 1)), -1 * 3600);
  EXPECT_EQ(nuuk.offset_at(utc(2060, 1, 1)), -2 * 3600);
  // Julian days: J60 is always March 1.
  const TimeZone j = posix("AAA0BBB,J60/0,J305/0");
  EXPECT_EQ(j.offset_at(utc(2024, 3, 1) - 1), 0);
  EXPECT_EQ(j.offset_at(utc(2024, 3, 1)), 3600);
  // Permanent DST written as a rule that ends when it starts.
  const TimeZone always = posix("EST5EDT,0/0,J365/25");
  for (unsigned m = 1; m <= 12; ++m) EXPECT_EQ(always.offset_at(utc(2030, m, 15)), -4 * 3600) << m;
  EXPECT_EQ(posix("EST5EDT,M3.2.0,M11.1.0", false).offset_at(utc(2026, 7, 1)), -5 * 3600);
  for (const char* bad :
       {"", "E5", "EST", "EST5,M3.2.0,M11.1.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
        "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,J0,J365", "EST25", "<ES>5",
        "EST5EDT,M3.2.0/200,M11.1.0", "EST5EDT,M3.2.0,M11.1.0x"}) {
    TimeZone z;
    std::string error;
    EXPECT_FALSE(TimeZone::from_posix(bad, true, z, error)) << bad;
  }
}

TEST(LocalTimeZone, DamagedTzifNeverCrashes) {
  if (!have_zone("America/New_York")) GTEST_SKIP() << "no tzdata";
  const std::string good = read_zone("America/New_York");
  TimeZone z;
  std::string error;
  ASSERT_TRUE(TimeZone::from_tzif(good, true, z, error)) << error;
  EXPECT_EQ(z.offset_at(utc(2026, 7, 1)), -4 * 3600);
  int accepted = 0;
  for (std::size_t n = 0; n < good.size(); ++n) {
    TimeZone t;
    if (TimeZone::from_tzif(std::string_view(good).substr(0, n), true, t, error)) ++accepted;
  }
  EXPECT_EQ(accepted, 0);  // the footer's final newline is part of the file
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    TimeZone t;
    if (TimeZone::from_tzif(bad, true, t, error)) {
      (void)t.offset_at(utc(2026, 7, 1));
      (void)t.to_utc(utc(2026, 3, 8, 2, 30));
    }
  }
  EXPECT_FALSE(TimeZone::from_tzif("TZif", true, z, error));
  EXPECT_FALSE(TimeZone::from_tzif(std::string(64, '\0'), true, z, error));
  EXPECT_EQ(error, "not a TZif file");
}

TEST(LocalTimeZone, LeapSecondFilesAreRefused) {
  if (!have_zone("right/UTC")) GTEST_SKIP() << "no right/ zones";
  TimeZone z;
  std::string error;
  EXPECT_FALSE(TimeZone::from_tzif(read_zone("right/UTC"), true, z, error));
  EXPECT_NE(error.find("leap"), std::string::npos);
}

}  // namespace
}  // namespace gridhub::api
