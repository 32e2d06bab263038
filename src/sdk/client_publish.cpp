// Requests and their replies: ids, topics, the pending table, one timer for every deadline, and what a lost
// connection does to requests in flight (live measure-point posts go to the offline buffer).
#include "enos/codes.hpp"
#include "gridhub/device/errc.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/topic_filter.hpp"
#include "sdk/client_impl.hpp"

namespace gridhub::device {

error_code Client::Impl::publish(const Request& r, ResponseCallback done, bool fire_and_forget,
                                 const detail::BufferedPost* replay) {
  const bool from_replay = replay != nullptr;
  const std::string_view pk = opts.product_key, dk = opts.device_key;
  if (state != State::connected) {
    if (!from_replay && detail::bufferable(r.kind) && opts.offline_buffer.enabled) {
      buffer_post(r, pk, dk);
      return make_error_code(errc::buffered_offline);
    }
    return make_error_code(errc::not_connected);
  }
  if (!fire_and_forget && pending.size() >= opts.max_pending_requests) return make_error_code(errc::queue_full);
  std::string topic = detail::request_topic(r, pk, dk);
  std::string reply_topic = topic + "_reply";
  if (!mqtt::valid_topic_name(reply_topic) || r.qos > 1) return make_error_code(errc::invalid_argument);
  std::string id = std::to_string(++next_request_id);
  std::string payload = replay ? detail::request_payload(r, id, replay->params_json, replay->extra_json)
                               : detail::request_payload(r, id);
  if (payload.size() > detail::kMaxMessageSize) return make_error_code(errc::message_too_large);

  std::string bytes;
  bool subscribe = opts.subscribe_reply_topics && !fire_and_forget && !subscribed.contains(reply_topic);
  if (subscribe) {
    mqtt::Subscribe s;
    s.packet_id = next_packet_id();
    s.filters.emplace_back(reply_topic, r.qos);
    mqtt::encode(s, bytes);
  }
  mqtt::encode_publish(topic, payload, r.qos, r.qos ? next_packet_id() : 0, bytes);
  if (auto ec = enqueue(std::move(bytes))) return ec;
  if (subscribe) subscribed.insert(reply_topic);
  count([](ClientStats& s) { ++s.requests_sent; });
  if (fire_and_forget) return {};

  const bool raw = r.kind == RequestKind::up_raw;
  std::string key = reply_topic + '\n' + (raw ? "#raw" + id : id);
  Pending p;
  p.done = std::move(done);
  p.raw = raw;
  if (!from_replay && detail::bufferable(r.kind) && opts.offline_buffer.enabled) p.buffer_on_loss = r;
  if (r.kind == RequestKind::sub_device_login) p.relogin = r;
  if (raw) raw_waiters[reply_topic].push_back(key);
  deadlines.emplace_back(Clock::now() + opts.operation_timeout, key);
  pending.emplace(std::move(key), std::move(p));
  arm_timeout();
  return {};
}

void Client::Impl::on_reply(const std::string& topic, std::string_view payload) {
  std::string key;
  boost::system::result<Response> resp = make_error_code(errc::protocol_error);
  // Raw replies carry no id: the next one on the topic answers the oldest raw request (as the SDKs do).
  if (auto it = raw_waiters.find(topic); it != raw_waiters.end() && !it->second.empty()) {
    key = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) raw_waiters.erase(it);
    resp = detail::parse_response(topic, payload, true);
  } else {
    resp = detail::parse_response(topic, payload, false);
    if (!resp) return;  // not an envelope: nothing to match it with
    key = topic + '\n' + resp->id;
  }
  auto node = pending.extract(key);
  if (node.empty()) return;  // late (timed out) or not ours
  Pending& p = node.mapped();
  count([](ClientStats& s) { ++s.replies; });
  if (resp && resp->ok()) {
    if (p.relogin) {
      const auto& params = p.relogin->params.as_object();
      sub_device_logins[{std::string(params.at("productKey").as_string()),
                         std::string(params.at("deviceKey").as_string())}] = *p.relogin;
    } else if (topic.ends_with("/combine/logout_reply") && resp->data.is_object()) {
      const auto& d = resp->data.get_object();
      const auto* rpk = d.if_contains("productKey");
      const auto* rdk = d.if_contains("deviceKey");
      if (rpk && rdk && rpk->is_string() && rdk->is_string())
        sub_device_logins.erase({std::string(rpk->get_string()), std::string(rdk->get_string())});
    }
  }
  if (p.done) p.done(std::move(resp));
}

void Client::Impl::arm_timeout() {
  if (timeout_armed || deadlines.empty()) return;
  timeout_armed = true;
  timeout_timer.expires_at(deadlines.front().first);
  auto self = shared_from_this();
  timeout_timer.async_wait([self](error_code ec) {
    self->timeout_armed = false;
    if (ec) return;
    self->on_timeout();
  });
}

void Client::Impl::on_timeout() {
  const auto now = Clock::now();
  while (!deadlines.empty() && deadlines.front().first <= now) {
    std::string key = std::move(deadlines.front().second);
    deadlines.pop_front();
    auto node = pending.extract(key);
    if (node.empty()) continue;  // answered already
    if (node.mapped().raw) {
      const std::string topic = key.substr(0, key.find('\n'));
      if (auto it = raw_waiters.find(topic); it != raw_waiters.end()) {
        std::erase(it->second, key);
        if (it->second.empty()) raw_waiters.erase(it);
      }
    }
    count([](ClientStats& s) { ++s.timeouts; });
    if (node.mapped().done) node.mapped().done(make_error_code(errc::timeout));
  }
  arm_timeout();
}

void Client::Impl::fail_pending(error_code ec) {
  // In send order (the deadline queue's order), so that lost posts enter the offline buffer in order.
  auto order = std::move(deadlines);
  deadlines.clear();
  auto table = std::move(pending);
  pending.clear();
  raw_waiters.clear();
  timeout_timer.cancel();
  std::vector<Pending> failed;
  for (auto& [deadline, key] : order) {
    auto node = table.extract(key);
    if (!node.empty()) failed.push_back(std::move(node.mapped()));
  }
  for (auto& p : failed) {
    if (ec == errc::connection_lost && p.buffer_on_loss) {
      buffer_post(*p.buffer_on_loss, opts.product_key, opts.device_key);
      if (p.done) p.done(make_error_code(errc::buffered_offline));
    } else if (p.done) {
      p.done(ec);
    }
  }
}

void Client::Impl::relogin_sub_devices() {
  // Both EnOS SDKs log their sub-devices in again after a reconnect (spec §1.5): the hub forgot them.
  for (const auto& [keys, request] : sub_device_logins) (void)publish(request, nullptr, false);
}

void Client::Impl::buffer_post(const Request& r, std::string_view pk, std::string_view dk) {
  bool dropped = false;
  std::string record = detail::to_buffer_record(r, pk, dk);
  if (record.empty()) return;  // keys that cannot be a topic level either: the hub would refuse the post
  auto ec = buffer.push(std::move(record), dropped);
  (void)ec;  // a failed file write leaves the record in memory: still delivered unless the program dies
  count([&](ClientStats& s) {
    ++s.buffered;
    if (dropped) ++s.buffer_dropped;
    s.buffer_size = buffer.size();
  });
}

}  // namespace gridhub::device
