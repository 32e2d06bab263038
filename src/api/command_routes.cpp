// /connect-service/v2.1/commands (spec enos-platform.md §4.3): invokeService and setMeasurepoint hand a
// command to the hub's command center and answer when it settles (an immediate command waits for the device's
// reply); get and search read the records; cancel withdraws commands still waiting in a device's queue.
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>

#include "api/device_lookup.hpp"
#include "enos/base64.hpp"
#include "api/envelope.hpp"
#include "api/expression.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/local_time.hpp"
#include "api/routes.hpp"
#include "api/search_params.hpp"
#include "model/json_read.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

// A query integer in [min, max]; absent keeps `out`. Digits only (EnOS sends no signs or spaces).
bool query_int(const Query& q, std::string_view name, int min, int max, int& out, std::string& message) {
  const std::string* v = q.find(name);
  if (!v) return true;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    message = std::string(name) + " must be an integer " + std::to_string(min) + ".." + std::to_string(max);
    return false;
  }
  out = n;
  return true;
}

// A command id: a positive decimal integer.
bool parse_command_id(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && out > 0;
}

// The device a command call addresses, with what the hub knows of its product (the compiled model).
struct Target {
  registry::Device device;
  std::shared_ptr<const hub::ProductEntry> product;
};

// 404 like devices?action=get for a device that is not in the caller's OU.
std::optional<ApiResponse> find_target(ApiContext& ctx, const ApiCall& call, Target& out) {
  auto snapshot = ctx.hub.view().current();
  // The common address, productKey + deviceKey, is answered from the hub's snapshot: a SQLite read per call
  // would serialise every invokeService on the registry's lock. An assetId, a device of another OU or one the
  // snapshot does not hold yet go through the registry (and its 404).
  const std::string* pk = call.query.find("productKey");
  const std::string* dk = call.query.find("deviceKey");
  if (pk && dk && !call.query.find("assetId")) {
    const hub::DeviceEntry* entry = snapshot->find_device(*pk, *dk);
    if (entry && entry->org_id == call.org_id && entry->product && entry->product->validator) {
      out.device.org_id = entry->org_id;
      out.device.asset_id = entry->asset_id;
      out.device.product_key = entry->product_key;
      out.device.device_key = entry->device_key;
      out.product = entry->product;
      return std::nullopt;
    }
  }
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  out.device = std::move(*d);
  const hub::DeviceEntry* entry = snapshot->find_device(out.device.product_key, out.device.device_key);
  if (!entry || !entry->product || !entry->product->validator)
    return error(errc::internal, "the thing model of product " + out.device.product_key + " is not loaded");
  out.product = entry->product;
  return std::nullopt;
}

// pendingTtl and timeout of invokeService / setMeasurepoint.
bool read_delivery(const Query& q, registry::Command& cmd, std::string& message) {
  cmd.pending_ttl_s = 0;
  cmd.timeout_s = kDefaultCommandTimeoutSeconds;
  return query_int(q, "pendingTtl", 0, kMaxCommandPendingTtlSeconds, cmd.pending_ttl_s, message) &&
         query_int(q, "timeout", kMinCommandTimeoutSeconds, kMaxCommandTimeoutSeconds, cmd.timeout_s, message);
}

registry::Command new_command(const Target& t, registry::CommandType type) {
  registry::Command cmd;
  cmd.org_id = t.device.org_id;
  cmd.asset_id = t.device.asset_id;
  cmd.product_key = t.device.product_key;
  cmd.device_key = t.device.device_key;
  cmd.type = type;
  return cmd;
}

