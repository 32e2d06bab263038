// Product routes: create, get (with productSecret for callers with write access), search, update and delete.
#include <boost/json/object.hpp>

#include "api/envelope.hpp"
#include "api/expression.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

boost::json::object product_view(const registry::Product& p, bool with_secret) {
  boost::json::object o;
  o["orgId"] = p.org_id;
  o["productKey"] = p.product_key;
  if (with_secret) o["productSecret"] = p.product_secret;
  o["productName"] = p.name;
  o["productType"] = p.node_type;
  o["nodeType"] = p.node_type;
  o["modelId"] = p.model_id;
  o["dataFormat"] = p.data_format;
  o["biDirectionalAuth"] = p.bi_directional_auth;
  o["dynamicActivateEnabled"] = p.dynamic_activate_enabled;
  o["defaultValidDay"] = p.default_valid_day;
  o["maxValidDay"] = p.max_valid_day;
  o["productDesc"] = p.description;
  o["productTags"] = p.tags;
  o["createTime"] = p.create_time;
  o["updateTime"] = p.update_time;
  return o;
}

// The body fields of create and update; on update only the fields present change.
bool read_product(const boost::json::object& body, registry::Product& p, bool create, std::string& message) {
  FieldReader f(body);
  f.i18n("productName", p.name, create);
  std::string type, node_type;
  f.one_of("productType", type, {"Device", "Gateway"});
  f.one_of("nodeType", node_type, {"Device", "Gateway"});
  f.string("modelId", p.model_id, create, registry::kMaxModelIdLength);
  f.one_of("dataFormat", p.data_format, {"Json", "Custom"});
  f.boolean("biDirectionalAuth", p.bi_directional_auth);
  f.boolean("dynamicActivateEnabled", p.dynamic_activate_enabled);
  f.integer("defaultValidDay", p.default_valid_day, 1, registry::kMaxCertificateValidDays);
  f.integer("maxValidDay", p.max_valid_day, 1, registry::kMaxCertificateValidDays);
  f.string("productDesc", p.description, false, registry::kMaxDescriptionBytes);
  f.tags("productTags", p.tags);
  if (!f.ok()) {
    message = f.error();
    return false;
  }
  if (p.default_valid_day > p.max_valid_day) {
    message = "defaultValidDay (" + std::to_string(p.default_valid_day) + ") is above maxValidDay (" +
              std::to_string(p.max_valid_day) + ")";
    return false;
  }
  if (!type.empty() && !node_type.empty() && type != node_type) {
    message = "productType and nodeType disagree";
    return false;
  }
  if (!type.empty()) p.node_type = type;
  if (!node_type.empty()) p.node_type = node_type;
  return true;
}

ApiResponse product_error(const boost::system::error_code& ec, const registry::Product& p) {
  if (ec == registry::errc::model_not_found) return error(ec, Subject::Product, "model " + p.model_id + " does not exist");
  if (ec == registry::errc::already_exists)
    return error(ec, Subject::Product, "a product with this productName already exists in the OU");
  if (ec == registry::errc::limit_exceeded)
    return error(ec, Subject::Product,
                 "the OU already has " + std::to_string(registry::kMaxProductsPerOrg) + " products");
  if (ec == registry::errc::not_found) return error(ec, Subject::Product, "product " + p.product_key + " not found");
  if (ec == registry::errc::in_use)
    return error(ec, Subject::Product, "product " + p.product_key + " still has devices");
  return error(ec, Subject::Product, "product: " + ec.message());
}

std::string query_product_key(const ApiCall& call) { return std::string(call.query.get("productKey")); }

}  // namespace

ApiResponse product_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Product p;
  if (!read_product(body, p, true, message)) return error(errc::invalid_param, message);
  p.org_id = call.org_id;
  p.create_time = p.update_time = ctx.now_ms();
  auto created = ctx.registry.create_product(p);
  if (!created) return product_error(created.error(), p);
  return ok(boost::json::object{{"productKey", created->product_key}});
}

ApiResponse product_get(ApiContext& ctx, const ApiCall& call) {
  const std::string pk = query_product_key(call);
  if (pk.empty()) return error(errc::invalid_param, "productKey is required");
  auto p = ctx.registry.get_product(call.org_id, pk);
  if (!p) return error(p.error(), Subject::Product, "product " + pk + " not found");
  // Read-only callers (viewers, read-only applications) see everything but the secret.
  return ok(product_view(*p, call.caller.can_write()));
}

ApiResponse product_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);
  registry::ProductFilter filter;
  std::string expression;
  FieldReader f(body);
  f.string("productKey", filter.product_key, false, registry::kMaxFilterBytes);
  f.string("modelId", filter.model_id, false, registry::kMaxFilterBytes);
  f.string("productName", filter.name_like, false, registry::kMaxFilterBytes);
  f.string("expression", expression, false, kMaxExpressionBytes);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  std::vector<Condition> conditions;
  if (!parse_expression(expression, conditions, message)) return error(errc::invalid_param, message);
  for (const auto& c : conditions) {
    std::string* target = c.field == "productKey" ? &filter.product_key
                          : c.field == "modelId"  ? &filter.model_id
                          : c.field == "productName" || c.field == "productName.defaultValue" ? &filter.name_like
                                                                                               : nullptr;
    if (!target) return error(errc::invalid_param, "expression: cannot search products by " + c.field);
    const bool name = target == &filter.name_like;
    if (c.op == Condition::Op::In || (c.op == Condition::Op::Like && !name))
      return error(errc::invalid_param, "expression: " + c.field + (name ? " takes = or like" : " takes ="));
    *target = c.values.front();
  }
  auto r = ctx.registry.search_products(call.org_id, filter, page);
  boost::json::array data;
  for (const auto& p : r.items) data.push_back(product_view(p, false));
  return ok_page(std::move(data), page.page_no, page.page_size, r.total);
}

ApiResponse product_update(ApiContext& ctx, const ApiCall& call) {
  const std::string pk = query_product_key(call);
  if (pk.empty()) return error(errc::invalid_param, "productKey is required");
  auto p = ctx.registry.get_product(call.org_id, pk);
  if (!p) return error(p.error(), Subject::Product, "product " + pk + " not found");
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  const std::string old_model = p->model_id;
  if (!read_product(body, *p, false, message)) return error(errc::invalid_param, message);
  if (p->model_id != old_model) {
    // Devices' attributes were checked against the old model.
    registry::DeviceFilter df;
    df.product_key = pk;
    if (ctx.registry.search_devices(call.org_id, df, {1, 1}).total > 0)
      return error(errc::invalid_param, "modelId cannot change while the product has devices");
  }
  p->update_time = ctx.now_ms();
  auto updated = ctx.registry.update_product(*p);
  if (!updated) return product_error(updated.error(), *p);
  return ok(product_view(*updated, call.caller.can_write()));
}

ApiResponse product_delete(ApiContext& ctx, const ApiCall& call) {
  registry::Product p;
  p.product_key = query_product_key(call);
  if (p.product_key.empty()) return error(errc::invalid_param, "productKey is required");
  if (auto r = ctx.registry.delete_product(call.org_id, p.product_key); !r) return product_error(r.error(), p);
  return ok(nullptr);
}

}  // namespace gridhub::api
