// A gateway's sub-devices on its connection (spec §4.6): combine/login, login/batch and logout, their presence
// and command readiness, and what happens to them when the gateway goes away or a sub-device is kicked.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "hub/session.hpp"
#include "hub/sub_device_login.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;

namespace {
int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

boost::json::object keys_of(const DeviceEntry& d) {
  return {{"productKey", d.product_key}, {"deviceKey", d.device_key}, {"assetId", d.asset_id}};
}
}  // namespace

const DeviceIdentity* Session::sub_device_of(const enos::Topic& topic) const {
  if (sub_devices_.empty()) return nullptr;
  auto it = sub_devices_.find(device_key_of(topic.product_key, topic.device_key));
  return it == sub_devices_.end() ? nullptr : &it->second;
}

Outcome Session::handle_sub_login(const enos::Request& request) {
  if (!request.params.is_object()) return Outcome::error(enos::kParamError, "params must be an object");
  auto snapshot = ctx_.view.current();
  SubLoginDecision d = decide_sub_login(*snapshot, login_.device, read_sub_login(request.params.get_object()));
  if (d.code == enos::kSuccess && !sub_devices_.contains(device_key_of(d.device->product_key, d.device->device_key)) &&
      sub_devices_.size() >= ctx_.options.max_sub_devices) {
    d.code = enos::kTooManyRequests;
    d.message = "the gateway already has " + std::to_string(ctx_.options.max_sub_devices) + " sub-devices online";
  }
  if (d.code != enos::kSuccess) {
    ctx_.stats.sub_device_logins_refused.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("gateway {}/{}: sub-device login refused: {}", login_.device.product_key, login_.device.device_key,
                 d.message);
    return Outcome::error(d.code, d.message);
  }
  login_sub_device(*d.device);
  auto data = keys_of(*d.device);
  if (d.activated) data["deviceSecret"] = d.device->device_secret;
  Outcome out;
  out.data = boost::json::serialize(data);
  return out;
}

Outcome Session::handle_sub_login_batch(const enos::Request& request) {
  const auto* params = request.params.if_object();
  if (!params) return Outcome::error(enos::kParamError, "params must be an object");
  auto list = params->find("subDevices");
  if (list == params->end() || !list->value().is_array())
    return Outcome::error(enos::kParamError, "params.subDevices must be an array");
  const auto& entries = list->value().get_array();
  if (entries.size() > kMaxBatchLogin)
    return Outcome::error(enos::kParamError, "at most " + std::to_string(kMaxBatchLogin) + " sub-devices per batch");
  // One clientId, timestamp and signMethod for every entry's sign (spec §4.6).
  const SubLoginRequest shared = read_sub_login(*params);
  auto snapshot = ctx_.view.current();
  boost::json::array logged_in, failed;
  int first_error = 0;
  std::string first_message;
  for (const auto& e : entries) {
    const auto* entry = e.if_object();
    SubLoginRequest r = entry ? read_sub_login(*entry) : SubLoginRequest{};
    r.client_id = shared.client_id;
    r.timestamp = shared.timestamp;
    if (r.sign_method.empty()) r.sign_method = shared.sign_method;
    SubLoginDecision d = decide_sub_login(*snapshot, login_.device, r);
    if (d.code == enos::kSuccess &&
        !sub_devices_.contains(device_key_of(d.device->product_key, d.device->device_key)) &&
        sub_devices_.size() >= ctx_.options.max_sub_devices) {
      d.code = enos::kTooManyRequests;
      d.message = "the gateway already has " + std::to_string(ctx_.options.max_sub_devices) + " sub-devices online";
    }
    if (d.code != enos::kSuccess) {
      ctx_.stats.sub_device_logins_refused.fetch_add(1, std::memory_order_relaxed);
      failed.push_back(boost::json::object{{"productKey", r.product_key}, {"deviceKey", r.device_key}});
      if (!first_error) {
        first_error = d.code;
        first_message = d.message;
      }
      continue;
    }
    login_sub_device(*d.device);
    auto data = keys_of(*d.device);
    if (d.activated) data["deviceSecret"] = d.device->device_secret;
    logged_in.push_back(std::move(data));
  }
  Outcome out;
  if (first_error) {
    out.code = first_error;
    out.message = std::to_string(failed.size()) + " of " + std::to_string(entries.size()) +
                  " sub-devices failed to log in; first: " + first_message;
    spdlog::info("gateway {}/{}: batch login: {}", login_.device.product_key, login_.device.device_key, out.message);
  }
  out.data = boost::json::serialize(boost::json::object{{"loginedSubDevices", std::move(logged_in)},
                                                        {"failedSubDevices", std::move(failed)}});
  return out;
}

