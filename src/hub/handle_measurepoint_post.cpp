// thing/measurepoint/post, post/batch, resume and resume/batch (spec §4.3): validate against the thing model,
// then hand the samples to the store; the reply leaves once they are durable (session.cpp).
#include <boost/json.hpp>

#include "hub/handler.hpp"
#include "hub/limits.hpp"
#include "hub/value_convert.hpp"

namespace gridhub::hub {

namespace {

bool read_time(const boost::json::object& params, int64_t now_ms, int64_t& time) {
  auto it = params.find("time");
  if (it == params.end() || it->value().is_null()) {
    time = now_ms;
    return true;
  }
  const auto& t = it->value();
  if (t.is_int64() && t.get_int64() >= 0) time = t.get_int64();
  else if (t.is_uint64() && t.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) time = static_cast<int64_t>(t.get_uint64());
  else if (t.is_double() && t.get_double() >= 0 && t.get_double() < 9.2e18) time = static_cast<int64_t>(t.get_double());
  else if (t.is_string()) {
    // Some clients send the timestamp as text.
    std::string_view s = t.get_string();
    if (s.empty() || s.size() > 18) return false;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    time = v;
  } else {
    return false;
  }
  return true;
}

// Validates and converts one {measurepoints, time} entry into samples for `device`. Returns false with `out`
// set to the error outcome.
bool collect(const HandlerContext& ctx, const DeviceIdentity& device, const boost::json::object& entry,
             bool skip_invalid, std::vector<tsdb::Sample>& samples, Outcome& out) {
  auto mp = entry.find("measurepoints");
  if (mp == entry.end() || !mp->value().is_object()) {
    out = Outcome::error(enos::kParamError, "params.measurepoints must be an object");
    return false;
  }
  int64_t time = 0;
  if (!read_time(entry, ctx.now_ms, time)) {
    out = Outcome::error(enos::kParamError, "params.time must be epoch milliseconds");
    return false;
  }
  const auto& points = mp->value().get_object();
  if (points.size() > kMaxPointsPerPost) {
    out = Outcome::error(enos::kParamError, "too many measure points in one message");
    return false;
  }
  const model::Validator* validator = ctx.validator();
  const model::Validator* typing = ctx.model();
  const HistoryPlan* history = ctx.product ? ctx.product->history.get() : nullptr;
  std::string message;
  for (const auto& kv : points) {
    std::string_view id = kv.key();
    if (validator) {
      if (auto ec = validator->check_measurepoint(id, kv.value(), message)) {
        if (skip_invalid) continue;
        out = Outcome::error(enos::kModelValidateFailed, message);
        return false;
      }
    }
    tsdb::Sample s;
    if (!to_sample_value(kv.value(), typing ? typing->find_measurepoint(id) : nullptr, s.value, s.quality)) {
      if (skip_invalid) continue;
      out = Outcome::error(enos::kModelValidateFailed, "measurepoint [" + std::string(id) + "] has no storable value");
      return false;
    }
    s.asset_id = device.asset_id;
    s.point_id.assign(id);
    s.time_ms = time;
    if (history) {
      s.history = history->categories_of(id);
      s.group = history->group;
    }
    samples.push_back(std::move(s));
  }
  return true;
}

}  // namespace

Outcome handle_measurepoint_post(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  Outcome out;
  if (!req.params.is_object()) return Outcome::error(enos::kParamError, "params must be an object");
  collect(ctx, ctx.device, req.params.get_object(), req.skip_invalid_measurepoints, out.samples, out);
  if (out.code != enos::kSuccess) out.samples.clear();
  return out;
}

Outcome handle_measurepoint_batch(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  Outcome out;
  if (!req.params.is_array()) return Outcome::error(enos::kParamError, "params must be an array");
  const auto& entries = req.params.get_array();
  if (entries.size() > kMaxBatchEntries) return Outcome::error(enos::kParamError, "too many entries in one batch");
  const std::string self = device_key_of(ctx.device.product_key, ctx.device.device_key);
  std::vector<DeviceIdentity> offline;  // sub-devices posted for while offline (allowOfflineSubDevice)
  offline.reserve(entries.size());
  for (const auto& e : entries) {
    if (!e.is_object()) return Outcome::error(enos::kParamError, "each batch entry must be an object");
    const auto& entry = e.get_object();
    // An entry names the topic's device (or omits its keys), or a sub-device of this gateway (spec §4.3): one
    // logged in on this connection, or with allowOfflineSubDevice one in the gateway's topology.
    auto pk = entry.find("productKey");
    auto dk = entry.find("deviceKey");
    std::string_view epk = pk != entry.end() && pk->value().is_string() ? std::string_view(pk->value().get_string()) : "";
    std::string_view edk = dk != entry.end() && dk->value().is_string() ? std::string_view(dk->value().get_string()) : "";
    if (epk.empty()) epk = ctx.device.product_key;
    if (edk.empty()) edk = ctx.device.device_key;
    const DeviceIdentity* device = &ctx.device;
    HandlerContext sub_ctx = ctx;
    if (epk != ctx.device.product_key || edk != ctx.device.device_key) {
      const std::string key = device_key_of(epk, edk);
      device = nullptr;
      if (ctx.sub_devices)
        if (auto it = ctx.sub_devices->find(key); it != ctx.sub_devices->end()) device = &it->second;
      if (!device && req.allow_offline_sub_device) {
        const DeviceEntry* d = ctx.snapshot.find_device(epk, edk);
        if (d && d->gateway == self && d->enabled) {
          offline.push_back(DeviceIdentity{d->org_id, d->asset_id, d->product_key, d->device_key});
          device = &offline.back();
        }
      }
      if (!device) {
        out = Outcome::error(enos::kTopicNotAllowed, "sub-device [" + key + "] is not logged in on this connection");
        out.samples.clear();
        return out;
      }
      sub_ctx.product = ctx.snapshot.find_product(device->product_key);
    }
    if (!collect(sub_ctx, *device, entry, req.skip_invalid_measurepoints, out.samples, out)) {
      out.samples.clear();
      return out;
    }
  }
  return out;
}

}  // namespace gridhub::hub
