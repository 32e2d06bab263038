// Time for the TSDB data API: request times (epoch ms, ISO-8601, or a device's local wall clock), device time
// zones ("+08:00" offsets and IANA names read from the system's TZif files), and "localtime" strings.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gridhub::api {

// Proleptic Gregorian calendar, days since 1970-01-01 (negative before).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d);
bool is_leap_year(int64_t y);
unsigned days_in_month(int64_t y, unsigned m);

// Latest instant a request may name: 9999-12-31T23:59:59.999Z. The earliest is the epoch.
inline constexpr int64_t kMaxRequestTimeMs = 253402300799999;

struct ZoneRules;  // a parsed TZif file (local_time.cpp)

// A device's time zone: a fixed offset, or the rules of an IANA zone (DST observed unless the device says
// otherwise). Cheap to copy (shares the parsed rules). Thread-safe: immutable.
class TimeZone {
 public:
  TimeZone() = default;  // UTC
  static TimeZone fixed(int32_t offset_s);
  // A TZif file's bytes (RFC 8536, versions 1-4, no leap-second tables). False with a reason otherwise.
  static bool from_tzif(std::string_view bytes, bool observe_dst, TimeZone& out, std::string& error);
  // A POSIX TZ string as in a TZif footer ("CST-8", "EST5EDT,M3.2.0,M11.1.0", "<-03>3<-02>,M3.5.0/-2,...").
  static bool from_posix(std::string_view tz, bool observe_dst, TimeZone& out, std::string& error);

  // Seconds east of UTC in effect at `utc_ms`.
  int32_t offset_at(int64_t utc_ms) const;
  // The instant a wall-clock time (ms since 1970-01-01 00:00 of the wall clock) names. A time that occurs
  // twice (DST ends) is the earlier instant; one that never occurs (DST starts) is the instant the clock
  // jumped. So the mapping never decreases: a <= b on the wall clock gives to_utc(a) <= to_utc(b).
  int64_t to_utc(int64_t wall_ms) const;

 private:
  friend TimeZone zone_for(std::string_view name, bool observe_dst, bool* known);

  int32_t fixed_offset_ = 0;
  std::shared_ptr<const ZoneRules> rules_;  // null: fixed_offset_
  bool observe_dst_ = true;
};

// "+08:00" / "-03:30" (fixed), else an IANA name read from /usr/share/zoneinfo (cached per name). `known` is
// false when the name has no readable, valid TZif file: that zone is then UTC (and logged once).
TimeZone zone_for(std::string_view name, bool observe_dst, bool* known = nullptr);

// A time parameter of a request.
struct RequestTime {
  enum class Kind : uint8_t { Absolute, Local };
  Kind kind = Kind::Absolute;
  int64_t ms = 0;  // Absolute: epoch ms. Local: wall-clock ms, to be read in each asset's zone.
};

// Text forms: epoch ms ("1700000000000"); ISO-8601 with a zone ("2026-11-24T08:00:00+08:00", "...Z", "+0800",
// "+08", fractions of a second); local "YYYY-MM-DD HH:mm:ss[.SSS]". Years 1970..9999; fractions beyond ms are
// truncated. False with a reason (that does not name the field) otherwise.
bool parse_request_time(std::string_view text, RequestTime& out, std::string& why);

// "YYYY-MM-DD HH:mm:ss[.SSS]" of `utc_ms` in `zone`; with_offset: "YYYY-MM-DDTHH:mm:ss[.SSS]+08:00".
std::string format_local_time(int64_t utc_ms, const TimeZone& zone, bool with_ms, bool with_offset);

}  // namespace gridhub::api
