// Products in SQLite: generated key and secret, name unique per OU, backed by a model of the same OU.
#include "registry/keys.hpp"
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

const std::string kSelectProduct = std::string("SELECT ")
                                       .append(kProductColumns)
                                       .append(" FROM products WHERE org_id = ?1 AND product_key = ?2");

}  // namespace

boost::system::result<Product> SqliteRegistry::get_product_locked(std::string_view org,
                                                                  std::string_view product_key) {
  auto st = db_->prepare(kSelectProduct);
  if (!st) return st.error();
  st->bind(1, org).bind(2, product_key);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  Product p;
  read_product(*st, p);
  return p;
}

boost::system::result<Product> SqliteRegistry::create_product(Product p) {
  if (auto ec = check_product(p)) return ec;
  const std::string_view name = name_default(p.name);
  std::lock_guard lock(db_mutex_);
  auto org = org_exists_locked(p.org_id);
  if (!org) return org.error();
  if (!*org) return make_error_code(errc::org_not_found);
  auto model = model_exists_locked(p.org_id, p.model_id);
  if (!model) return model.error();
  if (!*model) return make_error_code(errc::model_not_found);
  {
    auto st = db_->prepare("SELECT 1 FROM products WHERE org_id = ?1 AND name_default = ?2");
    if (!st) return st.error();
    auto taken = st->bind(1, p.org_id).bind(2, name).exists();
    if (!taken) return taken.error();
    if (*taken) return make_error_code(errc::already_exists);
  }
  {
    auto st = db_->prepare("SELECT COUNT(*) FROM products WHERE org_id = ?1");
    if (!st) return st.error();
    auto n = st->bind(1, p.org_id).scalar(0);
    if (!n) return n.error();
    if (*n >= kMaxProductsPerOrg) return make_error_code(errc::limit_exceeded);
  }
  auto key = fresh_key([] { return random_key(kProductKeyLength); },
                       [&](const std::string& k) -> boost::system::result<bool> {
                         auto st = db_->prepare("SELECT 1 FROM products WHERE product_key = ?1");
                         if (!st) return bool_error(st.error());
                         return st->bind(1, k).exists();
                       });
  if (!key) return key.error();
  p.product_key = std::move(*key);
  p.product_secret = random_key(kProductSecretLength);
  if (p.create_time == 0) p.create_time = wall_clock_ms();
  p.update_time = p.create_time;

  const std::string name_json = json_column(p.name), search = name_search_text(p.name),
                    tags = json_column(p.tags);
  auto st = db_->prepare(
      "INSERT INTO products (product_key, org_id, product_secret, name, name_default, name_search, "
      "node_type, "
      "model_id, data_format, bi_directional_auth, dynamic_activate_enabled, description, tags, create_time, "
      "update_time, default_valid_day, max_valid_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
      "?13, ?14, ?15, ?16, ?17)");
  if (!st) return st.error();
  st->bind(1, p.product_key).bind(2, p.org_id).bind(3, p.product_secret).bind(4, name_json).bind(5, name);
  st->bind(6, search).bind(7, p.node_type).bind(8, p.model_id).bind(9, p.data_format);
  st->bind(10, p.bi_directional_auth)
      .bind(11, p.dynamic_activate_enabled)
      .bind(12, p.description)
      .bind(13, tags);
  st->bind(14, p.create_time).bind(15, p.update_time);
  st->bind(16, int64_t{p.default_valid_day}).bind(17, int64_t{p.max_valid_day});
  if (auto r = st->run(); !r) return r.error();
  bump();
  return p;
}

boost::system::result<Product> SqliteRegistry::get_product(std::string_view org,
                                                           std::string_view product_key) {
  std::lock_guard lock(db_mutex_);
  return get_product_locked(org, product_key);
}

