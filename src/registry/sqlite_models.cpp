// Thing models in SQLite: stored as opaque JSON text with their parent link, draft and validation switch.
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

const std::string kSelectModel =
    std::string("SELECT ").append(kModelColumns).append(" FROM models WHERE org_id = ?1 AND model_id = ?2");

}  // namespace

boost::system::result<bool> SqliteRegistry::model_exists_locked(std::string_view org,
                                                                std::string_view model_id) {
  auto st = db_->prepare("SELECT 1 FROM models WHERE org_id = ?1 AND model_id = ?2");
  if (!st) return bool_error(st.error());
  return st->bind(1, org).bind(2, model_id).exists();
}

boost::system::result<ModelRecord> SqliteRegistry::get_model_locked(std::string_view org,
                                                                    std::string_view model_id) {
  auto st = db_->prepare(kSelectModel);
  if (!st) return st.error();
  st->bind(1, org).bind(2, model_id);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  ModelRecord m;
  read_model(*st, m);
  return m;
}

boost::system::result<void> SqliteRegistry::create_model(const ModelRecord& in) {
  if (auto ec = check_model(in)) return ec;
  std::lock_guard lock(db_mutex_);
  auto org = org_exists_locked(in.org_id);
  if (!org) return org.error();
  if (!*org) return make_error_code(errc::org_not_found);
  auto exists = model_exists_locked(in.org_id, in.model_id);
  if (!exists) return exists.error();
  if (*exists) return make_error_code(errc::already_exists);
  if (!in.parent_model_id.empty()) {
    auto parent = model_exists_locked(in.org_id, in.parent_model_id);
    if (!parent) return parent.error();
    if (!*parent) return make_error_code(errc::model_not_found);
  }
  {
    auto count = db_->prepare("SELECT COUNT(*) FROM models WHERE org_id = ?1");
    if (!count) return count.error();
    auto n = count->bind(1, in.org_id).scalar(0);
    if (!n) return n.error();
    if (*n >= kMaxModelsPerOrg) return make_error_code(errc::limit_exceeded);
  }
  const int64_t created = in.create_time != 0 ? in.create_time : wall_clock_ms();
  const int64_t updated = in.update_time != 0 ? in.update_time : created;
  auto st = db_->prepare(
      "INSERT INTO models (org_id, model_id, parent_model_id, body, draft_body, validation_enabled, "
      "create_time, "
      "update_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return st.error();
  st->bind(1, in.org_id).bind(2, in.model_id).bind_or_null(3, in.parent_model_id).bind(4, in.body);
  st->bind(5, in.draft_body).bind(6, in.validation_enabled).bind(7, created).bind(8, updated);
  if (auto r = st->run(); !r) return r;
  bump();
  return {};
}

boost::system::result<void> SqliteRegistry::update_model(const ModelRecord& in) {
  if (auto ec = check_model(in)) return ec;
  std::lock_guard lock(db_mutex_);
  auto existing = get_model_locked(in.org_id, in.model_id);
  if (!existing) return existing.error();
  // Walk up from the new parent: meeting the model itself means the update would close a loop. The walk is
  // bounded by the number of models an OU may hold, so a damaged file cannot make it spin.
  std::string ancestor = in.parent_model_id;
  for (int64_t depth = 0; !ancestor.empty(); ++depth) {
    if (ancestor == in.model_id || depth > kMaxModelsPerOrg) return make_error_code(errc::inheritance_cycle);
    auto parent = get_model_locked(in.org_id, ancestor);
    if (!parent)
      return parent.error() == errc::not_found ? make_error_code(errc::model_not_found) : parent.error();
    ancestor = std::move(parent->parent_model_id);
  }
  // The hub keys compiled models by update_time, so an update must move it even when the caller did not.
  const int64_t updated = in.update_time > existing->update_time
                              ? in.update_time
                              : std::max(wall_clock_ms(), existing->update_time + 1);
  auto st = db_->prepare(
      "UPDATE models SET parent_model_id = ?1, body = ?2, draft_body = ?3, validation_enabled = ?4, "
      "update_time = ?5 WHERE org_id = ?6 AND model_id = ?7");
  if (!st) return st.error();
  st->bind_or_null(1, in.parent_model_id)
      .bind(2, in.body)
      .bind(3, in.draft_body)
      .bind(4, in.validation_enabled);
  st->bind(5, updated).bind(6, in.org_id).bind(7, in.model_id);
  if (auto r = st->run(); !r) return r;
  bump();
  return {};
}

boost::system::result<ModelRecord> SqliteRegistry::get_model(std::string_view org,
                                                             std::string_view model_id) {
  std::lock_guard lock(db_mutex_);
  return get_model_locked(org, model_id);
}

PageResult<ModelRecord> SqliteRegistry::search_models(std::string_view org, std::string_view id_like,
                                                      Page page) {
  static const std::string kWhereAll = " FROM models WHERE org_id = ?1";
  static const std::string kWhereLike = " FROM models WHERE org_id = ?1 AND model_id LIKE ?2 ESCAPE '\\'";
  PageResult<ModelRecord> out;
  if (id_like.size() > kMaxFilterBytes) return out;
  const std::string& where = id_like.empty() ? kWhereAll : kWhereLike;
  const std::string pattern = like_pattern(id_like);
  auto bind_filters = [&](Statement& st) {
    st.bind(1, org);
    if (!id_like.empty()) st.bind(2, pattern);
  };
  std::lock_guard lock(db_mutex_);
  read_search_page(*db_, kModelColumns, where, "create_time DESC, model_id", 2, page, bind_filters, read_model, out);
  return out;
}

boost::system::result<void> SqliteRegistry::delete_model(std::string_view org, std::string_view model_id) {
  std::lock_guard lock(db_mutex_);
  auto exists = model_exists_locked(org, model_id);
  if (!exists) return exists.error();
  if (!*exists) return make_error_code(errc::not_found);
  // EnOS refuses to delete a model in use; a model in a storage policy group is in use too (its group keeps
  // its history), so it has to leave the group first.
  for (const char* sql : {"SELECT 1 FROM products WHERE org_id = ?1 AND model_id = ?2 LIMIT 1",
                          "SELECT 1 FROM models WHERE org_id = ?1 AND parent_model_id = ?2 LIMIT 1",
                          "SELECT 1 FROM storage_group_models WHERE org_id = ?1 AND model_id = ?2"}) {
    auto st = db_->prepare(sql);
    if (!st) return st.error();
    auto used = st->bind(1, org).bind(2, model_id).exists();
    if (!used) return used.error();
    if (*used) return make_error_code(errc::in_use);
  }
  auto st = db_->prepare("DELETE FROM models WHERE org_id = ?1 AND model_id = ?2");
  if (!st) return st.error();
  if (auto r = st->bind(1, org).bind(2, model_id).run(); !r) return r;
  bump();
  return {};
}

std::vector<ModelRecord> SqliteRegistry::all_models() {
  static const std::string sql =
      std::string("SELECT ").append(kModelColumns).append(" FROM models ORDER BY org_id, model_id");
  std::vector<ModelRecord> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_model(*st, out.emplace_back());
  return out;
}

}  // namespace gridhub::registry
