// BENCHMARKS.md's SQLite setup: CREATE TABLE p(series, t, v, PRIMARY KEY(series, t)) WITHOUT ROWID, rows in
// arrival order through one prepared INSERT, options.txn_rows rows per transaction, journal_mode=WAL,
// synchronous=OFF. The page cache is raised (options.sqlite_cache_mib) so that every series' last leaf page
// fits: with SQLite's default 2 MiB, a run with fewer devices would look faster than the full one.
#include "sqlite_engine.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>

#include "arrival.hpp"
#include "disk_usage.hpp"
#include "loadgen/proc_stat.hpp"
#include "proc_usage.hpp"

namespace gridhub::bench {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int64_t series_id(const SeriesRef& s) { return static_cast<int64_t>(s.device) * kPointCount + s.point; }

struct Row {
  int64_t series, t;
  double v;
};

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }
  bool prepare(sqlite3* db, const char* sql, std::string& error) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      error = std::string("prepare: ") + sqlite3_errmsg(db);
      return false;
    }
    return true;
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteEngine final : public Engine {
 public:
  SqliteEngine(std::string dir, sqlite3* db, std::size_t txn_rows)
      : dir_(std::move(dir)), db_(db), txn_rows_(txn_rows) {}
  // close_v2: the prepared statements (members) are finalized after this body runs.
  ~SqliteEngine() override { sqlite3_close_v2(db_); }

  bool init(int cache_mib, std::string& error) {
    const std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-" +
                                std::to_string(cache_mib * 1024) +
                                "; CREATE TABLE p(series INTEGER, t INTEGER, v REAL, PRIMARY KEY(series, t)) "
                                "WITHOUT ROWID;";
    if (!exec(pragmas.c_str(), error)) return false;
    return insert_.prepare(db_, "INSERT INTO p(series, t, v) VALUES(?1, ?2, ?3)", error) &&
           range_.prepare(db_, "SELECT t, v FROM p WHERE series = ?1 AND t >= ?2 AND t < ?3 ORDER BY t", error) &&
           avg_.prepare(db_,
                        "SELECT (t - ?2) / ?4 AS w, avg(v) FROM p WHERE series = ?1 AND t >= ?2 AND t < ?3 "
                        "GROUP BY w ORDER BY w",
                        error);
  }

  bool ingest(const Dataset& data, const Timeline& tl, IngestFigures& fig, std::string& error) override {
    std::vector<Row> rows;
    rows.reserve(txn_rows_);
    const double cpu0 = self_cpu_seconds();
    const auto t0 = Clock::now();
    Clock::duration generating{};
    for (ArrivalCursor cursor : {ArrivalCursor::main_data(tl), ArrivalCursor::extra_series(tl)}) {
      while (!cursor.done()) {
        const auto g0 = Clock::now();
        rows.clear();
        cursor.next(txn_rows_, [&](const SeriesRef& s, int64_t step) {
          rows.push_back({series_id(s), tl.start_ms(s) + step * kStepMs, data.value(s.device, s.point, step)});
        });
        generating += Clock::now() - g0;
        if (!insert_rows(rows, error)) return false;
        fig.points += rows.size();
      }
    }
    fig.wall_s = seconds_since(t0);
    fig.generate_s = std::chrono::duration<double>(generating).count();
    fig.process_cpu_s = self_cpu_seconds() - cpu0;
    return true;
  }

  bool settle(const Timeline&, SizeFigures& fig, std::string& error) override {
    const double cpu0 = self_cpu_seconds();
    const auto t0 = Clock::now();
    // Everything into the main file, the WAL truncated: the file is then the whole database.
    if (!exec("PRAGMA wal_checkpoint(TRUNCATE);", error)) return false;
    fig.settle_s = seconds_since(t0);
    fig.settle_cpu_s = self_cpu_seconds() - cpu0;
    std::map<std::string, DiskUsage> entries;
    if (!usage_by_entry(dir_, entries, error)) return false;
    for (const auto& [name, u] : entries) {
      fig.parts[name] = u.allocated;
      fig.counted_bytes += u.allocated;
      fig.counted_apparent_bytes += u.apparent;
    }
    fig.counted = "the database file (and its -wal/-shm, empty after a TRUNCATE checkpoint)";
    return true;
  }

  bool read_raw(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<RawPoint>& out,
                std::string& error) override {
    out.clear();
    sqlite3_stmt* st = range_.get();
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, series_id(series));
    sqlite3_bind_int64(st, 2, start_ms);
    sqlite3_bind_int64(st, 3, end_ms);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.push_back({sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1)});
    return done(rc, error);
  }

  bool hourly_avg(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<AvgBucket>& out,
                  std::string& error) override {
    constexpr int64_t kHourMs = 3'600'000;
    out.clear();
    sqlite3_stmt* st = avg_.get();
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, series_id(series));
    sqlite3_bind_int64(st, 2, start_ms);
    sqlite3_bind_int64(st, 3, end_ms);
    sqlite3_bind_int64(st, 4, kHourMs);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      out.push_back({start_ms + sqlite3_column_int64(st, 0) * kHourMs, sqlite3_column_double(st, 1)});
    return done(rc, error);
  }

  std::optional<uint64_t> peak_rss_bytes() const override { return process_peak_rss_bytes(0); }
  std::optional<uint64_t> rss_bytes() const override { return process_rss_bytes(0); }

 private:
  bool exec(const char* sql, std::string& error) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      error = std::string("sqlite: ") + (msg ? msg : "error") + " in: " + sql;
      sqlite3_free(msg);
      return false;
    }
    return true;
  }

  bool done(int rc, std::string& error) {
    if (rc == SQLITE_DONE) return true;
    error = std::string("sqlite step: ") + sqlite3_errmsg(db_);
    return false;
  }

  bool insert_rows(const std::vector<Row>& rows, std::string& error) {
    if (!exec("BEGIN", error)) return false;
    sqlite3_stmt* st = insert_.get();
    for (const Row& r : rows) {
      sqlite3_bind_int64(st, 1, r.series);
      sqlite3_bind_int64(st, 2, r.t);
      sqlite3_bind_double(st, 3, r.v);
      const int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) {
        error = std::string("insert: ") + sqlite3_errmsg(db_);
        exec("ROLLBACK", error);
        return false;
      }
    }
    return exec("COMMIT", error);
  }

  std::string dir_;
  sqlite3* db_;
  std::size_t txn_rows_;
  Statement insert_, range_, avg_;
};

}  // namespace

bool open_sqlite_engine(const TsdbBenchOptions& options, std::unique_ptr<Engine>& out, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    error = "cannot create " + options.dir + ": " + ec.message();
    return false;
  }
  const std::string path = options.dir + "/p.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    error = "sqlite3_open(" + path + "): " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return false;
  }
  auto engine = std::make_unique<SqliteEngine>(options.dir, db, options.txn_rows);
  if (!engine->init(options.sqlite_cache_mib, error)) return false;
  out = std::move(engine);
  return true;
}

}  // namespace gridhub::bench
