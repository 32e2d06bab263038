// Upstream PUBLISH, SUBSCRIBE and UNSUBSCRIBE of a logged-in device: the topic ACL, dispatch to the topic handlers,
// replies to downstream commands, and acknowledging only what is durable.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "enos/base64.hpp"
#include "enos/codes.hpp"
#include "enos/envelope.hpp"
#include "enos/topic.hpp"
#include "hub/handler.hpp"
#include "hub/session.hpp"
#include "metrics/catalog.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/topic_filter.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// The Python and Java SDKs pair an up_raw request with whatever arrives next on up_raw_reply, under this id.
constexpr std::string_view kRawReplyId = "unknown";
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

// --- upstream messages ---------------------------------------------------------------------------------------

namespace {
// The device keys of "/sys/{pk}/{dk}/..." or "/ext/session/{pk}/{dk}/..." as "pk/dk"; "" for anything else.
std::string device_prefix_key(std::string_view t) {
  if (t.starts_with("/sys/")) t.remove_prefix(5);
  else if (t.starts_with("/ext/session/")) t.remove_prefix(13);
  else return {};
  const auto a = t.find('/');
  if (a == std::string_view::npos) return {};
  const auto b = t.find('/', a + 1);
  return b == std::string_view::npos ? std::string() : std::string(t.substr(0, b));
}
}  // namespace

bool Session::owns_topic(std::string_view t) const {
  const auto& d = login_.device;
  switch (login_.kind) {
    case LoginKind::Device:
      if (enos::in_device_namespace(t, d.product_key, d.device_key)) return true;
      // A gateway acts in the namespaces of the sub-devices it has logged in (spec §1.7).
      if (!sub_devices_.empty()) {
        auto it = sub_devices_.find(device_prefix_key(t));
        return it != sub_devices_.end() &&
               enos::in_device_namespace(t, it->second.product_key, it->second.device_key);
      }
      return false;
    case LoginKind::DynamicActivation:
      return enos::in_device_namespace(t, d.product_key, d.device_key);
    case LoginKind::Integration:
      return enos::in_integration_namespace(t, d.product_key);
  }
  return false;
}

namespace {
// Requests only a gateway makes about itself: never on a sub-device's topics.
bool gateway_only(enos::TopicKind kind) {
  using K = enos::TopicKind;
  switch (kind) {
    case K::DeviceRegister:
    case K::TopoAdd:
    case K::TopoDelete:
    case K::TopoGet:
    case K::SubDeviceLogin:
    case K::SubDeviceLoginBatch:
    case K::SubDeviceLogout:
      return true;
    default:
      return false;
  }
}
}  // namespace