boost::system::result<Product> SqliteRegistry::update_product(const Product& in) {
  if (auto ec = check_product(in)) return ec;
  const std::string_view name = name_default(in.name);
  std::lock_guard lock(db_mutex_);
  auto stored = get_product_locked(in.org_id, in.product_key);
  if (!stored) return stored.error();
  auto model = model_exists_locked(in.org_id, in.model_id);
  if (!model) return model.error();
  if (!*model) return make_error_code(errc::model_not_found);
  {
    auto st =
        db_->prepare("SELECT 1 FROM products WHERE org_id = ?1 AND name_default = ?2 AND product_key != ?3");
    if (!st) return st.error();
    auto taken = st->bind(1, in.org_id).bind(2, name).bind(3, in.product_key).exists();
    if (!taken) return taken.error();
    if (*taken) return make_error_code(errc::already_exists);
  }
  Product p = std::move(*stored);
  p.name = in.name;
  p.node_type = in.node_type;
  p.model_id = in.model_id;
  p.data_format = in.data_format;
  p.bi_directional_auth = in.bi_directional_auth;
  p.dynamic_activate_enabled = in.dynamic_activate_enabled;
  p.default_valid_day = in.default_valid_day;
  p.max_valid_day = in.max_valid_day;
  p.description = in.description;
  p.tags = in.tags;
  p.update_time = std::max(wall_clock_ms(), p.update_time);

  const std::string name_json = json_column(p.name), search = name_search_text(p.name),
                    tags = json_column(p.tags);
  auto st = db_->prepare(
      "UPDATE products SET name = ?1, name_default = ?2, name_search = ?3, node_type = ?4, model_id = ?5, "
      "data_format = ?6, bi_directional_auth = ?7, dynamic_activate_enabled = ?8, description = ?9, tags = "
      "?10, "
      "update_time = ?11, default_valid_day = ?14, max_valid_day = ?15 WHERE org_id = ?12 AND product_key = ?13");
  if (!st) return st.error();
  st->bind(1, name_json).bind(2, name).bind(3, search).bind(4, p.node_type).bind(5, p.model_id);
  st->bind(6, p.data_format).bind(7, p.bi_directional_auth).bind(8, p.dynamic_activate_enabled);
  st->bind(9, p.description)
      .bind(10, tags)
      .bind(11, p.update_time)
      .bind(12, p.org_id)
      .bind(13, p.product_key);
  st->bind(14, int64_t{p.default_valid_day}).bind(15, int64_t{p.max_valid_day});
  if (auto r = st->run(); !r) return r.error();
  bump();
  return p;
}

boost::system::result<void> SqliteRegistry::delete_product(std::string_view org,
                                                           std::string_view product_key) {
  std::lock_guard lock(db_mutex_);
  {
    auto st = db_->prepare("SELECT device_count FROM products WHERE org_id = ?1 AND product_key = ?2");
    if (!st) return st.error();
    auto count = st->bind(1, org).bind(2, product_key).scalar(-1);
    if (!count) return count.error();
    if (*count < 0) return make_error_code(errc::not_found);
    if (*count > 0) return make_error_code(errc::in_use);
  }
  auto st = db_->prepare("DELETE FROM products WHERE org_id = ?1 AND product_key = ?2");
  if (!st) return st.error();
  if (auto r = st->bind(1, org).bind(2, product_key).run(); !r) return r;
  bump();
  return {};
}

PageResult<Product> SqliteRegistry::search_products(std::string_view org, const ProductFilter& f, Page page) {
  PageResult<Product> out;
  for (const auto* s : {&f.product_key, &f.model_id, &f.name_like})
    if (s->size() > kMaxFilterBytes) return out;
  // Fixed fragments with fixed parameter numbers: the SQL text depends only on which filters are set, so at
  // most eight variants reach the statement cache.
  std::string where = " FROM products WHERE org_id = ?1";
  if (!f.product_key.empty()) where += " AND product_key = ?2";
  if (!f.model_id.empty()) where += " AND model_id = ?3";
  if (!f.name_like.empty()) where += " AND name_search LIKE ?4 ESCAPE '\\'";
  const std::string pattern = like_pattern(f.name_like);
  auto bind_filters = [&](Statement& st) {
    st.bind(1, org);
    if (!f.product_key.empty()) st.bind(2, f.product_key);
    if (!f.model_id.empty()) st.bind(3, f.model_id);
    if (!f.name_like.empty()) st.bind(4, pattern);
  };
  std::lock_guard lock(db_mutex_);
  read_search_page(*db_, kProductColumns, where, "create_time DESC, product_key", 4,
                   page, bind_filters, read_product, out);
  return out;
}

std::vector<Product> SqliteRegistry::all_products() {
  static const std::string sql =
      std::string("SELECT ").append(kProductColumns).append(" FROM products ORDER BY org_id, product_key");
  std::vector<Product> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_product(*st, out.emplace_back());
  return out;
}

}  // namespace gridhub::registry
