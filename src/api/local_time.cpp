// Calendar arithmetic, TZif files and POSIX TZ rules (RFC 8536), request time parsing and "localtime"
// strings.
#include "api/local_time.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace gridhub::api {

// The parsed rules of one zone. Transition times are UTC seconds; offsets are seconds east of UTC.
struct ZoneRules {
  // A date in a POSIX TZ rule: Jn (1..365, Feb 29 never counted), n (0..365), or Mm.w.d.
  struct RuleDate {
    char kind = 'M';  // 'J', 'D' (plain n) or 'M'
    int a = 0, b = 0, c = 0;
  };
  // The footer rule, for instants after the last explicit transition.
  struct Posix {
    int32_t std_offset = 0;
    bool has_dst = false;
    int32_t dst_offset = 0;
    RuleDate start, end;
    int32_t start_time = 7200, end_time = 7200;  // local seconds after midnight; may be negative or > 24 h
  };

  std::vector<int64_t> times;        // ascending
  std::vector<int32_t> offsets;      // in effect from times[i]
  std::vector<int32_t> std_offsets;  // the same with DST left out (a device that does not observe DST)
  int32_t initial_offset = 0, initial_std_offset = 0;  // before the first transition (time type 0)
  bool has_rule = false;
  Posix rule;
};

