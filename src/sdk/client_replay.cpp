// Delivering the offline buffer after a reconnect: measurepoint/resume, oldest first, one in flight, at most
// Options::offline_buffer.replay_per_second, so a device back from a long outage does not flood the hub.
#include "gridhub/device/errc.hpp"
#include "sdk/client_impl.hpp"

namespace gridhub::device {

void Client::Impl::update_buffer_stats() {
  count([&](ClientStats& s) { s.buffer_size = buffer.size(); });
}

void Client::Impl::start_replay() {
  if (replaying || buffer.empty() || state != State::connected) return;
  replaying = true;
  replay_next();
}

void Client::Impl::replay_later(std::chrono::milliseconds delay) {
  replay_timer.expires_after(delay);
  auto self = shared_from_this();
  const uint64_t gen = generation;
  replay_timer.async_wait([self, gen](error_code ec) {
    if (ec || gen != self->generation || !self->replaying) return;
    self->replay_next();
  });
}

void Client::Impl::replay_next() {
  if (state != State::connected || buffer.empty()) {
    replaying = false;
    update_buffer_stats();
    return;
  }
  auto post = detail::from_buffer_record(buffer.front());
  if (!post) {  // a record this version cannot read (a damaged file): skip it
    buffer.pop_front();
    update_buffer_stats();
    return replay_later(std::chrono::milliseconds(0));
  }
  auto self = shared_from_this();
  auto ec = publish(post->request, [self](boost::system::result<Response> r) { self->on_replayed(r); }, false,
                    &*post);
  if (ec) replay_later(std::chrono::seconds(1));  // queue full: try again shortly
}

void Client::Impl::on_replayed(const boost::system::result<Response>& r) {
  if (!replaying || state != State::connected) return;
  if (!r) {
    // No answer in time: keep the record and try again (a lost connection stops the replay instead).
    if (r.error() == errc::timeout) replay_later(std::chrono::seconds(1));
    return;
  }
  // Any answer removes the record: one the hub refuses (a point the model lost) would block the rest forever.
  buffer.pop_front();
  if (r->ok()) count([](ClientStats& s) { ++s.resumed; });
  update_buffer_stats();
  const unsigned rate = std::max(1u, opts.offline_buffer.replay_per_second);
  replay_later(std::chrono::milliseconds(1000 / rate));
}

}  // namespace gridhub::device