void Session::handle(mqtt::Publish& p) {
  ctx_.stats.messages_in.fetch_add(1, std::memory_order_relaxed);
  const uint8_t qos = p.qos;
  const uint16_t packet_id = p.packet_id;
  auto topic = enos::parse_topic(p.topic);
  if (topic && (topic->kind == enos::TopicKind::MeasurepointPost || topic->kind == enos::TopicKind::MeasurepointPostBatch))
    metrics::measurepoint_posts.inc();

  if (login_.kind == LoginKind::DynamicActivation) {
    puback(qos, packet_id);
    if (topic && topic->kind == enos::TopicKind::ActivateInfoReply) close_after_write();
    return;
  }
  // Replies to downstream commands go to the command center, which matches them to the command by id. They are
  // never answered (a reply to a reply would loop).
  if (topic && owns_topic(p.topic) && p.topic.ends_with("_reply")) {
    puback(qos, packet_id);
    if (login_.kind != LoginKind::Device) return;
    if (topic->kind == enos::TopicKind::ModelDownRawReply)
      ctx_.raw.on_reply(topic->product_key, topic->device_key, p.payload);
    else
      route_command_reply(*topic, p.payload);
    return;
  }
  // Raw pass-through up (spec §4.1 up_raw): opaque bytes, no envelope; kept in the event log as they came.
  if (topic && topic->kind == enos::TopicKind::ModelUpRaw && login_.kind == LoginKind::Device && owns_topic(p.topic))
    return handle_up_raw(p, *topic);

  auto request = enos::parse_request(p.payload);
  const std::string_view id = request ? std::string_view(request->id) : std::string_view();
  if (!topic || !owns_topic(p.topic)) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::kTopicNotAllowed, "topic not allowed for this device", "null", qos);
  }
  if (!request) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::to_return_code(request.error()), request.error().message(), "null", qos);
  }
  // The device the message is about: the connection's own, or one of its sub-devices (the ACL let it through).
  const DeviceIdentity* subject = &login_.device;
  if (login_.kind == LoginKind::Device &&
      (topic->product_key != login_.device.product_key || topic->device_key != login_.device.device_key))
    subject = sub_device_of(*topic);
  if (!subject || (subject != &login_.device && gateway_only(topic->kind))) {
    puback(qos, packet_id);
    return reply(p.topic, id, enos::kTopicNotAllowed, "not allowed for a sub-device", "null", qos);
  }
  Outcome outcome;
  using K = enos::TopicKind;
  if (login_.kind == LoginKind::Device && topic->kind == K::SubDeviceLogin) {
    outcome = handle_sub_login(*request);
  } else if (login_.kind == LoginKind::Device && topic->kind == K::SubDeviceLoginBatch) {
    outcome = handle_sub_login_batch(*request);
  } else if (login_.kind == LoginKind::Device && topic->kind == K::SubDeviceLogout) {
    outcome = handle_sub_logout(*request);
  } else {
    Handler handler = login_.kind == LoginKind::Device        ? find_handler(topic->kind)
                      : login_.kind == LoginKind::Integration ? find_integration_handler(topic->kind)
                                                              : nullptr;
    if (!handler) {
      puback(qos, packet_id);
      return reply(p.topic, id, enos::kTopicNotAllowed, "unsupported topic", "null", qos);
    }
    auto snapshot = ctx_.view.current();
    HandlerContext hctx{*subject,      *snapshot, snapshot->find_product(subject->product_key),
                        ctx_.registry, ctx_.store, now_ms(),
                        sub_devices_.empty() ? nullptr : &sub_devices_};
    outcome = handler(hctx, *topic, *request);
    if (topic->kind == K::TopoDelete && outcome.code == enos::kSuccess) logout_sub_devices_outside_topology();
  }
  if (outcome.samples.empty() && outcome.events.empty()) {
    puback(qos, packet_id);
    return reply(p.topic, id, outcome.code, outcome.message, outcome.data, qos);
  }
  persist_then_reply(std::move(p.topic), id, qos, packet_id, std::move(outcome));
}

void Session::handle_up_raw(mqtt::Publish& p, const enos::Topic& topic) {
  const DeviceIdentity* subject = &login_.device;
  if (topic.product_key != login_.device.product_key || topic.device_key != login_.device.device_key)
    subject = sub_device_of(topic);
  auto snapshot = ctx_.view.current();
  const ProductEntry* product = subject ? snapshot->find_product(subject->product_key) : nullptr;
  if (!subject || !product || product->product.data_format != "Custom") {
    puback(p.qos, p.packet_id);
    return reply(p.topic, kRawReplyId, enos::kParamError, "up_raw is for products whose data format is Custom",
                 "null", p.qos);
  }
  const int64_t now = now_ms();
  registry::Event event;
  event.org_id = subject->org_id;
  event.asset_id = subject->asset_id;
  event.product_key = subject->product_key;
  event.device_key = subject->device_key;
  event.tsl_event_key = kRawEventKey;
  event.tsl_event_type = "INFO";
  event.output = boost::json::serialize(
      boost::json::object{{"payload", enos::base64_encode(p.payload)}, {"size", p.payload.size()}});
  event.timestamp = now;
  event.create_time = now;
  Outcome outcome;
  outcome.events.push_back(std::move(event));
  persist_then_reply(std::move(p.topic), kRawReplyId, p.qos, p.packet_id, std::move(outcome));
}