namespace {

constexpr int64_t kDaySeconds = 86400;
constexpr int64_t kDayMs = kDaySeconds * 1000;
// Offsets RFC 8536 allows a TZif time type (-24:59:59 .. +25:59:59); POSIX TZ offsets stay within +-24:59:59.
constexpr int32_t kMinOffset = -89999, kMaxOffset = 93599;
// A zone file is a few KiB; anything far larger is not one.
constexpr std::size_t kMaxTzifBytes = 1 << 20;
// Zones cached by name (there are about 600); past this, zones are read on every use.
constexpr std::size_t kMaxCachedZones = 1024;
constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo/";

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Sets the reason and returns false: `return fail(why, "...");`.
bool fail(std::string& reason, std::string_view text) {
  reason.assign(text);
  return false;
}

// ---- POSIX TZ strings ----

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool parse(ZoneRules::Posix& r, std::string& error) {
    int32_t v = 0;
    if (!name() || !hms(24, v)) return fail(error, "bad standard time name or offset");
    r.std_offset = -v;  // POSIX counts west of UTC as positive
    if (at_end()) return true;
    if (s_[i_] != ',') {
      if (!name()) return fail(error, "bad DST name");
      r.has_dst = true;
      r.dst_offset = r.std_offset + 3600;
      if (!at_end() && s_[i_] != ',') {
        if (!hms(24, v)) return fail(error, "bad DST offset");
        r.dst_offset = -v;
      }
    }
    if (!r.has_dst) return fail(error, "a rule without a DST name");
    if (at_end()) {  // DST without a rule: the US rule, as POSIX implementations default to
      r.start = {'M', 3, 2, 0};
      r.end = {'M', 11, 1, 0};
      return true;
    }
    ++i_;  // ','
    if (!date(r.start) || !rule_time(r.start_time) || at_end() || s_[i_++] != ',' || !date(r.end) ||
        !rule_time(r.end_time) || !at_end())
      return fail(error, "bad DST rule");
    return true;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  static bool fail(std::string& error, std::string_view what) {
    error = "TZ string: " + std::string(what);
    return false;
  }
  bool name() {
    if (!at_end() && s_[i_] == '<') {
      const std::size_t close = s_.find('>', i_);
      if (close == std::string_view::npos || close - i_ - 1 < 3) return false;
      i_ = close + 1;
      return true;
    }
    const std::size_t from = i_;
    while (!at_end() && alpha(s_[i_])) ++i_;
    return i_ - from >= 3;
  }
  bool number(int max, int& out) {
    const std::size_t from = i_;
    out = 0;
    while (!at_end() && digit(s_[i_]) && i_ - from < 3) out = out * 10 + (s_[i_++] - '0');
    return i_ > from && out <= max;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool hms(int max_hours, int32_t& out) {
    int sign = 1;
    if (!at_end() && (s_[i_] == '+' || s_[i_] == '-')) sign = s_[i_++] == '-' ? -1 : 1;
    int h = 0, m = 0, sec = 0;
    if (!number(max_hours, h)) return false;
    if (!at_end() && s_[i_] == ':') {
      ++i_;
      if (!number(59, m)) return false;
      if (!at_end() && s_[i_] == ':') {
        ++i_;
        if (!number(59, sec)) return false;
      }
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool date(ZoneRules::RuleDate& d) {
    if (at_end()) return false;
    if (s_[i_] == 'J') {
      ++i_;
      d.kind = 'J';
      return number(365, d.a) && d.a >= 1;
    }
    if (s_[i_] == 'M') {
      ++i_;
      d.kind = 'M';
      return number(12, d.a) && d.a >= 1 && !at_end() && s_[i_++] == '.' && number(5, d.b) && d.b >= 1 &&
             !at_end() && s_[i_++] == '.' && number(6, d.c);
    }
    d.kind = 'D';
    return number(365, d.a);
  }
  // Optional "/time" (RFC 8536 version 3: -167..167 hours).
  bool rule_time(int32_t& out) {
    out = 7200;
    if (at_end() || s_[i_] != '/') return true;
    ++i_;
    return hms(167, out);
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Days since the epoch of a rule date in year y.
int64_t rule_day(const ZoneRules::RuleDate& d, int64_t y) {
  const int64_t jan1 = days_from_civil(y, 1, 1);
  if (d.kind == 'J') return jan1 + d.a - 1 + (is_leap_year(y) && d.a >= 60 ? 1 : 0);
  if (d.kind == 'D') return jan1 + d.a;
  const auto month = static_cast<unsigned>(d.a);
  const int64_t first = days_from_civil(y, month, 1);
  const int64_t weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  int64_t day = (d.c - weekday + 7) % 7 + 7 * (d.b - 1);
  while (day >= days_in_month(y, month)) day -= 7;  // week 5 = the last such weekday
  return first + day;
}

// The footer rule's transitions in year y as (UTC second, offset from then on). At equal times DST start
// sorts last, so a rule that ends and restarts DST at the same instant (permanent DST) stays in DST.
void rule_transitions(const ZoneRules::Posix& r, int64_t y, std::vector<std::pair<int64_t, int32_t>>& out) {
  out.emplace_back(rule_day(r.start, y) * kDaySeconds + r.start_time - r.std_offset, r.dst_offset);
  out.emplace_back(rule_day(r.end, y) * kDaySeconds + r.end_time - r.dst_offset, r.std_offset);
}

void sort_transitions(std::vector<std::pair<int64_t, int32_t>>& t, const ZoneRules::Posix& r) {
  std::sort(t.begin(), t.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second == r.std_offset && b.second != r.std_offset;
  });
}

int32_t rule_offset(const ZoneRules::Posix& r, int64_t t, bool dst) {
  if (!r.has_dst || !dst) return r.std_offset;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(floor_div(t + r.std_offset, kDaySeconds), y, m, d);
  std::vector<std::pair<int64_t, int32_t>> ts;
  for (int64_t yy = y - 1; yy <= y + 1; ++yy) rule_transitions(r, yy, ts);
  sort_transitions(ts, r);
  int32_t offset = r.std_offset;
  for (const auto& [when, off] : ts)
    if (when <= t) offset = off;
  return offset;
}

int32_t zone_offset(const ZoneRules& z, int64_t t, bool dst) {
  if (!z.times.empty() && (t <= z.times.back() || !z.has_rule)) {
    if (t < z.times.front()) return dst ? z.initial_offset : z.initial_std_offset;
    const auto i =
        static_cast<std::size_t>(std::upper_bound(z.times.begin(), z.times.end(), t) - z.times.begin()) - 1;
    return dst ? z.offsets[i] : z.std_offsets[i];
  }
  if (z.has_rule) return rule_offset(z.rule, t, dst);
  return dst ? z.initial_offset : z.initial_std_offset;
}

// Transitions in (a, b], ascending, as (UTC second, offset from then on).
void zone_transitions(const ZoneRules& z, int64_t a, int64_t b, bool dst,
                      std::vector<std::pair<int64_t, int32_t>>& out) {
  const auto from = std::upper_bound(z.times.begin(), z.times.end(), a);
  for (auto it = from; it != z.times.end() && *it <= b; ++it) {
    const auto i = static_cast<std::size_t>(it - z.times.begin());
    out.emplace_back(*it, dst ? z.offsets[i] : z.std_offsets[i]);
  }
  if (!z.has_rule || !z.rule.has_dst || !dst) return;
  const int64_t after = z.times.empty() ? a : std::max(a, z.times.back());
  if (after >= b) return;
  int64_t y0 = 0, y1 = 0;
  unsigned m = 0, d = 0;
  civil_from_days(floor_div(after, kDaySeconds), y0, m, d);
  civil_from_days(floor_div(b, kDaySeconds), y1, m, d);
  std::vector<std::pair<int64_t, int32_t>> ts;
  for (int64_t y = y0 - 1; y <= y1 + 1; ++y) rule_transitions(z.rule, y, ts);
  sort_transitions(ts, z.rule);
  for (const auto& t : ts)
    if (t.first > after && t.first <= b) out.push_back(t);
}

// ---- TZif ----

class ByteReader {
 public:
  explicit ByteReader(std::string_view b) : b_(b) {}
  bool skip(uint64_t n) {
    if (n > b_.size() - pos_) return false;
    pos_ += static_cast<std::size_t>(n);
    return true;
  }
  bool u8(uint8_t& v) {
    if (pos_ >= b_.size()) return false;
    v = static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  bool be(int bytes, uint64_t& v) {
    if (static_cast<std::size_t>(bytes) > b_.size() - pos_) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  std::string_view rest() const { return b_.substr(pos_); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  uint32_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  uint64_t data_bytes(int time_size) const {
    return uint64_t{time} * time_size + time + uint64_t{type} * 6 + chars + uint64_t{leap} * (time_size + 4) +
           isstd + isut;
  }
};

bool read_header(ByteReader& r, TzifHeader& h, std::string& error) {
  uint64_t magic = 0;
  uint8_t version = 0;
  if (!r.be(4, magic) || magic != 0x545a6966 /* "TZif" */ || !r.u8(version) || !r.skip(15)) {
    error = "not a TZif file";
    return false;
  }
  h.version = static_cast<char>(version);
  uint32_t* counts[] = {&h.isut, &h.isstd, &h.leap, &h.time, &h.type, &h.chars};
  for (uint32_t* c : counts) {
    uint64_t v = 0;
    if (!r.be(4, v) || v > kMaxTzifBytes) {
      error = "truncated or oversized TZif header";
      return false;
    }
    *c = static_cast<uint32_t>(v);
  }
  if (h.type == 0 || h.type > 256 || h.chars == 0 || (h.isut != 0 && h.isut != h.type) ||
      (h.isstd != 0 && h.isstd != h.type)) {
    error = "inconsistent TZif counts";
    return false;
  }
  return true;
}

bool read_data(ByteReader& r, const TzifHeader& h, int time_size, ZoneRules& z, std::string& error) {
  if (h.leap != 0) {
    error = "TZif files with leap seconds are not supported";
    return false;
  }
  if (h.data_bytes(time_size) > r.rest().size()) return fail(error, "truncated TZif data");
  std::vector<int64_t> times(h.time);
  for (auto& t : times) {
    uint64_t v = 0;
    if (!r.be(time_size, v)) return fail(error, "truncated TZif data");
    t = time_size == 4 ? static_cast<int32_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v);
  }
  std::vector<uint8_t> index(h.time);
  for (auto& i : index)
    if (!r.u8(i) || i >= h.type) return fail(error, "bad TZif transition type");
  std::vector<int32_t> utoff(h.type);
  std::vector<bool> isdst(h.type);
  for (uint32_t i = 0; i < h.type; ++i) {
    uint64_t off = 0;
    uint8_t dst = 0, desig = 0;
    if (!r.be(4, off) || !r.u8(dst) || !r.u8(desig)) return fail(error, "truncated TZif data");
    utoff[i] = static_cast<int32_t>(static_cast<uint32_t>(off));
    if (utoff[i] < kMinOffset || utoff[i] > kMaxOffset || dst > 1 || desig >= h.chars)
      return fail(error, "bad TZif time type");
    isdst[i] = dst == 1;
  }
  if (!r.skip(uint64_t{h.chars} + h.isstd + h.isut)) return fail(error, "truncated TZif data");
  for (std::size_t i = 1; i < times.size(); ++i)
    if (times[i] <= times[i - 1]) return fail(error, "TZif transitions out of order");

  // Standard time when DST is not observed: the offset of the last standard-time type in effect.
  int32_t last_std = utoff[0];
  if (isdst[0])
    for (uint32_t i = 0; i < h.type; ++i)
      if (!isdst[i]) {
        last_std = utoff[i];
        break;
      }
  z.initial_offset = utoff[0];
  z.initial_std_offset = last_std;
  z.times = std::move(times);
  z.offsets.resize(z.times.size());
  z.std_offsets.resize(z.times.size());
  for (std::size_t i = 0; i < z.times.size(); ++i) {
    if (!isdst[index[i]]) last_std = utoff[index[i]];
    z.offsets[i] = utoff[index[i]];
    z.std_offsets[i] = last_std;
  }
  return true;
}

bool parse_tzif(std::string_view bytes, ZoneRules& z, std::string& error) {
  if (bytes.size() > kMaxTzifBytes) return fail(error, "TZif file too large");
  ByteReader r(bytes);
  TzifHeader h;
  if (!read_header(r, h, error)) return false;
  if (h.version == 0) return read_data(r, h, 4, z, error);
  if (h.version < '2' || h.version > '4') return fail(error, "unknown TZif version");
  if (!r.skip(h.data_bytes(4))) return fail(error, "truncated TZif data");  // the 32-bit copy
  if (!read_header(r, h, error) || !read_data(r, h, 8, z, error)) return false;
  const std::string_view footer = r.rest();
  if (footer.empty() || footer[0] != '\n') return fail(error, "TZif footer missing");
  const std::size_t end = footer.find('\n', 1);
  if (end == std::string_view::npos) return fail(error, "TZif footer unterminated");
  const std::string_view tz = footer.substr(1, end - 1);
  if (tz.empty()) return true;  // no rule: the last transition's type lasts forever
  z.has_rule = true;
  return PosixParser(tz).parse(z.rule, error);
}

bool is_fixed_offset(std::string_view tz, int32_t& offset) {
  if (tz.size() != 6 || (tz[0] != '+' && tz[0] != '-') || tz[3] != ':' || !digit(tz[1]) || !digit(tz[2]) ||
      !digit(tz[4]) || !digit(tz[5]))
    return false;
  const int h = (tz[1] - '0') * 10 + (tz[2] - '0'), m = (tz[4] - '0') * 10 + (tz[5] - '0');
  if (h > 18 || m > 59) return false;
  offset = (tz[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

// IANA names only ("Asia/Shanghai", "Etc/GMT+8"): never a path that leaves the zoneinfo directory.
bool safe_zone_name(std::string_view n) {
  if (n.empty() || n.size() > 64 || !alpha(n.front()) || n.back() == '/') return false;
  if (n.find("..") != std::string_view::npos || n.find("//") != std::string_view::npos) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return alpha(c) || digit(c) || c == '_' || c == '-' || c == '+' || c == '/';
  });
}

std::shared_ptr<const ZoneRules> load_zone(const std::string& name, std::string& error) {
  if (!safe_zone_name(name)) {
    error = "not an IANA zone name";
    return nullptr;
  }
  std::ifstream in(std::string(kZoneInfoDir) + name, std::ios::binary);
  if (!in) {
    error = "no such file";
    return nullptr;
  }
  std::string bytes(kMaxTzifBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  auto z = std::make_shared<ZoneRules>();
  if (!parse_tzif(bytes, *z, error)) return nullptr;
  return z;
}

// ---- request times ----

bool fixed_digits(std::string_view s, std::size_t at, std::size_t n, int64_t& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

// ---- calendar (H. Hinnant's civil-date algorithms) ----

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

bool is_leap_year(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// ---- TimeZone ----

TimeZone TimeZone::fixed(int32_t offset_s) {
  TimeZone z;
  z.fixed_offset_ = offset_s;
  return z;
}

bool TimeZone::from_tzif(std::string_view bytes, bool observe_dst, TimeZone& out, std::string& error) {
  auto z = std::make_shared<ZoneRules>();
  if (!parse_tzif(bytes, *z, error)) return false;
  out = TimeZone();
  out.rules_ = std::move(z);
  out.observe_dst_ = observe_dst;
  return true;
}

bool TimeZone::from_posix(std::string_view tz, bool observe_dst, TimeZone& out, std::string& error) {
  auto z = std::make_shared<ZoneRules>();
  if (tz.size() > 256 || !PosixParser(tz).parse(z->rule, error)) {
    if (error.empty()) error = "TZ string too long";
    return false;
  }
  z->has_rule = true;
  z->initial_offset = z->initial_std_offset = z->rule.std_offset;
  out = TimeZone();
  out.rules_ = std::move(z);
  out.observe_dst_ = observe_dst;
  return true;
}

int32_t TimeZone::offset_at(int64_t utc_ms) const {
  if (!rules_) return fixed_offset_;
  return zone_offset(*rules_, floor_div(utc_ms, 1000), observe_dst_);
}

int64_t TimeZone::to_utc(int64_t wall_ms) const {
  if (!rules_) return wall_ms - int64_t{fixed_offset_} * 1000;
  // Every instant whose wall clock reads wall_ms lies within a day of it (offsets stay within +-26 h): walk
  // the constant-offset stretches of the two days around it.
  const int64_t wall_s = floor_div(wall_ms, 1000);
  const int64_t a = wall_s - 2 * kDaySeconds, b = wall_s + 2 * kDaySeconds;
  std::vector<std::pair<int64_t, int32_t>> ts;
  zone_transitions(*rules_, a, b, observe_dst_, ts);
  int32_t offset = zone_offset(*rules_, a, observe_dst_);
  int64_t from_ms = a * 1000;
  for (std::size_t i = 0; i <= ts.size(); ++i) {
    const int64_t until_ms = i < ts.size() ? ts[i].first * 1000 : b * 1000 + 1000;
    const int64_t u = wall_ms - int64_t{offset} * 1000;
    if (u >= from_ms && u < until_ms) return u;  // the earliest instant reading wall_ms
    if (i < ts.size()) {
      // The clock jumps over wall_ms here (DST starts): the jump's instant is the first one past it.
      const int32_t next = ts[i].second;
      if (until_ms + int64_t{offset} * 1000 <= wall_ms && wall_ms < until_ms + int64_t{next} * 1000)
        return until_ms;
      offset = next;
      from_ms = until_ms;
    }
  }
  return wall_ms - int64_t{offset_at(wall_ms)} * 1000;  // not reached for valid rules
}

TimeZone zone_for(std::string_view name, bool observe_dst, bool* known) {
  if (known) *known = true;
  int32_t offset = 0;
  if (is_fixed_offset(name, offset)) return TimeZone::fixed(offset);

  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const ZoneRules>, std::less<>> cache;  // null: unusable
  std::shared_ptr<const ZoneRules> rules;
  bool cached = false;
  {
    std::lock_guard lk(mu);
    if (auto it = cache.find(name); it != cache.end()) {
      rules = it->second;
      cached = true;
    }
  }
  if (!cached) {
    std::string error;
    rules = load_zone(std::string(name), error);
    if (!rules)
      spdlog::warn("api: time zone \"{}\" has no usable TZif file ({}); it is read as UTC", name, error);
    std::lock_guard lk(mu);
    if (cache.size() < kMaxCachedZones) cache.emplace(std::string(name), rules);
  }
  if (!rules) {
    if (known) *known = false;
    return TimeZone();
  }
  TimeZone out;
  out.rules_ = std::move(rules);
  out.observe_dst_ = observe_dst;
  return out;
}

// ---- request times and localtime ----

bool parse_request_time(std::string_view text, RequestTime& out, std::string& why) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && std::all_of(text.begin(), text.end(), digit)) {
    if (text.size() > 15) return fail(why, "is later than 9999-12-31T23:59:59.999Z");
    int64_t ms = 0;
    for (char c : text) ms = ms * 10 + (c - '0');
    if (ms > kMaxRequestTimeMs) return fail(why, "is later than 9999-12-31T23:59:59.999Z");
    out = {RequestTime::Kind::Absolute, ms};
    return true;
  }
  const std::string_view expected =
      "is not a time: expected epoch milliseconds, ISO-8601 like 2026-11-24T08:00:00+08:00 or ...Z, or local "
      "time YYYY-MM-DD HH:mm:ss[.SSS]";
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 19 || !fixed_digits(text, 0, 4, y) || text[4] != '-' || !fixed_digits(text, 5, 2, mo) ||
      text[7] != '-' || !fixed_digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != ' ') ||
      !fixed_digits(text, 11, 2, h) || text[13] != ':' || !fixed_digits(text, 14, 2, mi) || text[16] != ':' ||
      !fixed_digits(text, 17, 2, s))
    return fail(why, expected);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, static_cast<unsigned>(mo)) || h > 23 ||
      mi > 59 || s > 59)
    return fail(why, "is not a valid date and time (years 1970..9999)");
  std::size_t i = 19;
  int64_t ms = 0;
  if (i < text.size() && text[i] == '.') {
    const std::size_t from = ++i;
    int scale = 100;
    while (i < text.size() && digit(text[i]) && i - from < 9) {
      ms += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == from) return fail(why, expected);
  }
  const int64_t wall =
      (days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kDaySeconds + h * 3600 +
       mi * 60 + s) *
          1000 +
      ms;
  if (i == text.size()) {
    if (text[10] == 'T')
      return fail(why,
                  "has no zone: add Z or an offset like +08:00, or give local time as YYYY-MM-DD HH:mm:ss");
    out = {RequestTime::Kind::Local, wall};
    return true;
  }
  int64_t offset_s = 0;
  const std::string_view zone = text.substr(i);
  if (zone != "Z") {
    int64_t oh = 0, om = 0;
    const bool ok =
        (zone[0] == '+' || zone[0] == '-') && fixed_digits(zone, 1, 2, oh) &&
        (zone.size() == 3 || (zone.size() == 6 && zone[3] == ':' && fixed_digits(zone, 4, 2, om)) ||
         (zone.size() == 5 && fixed_digits(zone, 3, 2, om)));
    if (!ok || oh > 18 || om > 59) return fail(why, expected);
    offset_s = (zone[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const int64_t utc = wall - offset_s * 1000;
  if (utc < 0) return fail(why, "is before 1970-01-01T00:00:00Z");
  if (utc > kMaxRequestTimeMs) return fail(why, "is later than 9999-12-31T23:59:59.999Z");
  out = {RequestTime::Kind::Absolute, utc};
  return true;
}

std::string format_local_time(int64_t utc_ms, const TimeZone& zone, bool with_ms, bool with_offset) {
  const int32_t offset = zone.offset_at(utc_ms);
  int64_t local = 0;
  if (__builtin_add_overflow(utc_ms, int64_t{offset} * 1000, &local)) local = utc_ms;
  const int64_t days = floor_div(local, kDayMs);
  const int64_t in_day = local - days * kDayMs;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u%c%02d:%02d:%02d", static_cast<long long>(y), m, d,
                        with_offset ? 'T' : ' ', static_cast<int>(in_day / 3600000),
                        static_cast<int>(in_day / 60000 % 60), static_cast<int>(in_day / 1000 % 60));
  if (with_ms) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(in_day % 1000));
  if (with_offset) {
    const int32_t a = offset < 0 ? -offset : offset;
    n += std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    if (a % 60 != 0) n += std::snprintf(buf + n, sizeof buf - n, ":%02d", a % 60);
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace gridhub::api