Outcome Session::handle_sub_logout(const enos::Request& request) {
  const auto* params = request.params.if_object();
  if (!params) return Outcome::error(enos::kParamError, "params must be an object");
  const SubLoginRequest r = read_sub_login(*params);
  if (r.product_key.empty() || r.device_key.empty())
    return Outcome::error(enos::kParamError, "productKey and deviceKey are required");
  const std::string key = device_key_of(r.product_key, r.device_key);
  if (!sub_devices_.contains(key))
    return Outcome::error(enos::kTopicNotAllowed, "sub-device " + key + " is not logged in on this connection");
  logout_sub_device(key);
  Outcome out;
  out.data = boost::json::serialize(boost::json::object{{"productKey", r.product_key}, {"deviceKey", r.device_key}});
  return out;
}

void Session::login_sub_device(const DeviceEntry& device) {
  const std::string key = device_key_of(device.product_key, device.device_key);
  sub_devices_[key] = DeviceIdentity{device.org_id, device.asset_id, device.product_key, device.device_key};
  ctx_.stats.sub_device_logins.fetch_add(1, std::memory_order_relaxed);
  if (auto previous = ctx_.directory.claim(device.product_key, device.device_key, shared_from_this());
      previous && previous.get() != this) {
    // The sub-device spoke through another connection (its own, or a gateway's older connection): that one
    // stops speaking for it.
    previous->kick_async(device.product_key, device.device_key);
  }
  const int64_t now = now_ms();
  ctx_.registry.device_online(device.product_key, device.device_key, now);
  ctx_.live.presence(device.asset_id, device.product_key, device.device_key, true, now);
  spdlog::info("sub-device {}/{} online through gateway {}/{}", device.product_key, device.device_key,
               login_.device.product_key, login_.device.device_key);
  // Commands wait for the delivery delay, as for a device of its own (the gateway's SDK registers handlers).
  auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor(), ctx_.options.commands.delivery_delay);
  timer->async_wait([self = shared_from_this(), timer, pk = device.product_key,
                     dk = device.device_key](boost::system::error_code ec) {
    if (ec || self->closed_ || !self->sub_devices_.contains(device_key_of(pk, dk))) return;
    if (self->ctx_.directory.find(pk, dk).get() == self.get()) self->ctx_.commands.device_ready(pk, dk);
  });
}

void Session::logout_sub_device(const std::string& key) {
  auto it = sub_devices_.find(key);
  if (it == sub_devices_.end()) return;
  const DeviceIdentity d = std::move(it->second);
  sub_devices_.erase(it);
  if (ctx_.directory.release(d.product_key, d.device_key, this)) {
    const int64_t now = now_ms();
    ctx_.registry.device_offline(d.product_key, d.device_key, now);
    ctx_.live.presence(d.asset_id, d.product_key, d.device_key, false, now);
    ctx_.commands.device_offline(d.product_key, d.device_key);
    spdlog::info("sub-device {}/{} offline", d.product_key, d.device_key);
  }
}

void Session::logout_all_sub_devices() {
  while (!sub_devices_.empty()) logout_sub_device(sub_devices_.begin()->first);
}

void Session::logout_sub_devices_outside_topology() {
  if (sub_devices_.empty()) return;
  auto snapshot = ctx_.view.current();
  const std::string self = device_key_of(login_.device.product_key, login_.device.device_key);
  std::vector<std::string> gone;
  for (const auto& [key, d] : sub_devices_) {
    const DeviceEntry* entry = snapshot->find_device(d.product_key, d.device_key);
    if (!entry || entry->gateway != self || !entry->enabled) gone.push_back(key);
  }
  for (const auto& key : gone) logout_sub_device(key);
}

void Session::kick_async(std::string pk, std::string dk) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), pk = std::move(pk), dk = std::move(dk)] { self->kick(pk, dk); });
}

void Session::kick(const std::string& pk, const std::string& dk) {
  if (closed_) return;
  if (login_.device.product_key == pk && login_.device.device_key == dk) return close();
  logout_sub_device(device_key_of(pk, dk));
}

}  // namespace gridhub::hub