// What the caller of invokeService / setMeasurepoint gets when the command settles.
ApiResponse submit_answer(const hub::CommandOutcome& o, bool with_output) {
  if (o.code == kCodeInternal) return error(errc::internal, o.message);
  if (o.command.command_id == 0) return service_answer(o.code, o.message, nullptr);  // refused, no record
  boost::json::object data;
  data.emplace("commandId", std::to_string(o.command.command_id));
  if (with_output && o.command.pending_ttl_s == 0) data.emplace("outputData", stored_json(o.command.output_data));
  if (o.code == 0) return ok(std::move(data));
  // The device's own code (e.g. 220) or 11904 / 11915, with the command id to look it up.
  return service_answer(o.code, o.message, std::move(data));
}

void submit(ApiContext& ctx, registry::Command cmd, bool with_output, ResponseCallback done) {
  ctx.hub.commands().submit(std::move(cmd), [done = std::move(done), with_output](hub::CommandOutcome o) {
    done(submit_answer(o, with_output));
  });
}

// The command struct of the spec, plus the device and the reply details gridhub keeps.
boost::json::object command_view(const registry::Command& c, const TimeZone* zone) {
  boost::json::object o;
  o.reserve(20);
  o.emplace("commandId", std::to_string(c.command_id));
  o.emplace("assetId", c.asset_id);
  o.emplace("productKey", c.product_key);
  o.emplace("deviceKey", c.device_key);
  o.emplace("createTime", c.create_time);
  if (zone) o.emplace("createLocaltime", format_local_time(c.create_time, *zone, false, false));
  o.emplace("commandType", static_cast<int>(c.type));
  o.emplace("commandName", c.command_name);
  o.emplace("timeout", c.timeout_s);
  o.emplace("pendingTtl", c.pending_ttl_s);
  o.emplace("state", static_cast<int>(c.state));
  o.emplace("tslIdentifier", c.tsl_identifier);
  o.emplace("inputData", stored_json(c.input_data));
  o.emplace("outputData", stored_json(c.output_data));
  o.emplace("releaseTime", c.release_time);
  o.emplace("replyTime", c.reply_time);
  o.emplace("replyCode", c.reply_code);
  o.emplace("replyMessage", c.reply_message);
  o.emplace("errorCode", c.error_code);
  return o;
}

}  // namespace

void command_invoke_service(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  Target target;
  if (auto refused = find_target(ctx, call, target)) return done(std::move(*refused));
  registry::Command cmd = new_command(target, registry::CommandType::InvokeService);
  std::string message;
  if (!read_delivery(call.query, cmd, message)) return done(error(errc::invalid_param, message));
  const std::string_view service_id = call.query.get("serviceId");
  if (service_id.empty()) return done(error(errc::invalid_param, "serviceId is required"));

  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return done(error(errc::invalid_param, message));
  const boost::json::object* input = nullptr;
  FieldReader f(body);
  f.object("inputData", input);
  if (!f.ok()) return done(error(errc::invalid_param, f.error()));
  static const boost::json::object kNoInput;
  if (!input) input = &kNoInput;

  const model::Validator& model = *target.product->validator;
  const auto& services = model.model().services;
  auto service = services.find(std::string(service_id));
  if (service == services.end())
    return done(error(errc::invalid_param, "service [" + std::string(service_id) + "] not found in model " +
                                               target.product->product.model_id));
  if (auto ec = model.check_service_input(service_id, *input, message))
    return done(error(ec, Subject::None, message));

  cmd.tsl_identifier.assign(service_id);
  cmd.command_name = model::to_json(service->second.name);
  cmd.input_data = boost::json::serialize(*input);
  submit(ctx, std::move(cmd), true, std::move(done));
}

