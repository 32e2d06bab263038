// Feeds device payloads through what the hub runs them through: enos::parse_request, then the topic's handler
// (measure-point post and batch, attribute/tag query/update/delete, event post, topology, registration,
// integration), sub-device login (read_sub_login + decide_sub_login) and service replies (enos::parse_reply),
// against the seed model's registry (fuzz_world.hpp). Input: one selector byte, then (for event posts) the
// event id up to '\n', then the payload; $PK/$GPK/... are the world's keys. Every reply must be valid JSON.
#include <boost/json.hpp>
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "enos/envelope.hpp"
#include "fuzz_world.hpp"
#include "hub/handler.hpp"
#include "hub/sub_device_login.hpp"
#include "json/parse.hpp"

namespace {

using namespace gridhub;
using enos::TopicKind;

struct Op {
  TopicKind kind;
  const char* rest;   // after /sys/{pk}/{dk}/ (or /sys/{pk}/ for integration); {id} = the identifier line
  bool gateway;       // sent by the gateway (with its sub-device logged in), else by the plain device
};

constexpr Op kOps[] = {
    {TopicKind::MeasurepointPost, "thing/measurepoint/post", false},
    {TopicKind::MeasurepointPostBatch, "thing/measurepoint/post/batch", true},
    {TopicKind::MeasurepointResume, "thing/measurepoint/resume", false},
    {TopicKind::MeasurepointResumeBatch, "thing/measurepoint/resume/batch", true},
    {TopicKind::EventPost, "thing/event/{id}/post", false},
    {TopicKind::AttributeQuery, "thing/attribute/query", false},
    {TopicKind::AttributeUpdate, "thing/attribute/update", false},
    {TopicKind::AttributeDelete, "thing/attribute/delete", false},
    {TopicKind::TagQuery, "thing/tag/query", false},
    {TopicKind::TagUpdate, "thing/tag/update", false},
    {TopicKind::TagDelete, "thing/tag/delete", false},
    {TopicKind::TslTemplateGet, "thing/tsltemplate/get", false},
    {TopicKind::TopoAdd, "thing/topo/add", true},
    {TopicKind::TopoDelete, "thing/topo/delete", true},
    {TopicKind::TopoGet, "thing/topo/get", true},
    {TopicKind::DeviceRegister, "thing/device/register", true},
    {TopicKind::IntegrationMeasurepointPost, "integration/measurepoint/post", false},
    {TopicKind::IntegrationEventPost, "integration/event/post", false},
    {TopicKind::IntegrationAttributePost, "integration/attribute/post", false},
    {TopicKind::SubDeviceLogin, "combine/login", true},
    {TopicKind::SubDeviceLoginBatch, "combine/login/batch", true},
    {TopicKind::ServiceInvocationReply, "thing/service/{id}_reply", false},
};

void must_be_json(std::string_view text) {
  boost::system::error_code ec;
  (void)boost::json::parse(text, ec);
  if (ec) std::abort();
}

// The reply the session would send, which must be valid JSON whatever the request held.
void reply(const enos::Request& req, const hub::Outcome& out) {
  must_be_json(out.data);
  std::string wire;
  enos::append_reply(req.id, out.code, out.message, out.data, wire);
  must_be_json(wire);
}

void sub_login(const hub::Snapshot& snap, const hub::DeviceIdentity& gateway, const enos::Request& req, bool batch) {
  const auto* params = req.params.if_object();
  if (!params) return;
  if (!batch) {
    auto d = hub::decide_sub_login(snap, gateway, hub::read_sub_login(*params));
    if (d.code == enos::kSuccess && !d.device) std::abort();
    return;
  }
  const hub::SubLoginRequest shared = hub::read_sub_login(*params);
  const auto* list = params->if_contains("subDevices");
  if (!list || !list->is_array()) return;
  for (const auto& e : list->get_array()) {
    const auto* entry = e.if_object();
    hub::SubLoginRequest r = entry ? hub::read_sub_login(*entry) : hub::SubLoginRequest{};
    r.client_id = shared.client_id;
    r.timestamp = shared.timestamp;
    if (r.sign_method.empty()) r.sign_method = shared.sign_method;
    auto d = hub::decide_sub_login(snap, gateway, r);
    if (d.code == enos::kSuccess && !d.device) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const Op& op = kOps[data[0] % std::size(kOps)];
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string id;
  if (std::string_view(op.rest).find("{id}") != std::string_view::npos) {
    const std::size_t nl = rest.find('\n');
    if (nl == std::string::npos) return 0;
    id = rest.substr(0, nl);
    rest.erase(0, nl + 1);
  }
  const std::string payload = fuzz::expand_placeholders(std::move(rest));

  fuzz::World& w = fuzz::world();
  const registry::Device& dev = op.gateway ? w.gateway : w.device;
  const bool integration = std::string_view(op.rest).starts_with("integration/");
  std::string topic = "/sys/" + dev.product_key + "/" + (integration ? "" : dev.device_key + "/");
  std::string_view r = op.rest;
  const std::size_t at = r.find("{id}");
  topic += at == std::string_view::npos ? std::string(r) : std::string(r.substr(0, at)) + id + std::string(r.substr(at + 4));
  auto parsed = enos::parse_topic(topic);
  if (!parsed || parsed->kind != op.kind) return 0;  // an identifier that is not one level

  if (op.kind == TopicKind::ServiceInvocationReply) {
    auto rep = enos::parse_reply(payload);
    if (rep) must_be_json(boost::json::serialize(rep->data));
    return 0;
  }
  auto req = enos::parse_request(payload);
  if (!req) return 0;
  must_be_json(boost::json::serialize(req->params));

  auto snap = w.view->current();
  hub::DeviceIdentity identity{dev.org_id, dev.asset_id, dev.product_key, integration ? "" : dev.device_key};
  if (op.kind == TopicKind::SubDeviceLogin || op.kind == TopicKind::SubDeviceLoginBatch) {
    sub_login(*snap, identity, *req, op.kind == TopicKind::SubDeviceLoginBatch);
    return 0;
  }
  hub::Handler handler = integration ? hub::find_integration_handler(op.kind) : hub::find_handler(op.kind);
  if (!handler) std::abort();  // the table lost a kind
  std::unordered_map<std::string, hub::DeviceIdentity> subs;
  if (op.gateway)
    subs[w.sub_device.product_key + "/" + w.sub_device.device_key] = {
        w.sub_device.org_id, w.sub_device.asset_id, w.sub_device.product_key, w.sub_device.device_key};
  hub::HandlerContext ctx{identity, *snap, snap->find_product(dev.product_key), *w.registry, *w.store,
                          1'700'000'000'000, op.gateway ? &subs : nullptr};
  const hub::Outcome out = handler(ctx, *parsed, *req);
  reply(*req, out);
  if (out.code != enos::kSuccess && (!out.samples.empty() || !out.events.empty())) {
    // A refused request has no effect... unless skipInvalidMeasurepoints kept the good points.
    if (!req->skip_invalid_measurepoints) std::abort();
  }
  return 0;
}
