// The message-integration channel (securemode 4, spec §4.3 "Message integration"): one connection per product
// posts measure points, events and attributes of many of its devices, each entry naming its device. Every entry
// goes through the same handler a device's own message would, so validation and storage are the same.
#include <boost/json.hpp>

#include "hub/handler.hpp"
#include "hub/limits.hpp"

namespace gridhub::hub {

namespace {

// The device an entry names (deviceKey, within the channel's product), as a handler context for it.
struct EntryDevice {
  DeviceIdentity identity;
  const ProductEntry* product = nullptr;
};
bool find_entry_device(const HandlerContext& ctx, const boost::json::object& entry, EntryDevice& out,
                       Outcome& error) {
  auto dk = entry.find("deviceKey");
  if (dk == entry.end() || !dk->value().is_string() || dk->value().get_string().empty()) {
    error = Outcome::error(enos::kParamError, "each entry needs a deviceKey");
    return false;
  }
  const DeviceEntry* d = ctx.snapshot.find_device(ctx.device.product_key, dk->value().get_string());
  if (!d || d->org_id != ctx.device.org_id) {
    error = Outcome::error(enos::kDeviceNotExist,
                           "device [" + std::string(dk->value().get_string()) + "] does not exist in this product");
    return false;
  }
  if (!d->enabled) {
    error = Outcome::error(enos::kAuthFailed, "device [" + d->device_key + "] is disabled");
    return false;
  }
  out.identity = DeviceIdentity{d->org_id, d->asset_id, d->product_key, d->device_key};
  out.product = ctx.snapshot.find_product(d->product_key);
  return true;
}

const boost::json::array* entries_of(const enos::Request& req, Outcome& error) {
  if (!req.params.is_array()) {
    error = Outcome::error(enos::kParamError, "params must be an array of device entries");
    return nullptr;
  }
  if (req.params.get_array().size() > kMaxBatchEntries) {
    error = Outcome::error(enos::kParamError, "too many entries in one message");
    return nullptr;
  }
  return &req.params.get_array();
}

// Runs `handler` for each entry as if its device had sent `make(entry)` itself; all or nothing: the first error
// (prefixed with the device) is the answer.
template <class Make>
Outcome for_each_entry(const HandlerContext& ctx, const enos::Request& req, Make make) {
  Outcome out, failed;
  const auto* entries = entries_of(req, failed);
  if (!entries) return failed;
  for (const auto& e : *entries) {
    const auto* entry = e.if_object();
    if (!entry) return Outcome::error(enos::kParamError, "each entry must be an object");
    EntryDevice device;
    if (!find_entry_device(ctx, *entry, device, failed)) return failed;
    HandlerContext one{device.identity, ctx.snapshot, device.product, ctx.registry, ctx.store, ctx.now_ms};
    Outcome part = make(one, *entry);
    if (part.code != enos::kSuccess) {
      part.message = "device [" + device.identity.device_key + "]: " + part.message;
      part.samples.clear();
      part.events.clear();
      return part;
    }
    std::move(part.samples.begin(), part.samples.end(), std::back_inserter(out.samples));
    std::move(part.events.begin(), part.events.end(), std::back_inserter(out.events));
  }
  return out;
}

}  // namespace

Outcome handle_integration_measurepoint_post(const HandlerContext& ctx, const enos::Topic& topic,
                                             const enos::Request& req) {
  return for_each_entry(ctx, req, [&](const HandlerContext& one, const boost::json::object& entry) {
    enos::Request single;
    single.params = entry;  // {deviceKey, time, measurepoints}: the post's own shape plus a key it ignores
    single.skip_invalid_measurepoints = req.skip_invalid_measurepoints;
    return handle_measurepoint_post(one, topic, single);
  });
}

Outcome handle_integration_event_post(const HandlerContext& ctx, const enos::Topic& topic, const enos::Request& req) {
  return for_each_entry(ctx, req, [&](const HandlerContext& one, const boost::json::object& entry) {
    const auto* events = entry.if_contains("events");
    if (!events || !events->is_object() || events->get_object().empty())
      return Outcome::error(enos::kParamError, "events must be an object of eventId -> output");
    Outcome all;
    for (const auto& kv : events->get_object()) {
      if (!kv.value().is_object()) return Outcome::error(enos::kParamError, "event output must be an object");
      enos::Request single;
      boost::json::object params{{"events", kv.value()}};
      if (const auto* t = entry.if_contains("time")) params["time"] = *t;
      single.params = std::move(params);
      enos::Topic event_topic = topic;
      event_topic.identifier = kv.key();
      Outcome part = handle_event_post(one, event_topic, single);
      if (part.code != enos::kSuccess) return part;
      std::move(part.events.begin(), part.events.end(), std::back_inserter(all.events));
    }
    return all;
  });
}

Outcome handle_integration_attribute_post(const HandlerContext& ctx, const enos::Topic& topic,
                                          const enos::Request& req) {
  return for_each_entry(ctx, req, [&](const HandlerContext& one, const boost::json::object& entry) {
    enos::Request single;
    single.params = entry;  // {deviceKey, attributes}
    return handle_attribute_update(one, topic, single);
  });
}

Handler find_integration_handler(enos::TopicKind kind) {
  switch (kind) {
    case enos::TopicKind::IntegrationMeasurepointPost:
      return handle_integration_measurepoint_post;
    case enos::TopicKind::IntegrationEventPost:
      return handle_integration_event_post;
    case enos::TopicKind::IntegrationAttributePost:
      return handle_integration_attribute_post;
    default:
      return nullptr;
  }
}

}  // namespace gridhub::hub