void Session::route_command_reply(const enos::Topic& topic, std::string_view payload) {
  switch (topic.kind) {
    case enos::TopicKind::ServiceInvocationReply:
    case enos::TopicKind::MeasurepointSetReply:
    case enos::TopicKind::MeasurepointGetReply:
      break;
    default:
      return;  // replies to messages the hub does not track (activation, OTA...)
  }
  auto reply = enos::parse_reply(payload);
  if (!reply) {
    spdlog::debug("device {}/{}: unreadable command reply: {}", login_.device.product_key, login_.device.device_key,
                  reply.error().message());
    return;
  }
  const std::string data = boost::json::serialize(reply->data);
  ctx_.commands.on_reply(topic.product_key, topic.device_key, topic.kind, reply->id, reply->code, reply->message,
                         data);
}

// Acknowledge only what is durable: the PUBACK and the reply leave when the store (samples) or the event log
// (events) has the data. Both complete on their writer thread; the answer is posted back to this loop.
void Session::persist_then_reply(std::string topic, std::string_view id, uint8_t qos, uint16_t packet_id,
                                 Outcome&& outcome) {
  ++inflight_;
  DurableReply r{std::move(topic), std::string(id), std::move(outcome.data), qos, packet_id, 0, "samples",
                 &ctx_.stats.samples_stored};
  const bool events = outcome.samples.empty();
  if (events) {
    r.count = outcome.events.size();
    r.what = "events";
    r.stored = &ctx_.stats.events_stored;
  } else {
    r.count = outcome.samples.size();
  }
  // Watched devices' points, taken before the samples move to the store and published once they are durable.
  auto live = events ? std::vector<std::shared_ptr<const LiveUpdate>>() : ctx_.live.collect(outcome.samples);
  auto done = [self = shared_from_this(), r = std::move(r), live = std::move(live)](std::error_code ec) mutable {
    auto executor = self->socket_.get_executor();
    asio::post(executor, [self = std::move(self), r = std::move(r), live = std::move(live), ec] {
      self->on_durable(r, ec);
      if (!ec)
        for (const auto& u : live) self->ctx_.live.publish(u);
    });
  };
  if (events) ctx_.events.append(std::move(outcome.events), std::move(done));
  else ctx_.store.append(std::move(outcome.samples), std::move(done));
}

void Session::on_durable(const DurableReply& r, std::error_code ec) {
  --inflight_;
  if (closed_) return;
  {
    WriteRound round(*this);
    if (ec) {
      spdlog::error("{} {} of {}/{} not stored: {}", r.count, r.what, login_.device.product_key,
                    login_.device.device_key, ec.message());
      reply(r.topic, r.id, enos::kInternalError, "data not stored", "null", r.qos);
    } else {
      r.stored->fetch_add(r.count, std::memory_order_relaxed);
      puback(r.qos, r.packet_id);
      reply(r.topic, r.id, enos::kSuccess, "", r.data, r.qos);
    }
  }
  if (paused_ && inflight_ < kMaxInflightRequests) {
    paused_ = false;
    {
      WriteRound round(*this);
      process_packets();
    }
    do_wait_read();
  }
}

void Session::handle(mqtt::Subscribe& p) {
  // Devices get replies and commands without subscribing (spec §1.7); a subscription inside the device's own
  // namespace is granted (QoS <= 1) so that clients that insist on subscribing are content.
  mqtt::Suback ack{p.packet_id, {}};
  for (const auto& [filter, qos] : p.filters)
    ack.return_codes.push_back(mqtt::valid_topic_filter(filter) && owns_topic(filter)
                                   ? static_cast<uint8_t>(std::min<uint8_t>(qos, 1))
                                   : uint8_t{0x80});
  std::string out;
  mqtt::encode(ack, out);
  send(out);
}

void Session::handle(mqtt::Unsubscribe& p) {
  std::string out;
  mqtt::encode(mqtt::Unsuback{p.packet_id}, out);
  send(out);
}

}  // namespace gridhub::hub
