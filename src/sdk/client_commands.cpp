// Downstream commands: dispatch to the handler of their class, the SDKs' auto-replies (1101 without a
// handler, 1102 when it throws), and dynamic activation.
#include <exception>

#include "enos/codes.hpp"
#include "enos/envelope.hpp"
#include "gridhub/device/errc.hpp"
#include "mqtt/encoder.hpp"
#include "sdk/client_impl.hpp"

namespace gridhub::device {

void Client::Impl::on_command(const detail::ClassifiedTopic& t, const std::string& topic,
                              std::string_view payload) {
  count([](ClientStats& s) { ++s.commands; });
  auto cmd = detail::parse_command(t, topic, payload);
  if (!cmd) return;  // not an envelope: there is no id to answer with
  std::optional<Reply> reply;
  const auto& handler = handlers[static_cast<std::size_t>(cmd->command_class)];
  if (!handler) {
    reply = Reply().set_code(enos::kNoHandler).set_message("downstream command handler not registered");
  } else {
    // A user handler may throw; the exception must not escape into Asio (it would stop the io thread).
    try {
      reply = handler(*cmd);
    } catch (const std::exception& e) {
      reply = Reply().set_code(enos::kHandlerFailed).set_message(e.what());
    } catch (...) {
      reply = Reply().set_code(enos::kHandlerFailed).set_message("command handler failed");
    }
  }
  if (reply) (void)send_reply(*cmd, *reply);
}

error_code Client::Impl::send_reply(const Command& c, const Reply& r) {
  if (state != State::connected) return make_error_code(errc::not_connected);
  std::string payload = detail::reply_payload(c, r);
  if (payload.size() > detail::kMaxMessageSize) return make_error_code(errc::message_too_large);
  std::string bytes;
  // QoS 1 as the Python SDK. Forced past the queue bound: the cloud is waiting for it, and commands are few.
  mqtt::encode_publish(c.topic + "_reply", payload, 1, next_packet_id(), bytes);
  return enqueue(std::move(bytes), true);
}

void Client::Impl::on_activate_info(const std::string& topic, std::string_view payload) {
  auto req = enos::parse_request(payload);
  if (!req || !req->params.is_object()) return;
  const auto* secret = req->params.get_object().if_contains("deviceSecret");
  if (!secret || !secret->is_string() || secret->get_string().empty()) return;
  activated_secret = secret->get_string();
  // The Python SDK's answer (spec §1.8).
  std::string bytes;
  mqtt::encode_publish(topic + "_reply",
                       enos::make_reply(req->id, enos::kSuccess, "device activate success", nullptr), 1,
                       next_packet_id(), bytes);
  (void)enqueue(std::move(bytes), true);
  if (on_activated_cb) on_activated_cb(activated_secret);
}

}  // namespace gridhub::device
