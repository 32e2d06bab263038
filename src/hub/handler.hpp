// What a topic handler sees and returns. Handlers are plain functions (STYLE.md item 9): parsed input plus a
// context in, a reply and its effects out; they never see a socket, so tests call them directly.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "enos/codes.hpp"
#include "enos/envelope.hpp"
#include "enos/topic.hpp"
#include "hub/registry_view.hpp"
#include "registry/event_log.hpp"
#include "registry/registry.hpp"
#include "tsdb/sample.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::hub {

// The device a message is about, after the ACL check.
struct DeviceIdentity {
  std::string org_id, asset_id, product_key, device_key;
};

struct HandlerContext {
  const DeviceIdentity& device;
  const Snapshot& snapshot;
  const ProductEntry* product;  // the device's product in `snapshot`; null if it vanished meanwhile
  registry::Registry& registry;
  tsdb::TimeSeriesStore& store;
  int64_t now_ms;
  // A gateway's connection: the sub-devices logged in on it, by "productKey/deviceKey" (batch posts may name
  // them). Null for other connections.
  const std::unordered_map<std::string, DeviceIdentity>* sub_devices = nullptr;

  // The compiled model when the product's model validation is on and the model loaded, else null.
  const model::Validator* validator() const {
    return product && product->validation_enabled ? product->validator.get() : nullptr;
  }
  // The compiled model whatever the switch says (for typing values), or null.
  const model::Validator* model() const { return product ? product->validator.get() : nullptr; }
};

struct Outcome {
  int code = enos::kSuccess;
  std::string message;
  std::string data = "{}";             // serialized JSON for the reply's "data"
  // Effects made durable before the reply (and the PUBACK) leave, when not empty: samples go to the
  // time-series store, events to the event log. A handler returns one kind or none.
  std::vector<tsdb::Sample> samples;
  std::vector<registry::Event> events;

  static Outcome error(int code, std::string message) {
    Outcome o;
    o.code = code;
    o.message = std::move(message);
    o.data = "null";
    return o;
  }
};

using Handler = Outcome (*)(const HandlerContext&, const enos::Topic&, const enos::Request&);

Outcome handle_measurepoint_post(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_measurepoint_batch(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_event_post(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_attribute_query(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_attribute_update(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_attribute_delete(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_tag_query(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_tag_update(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_tag_delete(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_tsl_template_get(const HandlerContext&, const enos::Topic&, const enos::Request&);
// Gateways (handle_topology.cpp, spec §4.6): the topology and sub-device registration. The sub-device session
// topics (combine/login, login/batch, logout) change the connection's state: session_gateway.cpp.
Outcome handle_topo_add(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_topo_delete(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_topo_get(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_device_register(const HandlerContext&, const enos::Topic&, const enos::Request&);

// The message-integration channel (handle_integration.cpp): entries of many devices of the channel's product;
// ctx.device is the channel (org and product key only).
Outcome handle_integration_measurepoint_post(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_integration_event_post(const HandlerContext&, const enos::Topic&, const enos::Request&);
Outcome handle_integration_attribute_post(const HandlerContext&, const enos::Topic&, const enos::Request&);
Handler find_integration_handler(enos::TopicKind kind);

// The handler of an upstream request topic, or null when the hub has none (dispatch.cpp, one table).
Handler find_handler(enos::TopicKind kind);

}  // namespace gridhub::hub