void command_set_measurepoint(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  Target target;
  if (auto refused = find_target(ctx, call, target)) return done(std::move(*refused));
  registry::Command cmd = new_command(target, registry::CommandType::SetMeasurepoint);
  std::string message;
  if (!read_delivery(call.query, cmd, message)) return done(error(errc::invalid_param, message));
  const std::string_view point_id = call.query.get("measurepointId");
  if (point_id.empty()) return done(error(errc::invalid_param, "measurepointId is required"));

  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return done(error(errc::invalid_param, message));
  const auto* value = body.if_contains("value");
  if (!value || value->is_null()) return done(error(errc::invalid_param, "value is required"));
  const model::Validator& model = *target.product->validator;
  const model::PointInfo* point = model.find_measurepoint(point_id);
  if (!point)
    return done(error(errc::invalid_param, "measurepoint [" + std::string(point_id) +
                                               "] not found in model " + target.product->product.model_id));
  if (auto ec = model.check_measurepoint(point_id, *value, message))
    return done(error(ec, Subject::None, message));

  cmd.tsl_identifier.assign(point_id);
  cmd.command_name = model::to_json(point->element->name);
  boost::json::object params;
  params.emplace(point_id, *value);
  cmd.input_data = boost::json::serialize(params);
  submit(ctx, std::move(cmd), false, std::move(done));
}

ApiResponse command_get(ApiContext& ctx, const ApiCall& call) {
  int64_t id = 0;
  if (!parse_command_id(call.query.get("commandId"), id))
    return error(errc::invalid_param, "commandId must be a positive integer");
  ctx.hub.commands().flush();  // the center writes behind: make what it decided visible
  auto c = ctx.registry.get_command(call.org_id, id);
  if (!c) return error(c.error(), Subject::None, "command " + std::to_string(id) + " not found");
  DeviceZones zones(ctx, call.org_id);
  return ok(command_view(*c, zones.of(c->asset_id)));
}

ApiResponse command_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);
  const auto* pagination = body.if_contains("pagination");
  if (!pagination || !pagination->is_object() || !pagination->as_object().contains("pageSize"))
    page.page_size = kDefaultCommandPageSize;

  registry::CommandFilter filter;
  std::string expression, asset, pk, dk;
  FieldReader f(body);
  f.string("assetId", asset, false, registry::kMaxFilterBytes);
  f.string("productKey", pk, false, registry::kMaxFilterBytes);
  f.string("deviceKey", dk, false, registry::kMaxFilterBytes);
  f.string("tslIdentifier", filter.tsl_identifier, false, registry::kMaxFilterBytes);
  f.string("expression", expression, false, kMaxExpressionBytes);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  if (const auto* s = body.if_contains("state"); s && !s->is_null()) {
    if (!s->is_int64() || s->get_int64() < 1 || s->get_int64() > 7)
      return error(errc::invalid_param, "state must be 1..7");
    filter.state = static_cast<int>(s->get_int64());
  }
  std::vector<Condition> conditions;
  if (!parse_expression(expression, conditions, message)) return error(errc::invalid_param, message);
  for (const auto& c : conditions) {
    if (c.op != Condition::Op::Eq || (c.field != "state" && c.field != "tslIdentifier"))
      return error(errc::invalid_param, "expression: only state = N and tslIdentifier = 'x' are supported");
    if (c.field == "tslIdentifier") {
      filter.tsl_identifier = c.values.front();
      continue;
    }
    const std::string& v = c.values.front();
    if (v.size() != 1 || v[0] < '1' || v[0] > '7')
      return error(errc::invalid_param, "expression: state must be 1..7");
    filter.state = v[0] - '0';
  }

  // The device, from the query (like the other command actions) or the body; none = every device of the OU.
  TimeZone zone;
  if (!call.query.get("assetId").empty() || !call.query.get("productKey").empty() || !asset.empty() ||
      !pk.empty()) {
    boost::system::result<registry::Device> d = make_error_code(errc::invalid_param);
    if (!call.query.get("assetId").empty() || !call.query.get("productKey").empty()) {
      d = find_device(ctx, call, message);
    } else if (!asset.empty()) {
      d = ctx.registry.get_device_by_asset(call.org_id, asset);
      message = "device with assetId " + asset + " not found";
    } else if (!dk.empty()) {
      d = ctx.registry.get_device(call.org_id, pk, dk);
      message = "device " + pk + "/" + dk + " not found";
    } else {
      message = "deviceKey is required with productKey";
    }
    if (!d) return error(d.error(), Subject::Device, message);
    filter.asset_id = d->asset_id;
    zone = zone_for(d->timezone, d->dst);
  }
  std::optional<int64_t> start, end;
  if (!read_search_time(body, call.query, "startTime", zone, start, message) ||
      !read_search_time(body, call.query, "endTime", zone, end, message))
    return error(errc::invalid_param, message);
  filter.start_time = start.value_or(0);
  filter.end_time = end.value_or(0);
  if (filter.start_time && filter.end_time && filter.start_time > filter.end_time)
    return error(errc::invalid_param, "startTime is after endTime");

  ctx.hub.commands().flush();
  auto found = ctx.registry.search_commands(call.org_id, filter, page);
  DeviceZones zones(ctx, call.org_id);
  boost::json::array items;
  items.reserve(found.items.size());
  for (const auto& c : found.items) items.push_back(command_view(c, zones.of(c.asset_id)));
  return ok_page(std::move(items), page.page_no, page.page_size, found.total);
}

