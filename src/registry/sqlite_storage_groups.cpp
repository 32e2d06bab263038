// Storage policy groups in SQLite: a group row, its models (each model in at most one group of its OU), one
// policy row per configured storage type and the points each policy selects (schema v2, schema.cpp).
#include <algorithm>
#include <iterator>

#include "registry/limits.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The stored form: models sorted, a model named twice merged, points sorted and unique, models without
// points left out (selecting no point of a model is the same as not naming it).
StoragePolicy normalized(StoragePolicy p) {
  std::stable_sort(p.models.begin(), p.models.end(),
                   [](const auto& a, const auto& b) { return a.model_id < b.model_id; });
  std::vector<StoragePolicy::ModelPoints> merged;
  for (auto& m : p.models) {
    if (!merged.empty() && merged.back().model_id == m.model_id) {
      auto& into = merged.back().point_ids;
      into.insert(into.end(), m.point_ids.begin(), m.point_ids.end());
    } else {
      merged.push_back(std::move(m));
    }
  }
  std::erase_if(merged, [](auto& m) {
    sort_unique(m.point_ids);
    return m.point_ids.empty();
  });
  p.models = std::move(merged);
  return p;
}

// A policy that names a model outside the group: model_not_found.
boost::system::error_code check_policy_models(const StoragePolicy& p,
                                              const std::vector<std::string>& group_models) {
  for (const auto& m : p.models)
    if (!std::binary_search(group_models.begin(), group_models.end(), m.model_id))
      return make_error_code(errc::model_not_found);
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Reading

boost::system::result<std::vector<StorageGroup>> SqliteRegistry::load_storage_groups_locked(
    GroupScope scope, std::string_view org, uint32_t id) {
  // ?1 = org, ?2 = group id, over storage_groups `g`.
  const std::string where = scope == GroupScope::One   ? " WHERE g.org_id = ?1 AND g.group_id = ?2"
                            : scope == GroupScope::Org ? " WHERE g.org_id = ?1"
                                                       : "";
  auto bind_scope = [&](Statement& st) {
    if (scope != GroupScope::All) st.bind(1, org);
    if (scope == GroupScope::One) st.bind(2, static_cast<int64_t>(id));
  };
  std::vector<StorageGroup> groups;
  boost::system::error_code ec;
  // Rows of the other tables come ordered by group id, like `groups`: a binary search finds their group.
  auto group_of = [&](int64_t gid) -> StorageGroup* {
    auto it = std::lower_bound(groups.begin(), groups.end(), gid, [](const StorageGroup& g, int64_t v) {
      return static_cast<int64_t>(g.id) < v;
    });
    return it != groups.end() && it->id == gid ? &*it : nullptr;
  };
  {
    auto st = db_->prepare(
        "SELECT g.group_id, g.org_id, g.name, g.description, g.create_time, g.update_time FROM "
        "storage_groups g" +
        where + " ORDER BY g.group_id");
    if (!st) return st.error();
    bind_scope(*st);
    while (st->step(ec)) {
      StorageGroup& g = groups.emplace_back();
      g.id = static_cast<uint32_t>(st->int64(0));
      g.org_id = st->text(1);
      g.name = st->text(2);
      g.description = st->text(3);
      g.create_time = st->int64(4);
      g.update_time = st->int64(5);
    }
    if (ec) return ec;
  }
  if (groups.empty()) return groups;
  {
    auto st = db_->prepare(
        "SELECT m.group_id, m.model_id FROM storage_group_models m JOIN storage_groups g ON g.group_id = "
        "m.group_id" +
        where + " ORDER BY m.group_id, m.model_id");
    if (!st) return st.error();
    bind_scope(*st);
    while (st->step(ec))
      if (StorageGroup* g = group_of(st->int64(0))) g->model_ids.emplace_back(st->text(1));
    if (ec) return ec;
  }
  {
    auto st = db_->prepare(
        "SELECT p.group_id, p.storage_type, p.retention FROM storage_policies p JOIN storage_groups g ON "
        "g.group_id = p.group_id" +
        where + " ORDER BY p.group_id, p.storage_type");
    if (!st) return st.error();
    bind_scope(*st);
    while (st->step(ec)) {
      if (StorageGroup* g = group_of(st->int64(0))) {
        StoragePolicy& p = g->policies.emplace_back();
        p.storage_type = st->text(1);
        p.retention = st->text(2);
      }
    }
    if (ec) return ec;
  }
  {
    auto st = db_->prepare(
        "SELECT s.group_id, s.storage_type, s.model_id, s.point_id FROM storage_policy_points s JOIN "
        "storage_groups g ON g.group_id = s.group_id" +
        where + " ORDER BY s.group_id, s.storage_type, s.model_id, s.point_id");
    if (!st) return st.error();
    bind_scope(*st);
    while (st->step(ec)) {
      StorageGroup* g = group_of(st->int64(0));
      if (!g) continue;
      auto p = std::find_if(g->policies.begin(), g->policies.end(),
                            [&](const StoragePolicy& x) { return x.storage_type == st->text(1); });
      if (p == g->policies.end()) continue;  // the foreign key makes this impossible
      if (p->models.empty() || p->models.back().model_id != st->text(2))
        p->models.push_back({std::string(st->text(2)), {}});
      p->models.back().point_ids.emplace_back(st->text(3));
    }
    if (ec) return ec;
  }
  return groups;
}

boost::system::result<StorageGroup> SqliteRegistry::get_storage_group_locked(std::string_view org,
                                                                             uint32_t id) {
  auto groups = load_storage_groups_locked(GroupScope::One, org, id);
  if (!groups) return groups.error();
  if (groups->empty()) return make_error_code(errc::not_found);
  return std::move(groups->front());
}

boost::system::result<StorageGroup> SqliteRegistry::get_storage_group(std::string_view org, uint32_t id) {
  std::lock_guard lock(db_mutex_);
  return get_storage_group_locked(org, id);
}

std::vector<StorageGroup> SqliteRegistry::list_storage_groups(std::string_view org) {
  std::lock_guard lock(db_mutex_);
  auto groups = load_storage_groups_locked(GroupScope::Org, org, 0);
  return groups ? std::move(*groups) : std::vector<StorageGroup>{};
}

std::vector<StorageGroup> SqliteRegistry::all_storage_groups() {
  std::lock_guard lock(db_mutex_);
  auto groups = load_storage_groups_locked(GroupScope::All, {}, 0);
  return groups ? std::move(*groups) : std::vector<StorageGroup>{};
}

// ---------------------------------------------------------------------------------------------------------
// Checks shared by create and update

boost::system::error_code SqliteRegistry::check_group_name_locked(std::string_view org, std::string_view name,
                                                                  uint32_t self) {
  auto st = db_->prepare("SELECT 1 FROM storage_groups WHERE org_id = ?1 AND name = ?2 AND group_id != ?3");
  if (!st) return st.error();
  auto taken = st->bind(1, org).bind(2, name).bind(3, static_cast<int64_t>(self)).exists();
  if (!taken) return taken.error();
  return *taken ? make_error_code(errc::already_exists) : boost::system::error_code();
}

boost::system::error_code SqliteRegistry::check_group_models_locked(std::string_view org,
                                                                    const std::vector<std::string>& models,
                                                                    uint32_t self) {
  for (const auto& model_id : models) {
    auto exists = model_exists_locked(org, model_id);
    if (!exists) return exists.error();
    if (!*exists) return make_error_code(errc::model_not_found);
    auto st = db_->prepare("SELECT group_id FROM storage_group_models WHERE org_id = ?1 AND model_id = ?2");
    if (!st) return st.error();
    auto holder = st->bind(1, org).bind(2, model_id).scalar(0);
    if (!holder) return holder.error();
    if (*holder != 0 && *holder != static_cast<int64_t>(self)) return make_error_code(errc::in_use);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// Writing

boost::system::result<void> SqliteRegistry::write_storage_policy_locked(uint32_t id, const StoragePolicy& p) {
  const auto gid = static_cast<int64_t>(id);
  {
    auto st = db_->prepare(
        "INSERT INTO storage_policies (group_id, storage_type, retention) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (group_id, storage_type) DO UPDATE SET retention = excluded.retention");
    if (!st) return st.error();
    if (auto r = st->bind(1, gid).bind(2, p.storage_type).bind(3, p.retention).run(); !r) return r;
  }
  {
    auto st = db_->prepare("DELETE FROM storage_policy_points WHERE group_id = ?1 AND storage_type = ?2");
    if (!st) return st.error();
    if (auto r = st->bind(1, gid).bind(2, p.storage_type).run(); !r) return r;
  }
  for (const auto& m : p.models) {
    for (const auto& point : m.point_ids) {
      auto st = db_->prepare(
          "INSERT INTO storage_policy_points (group_id, storage_type, model_id, point_id) VALUES (?1, ?2, "
          "?3, ?4)");
      if (!st) return st.error();
      if (auto r = st->bind(1, gid).bind(2, p.storage_type).bind(3, m.model_id).bind(4, point).run(); !r)
        return r;
    }
  }
  return {};
}

boost::system::result<StorageGroup> SqliteRegistry::create_storage_group(StorageGroup in) {
  sort_unique(in.model_ids);
  if (auto ec = check_storage_group(in)) return ec;
  for (auto& p : in.policies) {
    if (auto ec = check_storage_policy(p)) return ec;
    p = normalized(std::move(p));
    if (auto ec = check_policy_models(p, in.model_ids)) return ec;
  }
  std::sort(in.policies.begin(), in.policies.end(),
            [](const auto& a, const auto& b) { return a.storage_type < b.storage_type; });
  for (std::size_t i = 1; i < in.policies.size(); ++i)
    if (in.policies[i].storage_type == in.policies[i - 1].storage_type)
      return make_error_code(errc::invalid_argument);

  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r.error();
  auto org = org_exists_locked(in.org_id);
  if (!org) return org.error();
  if (!*org) return make_error_code(errc::org_not_found);
  {
    auto count = db_->prepare("SELECT COUNT(*) FROM storage_groups WHERE org_id = ?1");
    if (!count) return count.error();
    auto n = count->bind(1, in.org_id).scalar(0);
    if (!n) return n.error();
    if (*n >= kMaxStorageGroupsPerOrg) return make_error_code(errc::limit_exceeded);
  }
  if (auto ec = check_group_name_locked(in.org_id, in.name, 0)) return ec;
  if (auto ec = check_group_models_locked(in.org_id, in.model_ids, 0)) return ec;
  {
    // AUTOINCREMENT never goes back, so once the last uint32 id is handed out no group can be created again.
    auto seq = db_->prepare("SELECT seq FROM sqlite_sequence WHERE name = 'storage_groups'");
    if (!seq) return seq.error();
    auto last = seq->scalar(0);
    if (!last) return last.error();
    if (*last >= kMaxStorageGroupId) return make_error_code(errc::limit_exceeded);
  }
  const int64_t created = in.create_time != 0 ? in.create_time : wall_clock_ms();
  const int64_t updated = in.update_time != 0 ? in.update_time : created;
  {
    auto st = db_->prepare(
        "INSERT INTO storage_groups (org_id, name, description, create_time, update_time) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return st.error();
    st->bind(1, in.org_id).bind(2, in.name).bind(3, in.description).bind(4, created).bind(5, updated);
    if (auto r = st->run(); !r) return r.error();
  }
  const auto id = static_cast<uint32_t>(sqlite3_last_insert_rowid(db_->handle()));
  for (const auto& model_id : in.model_ids) {
    auto st =
        db_->prepare("INSERT INTO storage_group_models (group_id, org_id, model_id) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    if (auto r = st->bind(1, static_cast<int64_t>(id)).bind(2, in.org_id).bind(3, model_id).run(); !r)
      return r.error();
  }
  for (const auto& p : in.policies)
    if (auto r = write_storage_policy_locked(id, p); !r) return r.error();
  if (auto r = tx.commit(); !r) return r.error();
  bump();
  return get_storage_group_locked(in.org_id, id);
}

boost::system::result<StorageGroup> SqliteRegistry::update_storage_group(const StorageGroup& in) {
  StorageGroup g = in;
  sort_unique(g.model_ids);
  if (auto ec = check_storage_group(g)) return ec;
  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r.error();
  auto existing = get_storage_group_locked(g.org_id, g.id);
  if (!existing) return existing.error();
  if (auto ec = check_group_name_locked(g.org_id, g.name, g.id)) return ec;
  if (auto ec = check_group_models_locked(g.org_id, g.model_ids, g.id)) return ec;
  std::vector<std::string> leaving, joining;
  std::set_difference(existing->model_ids.begin(), existing->model_ids.end(), g.model_ids.begin(),
                      g.model_ids.end(), std::back_inserter(leaving));
  std::set_difference(g.model_ids.begin(), g.model_ids.end(), existing->model_ids.begin(),
                      existing->model_ids.end(), std::back_inserter(joining));
  const auto gid = static_cast<int64_t>(g.id);
  for (const auto& model_id : leaving) {
    // EnOS: a model can't leave a group while one of its policies still selects its points.
    auto st =
        db_->prepare("SELECT 1 FROM storage_policy_points WHERE group_id = ?1 AND model_id = ?2 LIMIT 1");
    if (!st) return st.error();
    auto selected = st->bind(1, gid).bind(2, model_id).exists();
    if (!selected) return selected.error();
    if (*selected) return make_error_code(errc::in_use);
    auto del = db_->prepare("DELETE FROM storage_group_models WHERE group_id = ?1 AND model_id = ?2");
    if (!del) return del.error();
    if (auto r = del->bind(1, gid).bind(2, model_id).run(); !r) return r.error();
  }
  for (const auto& model_id : joining) {
    auto st =
        db_->prepare("INSERT INTO storage_group_models (group_id, org_id, model_id) VALUES (?1, ?2, ?3)");
    if (!st) return st.error();
    if (auto r = st->bind(1, gid).bind(2, g.org_id).bind(3, model_id).run(); !r) return r.error();
  }
  {
    const int64_t updated = g.update_time != 0 ? g.update_time : wall_clock_ms();
    auto st = db_->prepare(
        "UPDATE storage_groups SET name = ?1, description = ?2, update_time = ?3 WHERE group_id = ?4");
    if (!st) return st.error();
    if (auto r = st->bind(1, g.name).bind(2, g.description).bind(3, updated).bind(4, gid).run(); !r)
      return r.error();
  }
  if (auto r = tx.commit(); !r) return r.error();
  bump();
  return get_storage_group_locked(g.org_id, g.id);
}

boost::system::result<StorageGroup> SqliteRegistry::set_storage_policy(std::string_view org, uint32_t id,
                                                                       const StoragePolicy& policy) {
  if (auto ec = check_storage_policy(policy)) return ec;
  const StoragePolicy p = normalized(policy);
  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r.error();
  auto existing = get_storage_group_locked(org, id);
  if (!existing) return existing.error();
  if (auto ec = check_policy_models(p, existing->model_ids)) return ec;
  if (auto r = write_storage_policy_locked(id, p); !r) return r.error();
  {
    auto st = db_->prepare("UPDATE storage_groups SET update_time = ?1 WHERE group_id = ?2");
    if (!st) return st.error();
    if (auto r = st->bind(1, wall_clock_ms()).bind(2, static_cast<int64_t>(id)).run(); !r) return r.error();
  }
  if (auto r = tx.commit(); !r) return r.error();
  bump();
  return get_storage_group_locked(org, id);
}

boost::system::result<void> SqliteRegistry::delete_storage_group(std::string_view org, uint32_t id) {
  std::lock_guard lock(db_mutex_);
  // The foreign keys cascade to the group's models, policies and selected points in the same statement.
  auto st = db_->prepare("DELETE FROM storage_groups WHERE org_id = ?1 AND group_id = ?2");
  if (!st) return st.error();
  if (auto r = st->bind(1, org).bind(2, static_cast<int64_t>(id)).run(); !r) return r;
  if (sqlite3_changes(db_->handle()) == 0) return make_error_code(errc::not_found);
  bump();
  return {};
}

}  // namespace gridhub::registry
