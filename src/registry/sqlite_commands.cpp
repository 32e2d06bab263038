// Command records in SQLite (schema v3): saved in batches by the hub's command center, read by the commands
// API, and reloaded at start-up (open ones) so pending commands survive a restart.
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

const std::string kSelectCommands = std::string("SELECT ").append(kCommandColumns).append(" FROM commands");

}  // namespace

boost::system::result<void> SqliteRegistry::save_commands(const std::vector<Command>& commands) {
  for (const auto& c : commands)
    if (auto ec = check_command(c)) return ec;
  static const std::string sql = std::string("INSERT OR REPLACE INTO commands (")
                                     .append(kCommandColumns)
                                     .append(") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                                             "?14, ?15, ?16, ?17, ?18, ?19)");
  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r;
  for (const auto& c : commands) {
    auto st = db_->prepare(sql);
    if (!st) return st.error();
    const std::string name = json_column(c.command_name);
    st->bind(1, c.command_id).bind(2, c.org_id).bind(3, c.asset_id).bind(4, c.product_key);
    st->bind(5, c.device_key).bind(6, static_cast<int64_t>(c.type)).bind(7, c.tsl_identifier).bind(8, name);
    st->bind(9, c.input_data).bind(10, c.output_data).bind(11, int64_t{c.pending_ttl_s});
    st->bind(12, int64_t{c.timeout_s}).bind(13, static_cast<int64_t>(c.state)).bind(14, int64_t{c.reply_code});
    st->bind(15, c.reply_message).bind(16, int64_t{c.error_code}).bind(17, c.create_time);
    st->bind(18, c.release_time).bind(19, c.reply_time);
    if (auto r = st->run(); !r) return r;
  }
  return tx.commit();
}

boost::system::result<Command> SqliteRegistry::get_command(std::string_view org, int64_t command_id) {
  static const std::string sql = kSelectCommands + " WHERE command_id = ?1 AND org_id = ?2";
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, command_id).bind(2, org);
  boost::system::error_code ec;
  // Another OU's command reads as missing, like every other record.
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  Command c;
  read_command(*st, c);
  return c;
}

PageResult<Command> SqliteRegistry::search_commands(std::string_view org, const CommandFilter& f, Page page) {
  PageResult<Command> out;
  for (const auto* s : {&f.asset_id, &f.product_key, &f.device_key, &f.tsl_identifier})
    if (s->size() > kMaxFilterBytes) return out;
  // Fixed fragments with fixed parameter numbers: the SQL text depends only on which filters are set.
  std::string where = " FROM commands WHERE org_id = ?1";
  if (!f.asset_id.empty()) where += " AND asset_id = ?2";
  if (!f.product_key.empty()) where += " AND product_key = ?3";
  if (!f.device_key.empty()) where += " AND device_key = ?4";
  if (!f.tsl_identifier.empty()) where += " AND tsl_identifier = ?5";
  if (f.state != 0) where += " AND state = ?6";
  if (f.start_time != 0) where += " AND create_time >= ?7";
  if (f.end_time != 0) where += " AND create_time < ?8";
  auto bind_filters = [&](Statement& st) {
    st.bind(1, org);
    if (!f.asset_id.empty()) st.bind(2, f.asset_id);
    if (!f.product_key.empty()) st.bind(3, f.product_key);
    if (!f.device_key.empty()) st.bind(4, f.device_key);
    if (!f.tsl_identifier.empty()) st.bind(5, f.tsl_identifier);
    if (f.state != 0) st.bind(6, int64_t{f.state});
    if (f.start_time != 0) st.bind(7, f.start_time);
    if (f.end_time != 0) st.bind(8, f.end_time);
  };
  std::lock_guard lock(db_mutex_);
  read_search_page(*db_, kCommandColumns, where, "create_time DESC, command_id DESC", 8,
                   page, bind_filters, read_command, out);
  return out;
}

std::vector<Command> SqliteRegistry::open_commands() {
  // The condition repeats the partial index's own, so SQLite reads only that index.
  static const std::string sql = kSelectCommands + " WHERE state IN (1, 4) ORDER BY create_time, command_id";
  static_assert(static_cast<int>(CommandState::Created) == 1 && static_cast<int>(CommandState::Released) == 4);
  std::vector<Command> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_command(*st, out.emplace_back());
  return out;
}

int64_t SqliteRegistry::next_command_id() {
  // Commands are never deleted, so the largest stored id is the largest ever handed out. MAX on the rowid is
  // one seek to the end of the table.
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare("SELECT MAX(command_id) FROM commands");
  auto max = st ? st->scalar(0) : boost::system::result<int64_t>(st.error());
  if (max) return *max + 1;
  // Answering 1 would let the hub overwrite stored commands. The wall clock in ms is above any id ever handed
  // out (a trillion commands away) and keeps ids unique; the SQLite error itself is already logged.
  return wall_clock_ms();
}

}  // namespace gridhub::registry