ApiResponse command_cancel(ApiContext& ctx, const ApiCall& call) {
  std::string message;
  auto d = find_device(ctx, call, message);
  if (!d) return error(d.error(), Subject::Device, message);
  int64_t id = 0;
  const std::string* given = call.query.find("commandId");
  if (given && !given->empty() && !parse_command_id(*given, id))
    return error(errc::invalid_param, "commandId must be a positive integer");
  auto canceled = ctx.hub.commands().cancel(call.org_id, d->product_key, d->device_key, id);
  if (!canceled) {
    const std::string which = "command " + std::to_string(id);
    if (canceled.error() == registry::errc::invalid_argument)
      return error(errc::invalid_param,
                   which + " is no longer waiting to be sent (only state 1, Created, can be canceled)");
    return error(canceled.error(), Subject::None, which + " not found for this device");
  }
  boost::json::array ids;
  for (const auto& c : *canceled) ids.push_back(boost::json::string(std::to_string(c.command_id)));
  return ok(boost::json::object{{"commandIds", std::move(ids)}});
}

// Raw pass-through down (spec §4.2 down_raw) for a Custom-format device: body {"payload": base64}; the device's
// down_raw_reply bytes come back as data.replyPayload (base64). 11900 offline, 11915 no reply within timeout.
void command_send_raw(ApiContext& ctx, const ApiCall& call, ResponseCallback done) {
  Target target;
  if (auto refused = find_target(ctx, call, target)) return done(std::move(*refused));
  if (target.product->product.data_format != "Custom")
    return done(error(errc::invalid_param, "raw data goes only to devices of products whose data format is Custom"));
  std::string message;
  int timeout_s = kDefaultCommandTimeoutSeconds;
  if (!query_int(call.query, "timeout", kMinCommandTimeoutSeconds, kMaxCommandTimeoutSeconds, timeout_s, message))
    return done(error(errc::invalid_param, message));
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return done(error(errc::invalid_param, message));
  const auto* payload = body.if_contains("payload");
  std::optional<std::string> bytes;
  if (payload && payload->is_string()) bytes = enos::base64_decode(payload->get_string());
  if (!bytes) return done(error(errc::invalid_param, "payload must be the raw bytes in base64"));
  auto shared = std::make_shared<ResponseCallback>(std::move(done));
  const bool sent = ctx.hub.raw().send(
      target.device.product_key, target.device.device_key, std::move(*bytes), std::chrono::seconds(timeout_s),
      [shared](std::optional<std::string> reply) {
        if (!reply) return (*shared)(service_answer(11915, "the device did not answer in time", nullptr));
        (*shared)(ok(boost::json::object{{"replyPayload", enos::base64_encode(*reply)}}));
      });
  if (!sent)
    (*shared)(service_answer(11900, "the device is offline, or has too many raw requests waiting", nullptr));
}

}  // namespace gridhub::api
