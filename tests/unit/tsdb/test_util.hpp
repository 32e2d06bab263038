// Helpers shared by the tsdb tests: a scratch directory, sample builders, synchronous append, crash copies.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tsdb/sample.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::tsdb::test {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-tsdb-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline Sample make_sample(std::string asset, std::string point, int64_t time_ms, Value v) {
  Sample s;
  s.asset_id = std::move(asset);
  s.point_id = std::move(point);
  s.time_ms = time_ms;
  s.value = std::move(v);
  return s;
}

inline Sample dbl(std::string asset, std::string point, int64_t time_ms, double d) {
  return make_sample(std::move(asset), std::move(point), time_ms, Value::of_double(d));
}

// One sample of every kind, with the doubles that rounding would lose (NaN payloads, -0.0, denormals),
// empty strings, extreme ints, qualities and flags.
inline std::vector<Sample> every_kind() {
  std::vector<Sample> v;
  v.push_back(make_sample("dev1", "i_max", 1, Value::of_int(std::numeric_limits<int64_t>::max())));
  v.push_back(make_sample("dev1", "i_min", 2, Value::of_int(std::numeric_limits<int64_t>::min())));
  v.push_back(make_sample("dev1", "i_zero", 3, Value::of_int(0)));
  v.push_back(make_sample("dev1", "d_pi", 4, Value::of_double(3.141592653589793)));
  v.push_back(make_sample("dev1", "d_negzero", 5, Value::of_double(-0.0)));
  v.push_back(
      make_sample("dev1", "d_denorm", 6, Value::of_double(std::numeric_limits<double>::denorm_min())));
  v.push_back(make_sample("dev1", "d_nan_payload", 7,
                          Value::of_double(std::bit_cast<double>(0x7ff4000000abcdefULL))));
  v.push_back(
      make_sample("dev1", "d_neg_nan", 8, Value::of_double(std::bit_cast<double>(0xfff8000000000001ULL))));
  v.push_back(make_sample("dev1", "d_inf", 9, Value::of_double(-std::numeric_limits<double>::infinity())));
  v.push_back(make_sample("dev2", "b_true", -10, Value::of_bool(true)));
  v.push_back(make_sample("dev2", "b_false", 11, Value::of_bool(false)));
  v.push_back(make_sample("dev2", "s_empty", 12, Value::of_string("")));
  v.push_back(make_sample("dev2", "s_text", 13, Value::of_string(std::string("a\0b\xff", 4))));
  v.push_back(make_sample("dev1", "j_empty", 14, Value::of_json("")));
  v.push_back(
      make_sample("dev1", "j_struct", std::numeric_limits<int64_t>::min(), Value::of_json("{\"a\":[1,2]}")));
  v[0].quality = std::numeric_limits<int32_t>::min();
  v[1].quality = std::numeric_limits<int32_t>::max();
  v[2].quality = 0;
  v[3].history = kAllCategoryBits;
  v[3].group = UINT32_MAX;
  v[4].history = category_bit(Category::Pi);
  return v;
}

// Appends and waits for the writer's verdict.
inline std::error_code append_sync(TimeSeriesStore& store, std::vector<Sample> batch) {
  std::promise<std::error_code> p;
  auto f = p.get_future();
  store.append(std::move(batch), [&p](std::error_code ec) { p.set_value(ec); });
  return f.get();
}

// Field-by-field equality, doubles compared by their bits.
inline void expect_same(const Sample& a, const Sample& b) {
  EXPECT_EQ(a.asset_id, b.asset_id);
  EXPECT_EQ(a.point_id, b.point_id);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.quality, b.quality);
  EXPECT_EQ(a.history, b.history);
  EXPECT_EQ(a.group, b.group);
  ASSERT_EQ(a.value.kind, b.value.kind);
  switch (a.value.kind) {
    case ValueKind::Int:
      EXPECT_EQ(a.value.i, b.value.i);
      break;
    case ValueKind::Double:
      EXPECT_EQ(std::bit_cast<uint64_t>(a.value.d), std::bit_cast<uint64_t>(b.value.d)) << a.point_id;
      break;
    case ValueKind::Bool:
      EXPECT_EQ(a.value.b, b.value.b);
      break;
    case ValueKind::String:
    case ValueKind::Json:
      EXPECT_EQ(a.value.s, b.value.s);
      break;
  }
}

// The latest value of one point, or a sample with an empty point id when there is none.
inline Sample latest_one(const TimeSeriesStore& store, const std::string& asset, const std::string& point) {
  std::vector<std::string> ids{point};
  auto got = store.latest(asset, ids);
  return got.empty() ? Sample{} : got.front();
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// What a power cut would leave of an open store whose appends were acknowledged under Durability::Fsync:
// the files as they are now, copied to `to` (the running store never sees the copy).
inline void crash_copy(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

inline std::vector<std::string> wal_files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/wal"))
    names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// The seed sample (shared/seed-data, the AESC demo: one row a minute) as a day at 10 s, one series per column
// (cycle_number, current, voltage, temp): each minute row linearly interpolated to six samples and rounded to
// 2 decimals, as the storage benchmark builds it. Times from 0.
inline std::vector<std::vector<std::pair<int64_t, double>>> seed_day_columns() {
  std::ifstream in(GRIDHUB_SHARED_DIR "/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv");
  EXPECT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // timeOfDay,cycle_number,current,voltage,temp
  std::vector<std::array<double, 4>> rows;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::getline(fields, field, ',');
    std::array<double, 4> row{};
    for (double& v : row) {
      std::getline(fields, field, ',');
      v = std::stod(field);
    }
    rows.push_back(row);
  }
  EXPECT_EQ(rows.size(), 1440u);
  std::vector<std::vector<std::pair<int64_t, double>>> columns(4);
  for (std::size_t j = 0; j < rows.size() * 6; ++j) {
    const auto& a = rows[j / 6];
    const auto& b = rows[std::min(j / 6 + 1, rows.size() - 1)];
    const double f = static_cast<double>(j % 6) / 6;
    for (std::size_t c = 0; c < 4; ++c) {
      columns[c].emplace_back(static_cast<int64_t>(j) * 10000, std::round((a[c] + (b[c] - a[c]) * f) * 100) / 100);
    }
  }
  return columns;
}

}  // namespace gridhub::tsdb::test
