// Command deadlines: one steady_timer on the timer io_context, set for the earliest deadline of every open
// command (immediate: create + timeout; pending: its expiry; released: release + timeout). The timer is
// touched only on the timer thread or by stop(), always with life->mutex held.
#include <boost/asio/post.hpp>

#include "hub/command_center_internal.hpp"

namespace gridhub::hub {

using registry::CommandState;

void CommandCenter::Impl::arm(int64_t now) {
  if (deadlines.empty()) {
    armed = INT64_MAX;
    timer.cancel();
    return;
  }
  armed = deadlines.begin()->first;
  timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, armed - now)));
  timer.async_wait([life = life](boost::system::error_code ec) {
    if (ec) return;  // re-armed or stopped
    Answers answers;
    {
      std::lock_guard guard(life->mutex);
      if (!life->impl) return;
      life->impl->on_deadline(answers);
    }
    give(answers);
  });
}

void CommandCenter::Impl::set_deadline(Open& c, int64_t at) {
  clear_deadline(c);
  c.deadline = at;
  deadlines.emplace(at, c.record.command_id);
  if (at >= armed || !started || stopped) return;
  armed = at;
  // The timer belongs to the timer thread: ask it to re-arm (only when the earliest deadline moves closer).
  boost::asio::post(timers, [life = life] {
    std::lock_guard guard(life->mutex);
    if (life->impl) life->impl->rearm();
  });
}

void CommandCenter::Impl::clear_deadline(Open& c) {
  if (c.deadline == 0) return;
  deadlines.erase({c.deadline, c.record.command_id});
  c.deadline = 0;
}

void CommandCenter::Impl::rearm() {
  std::lock_guard lock(mutex);
  if (!stopped) arm(command_clock_ms());
}

void CommandCenter::Impl::on_deadline(Answers& answers) {
  std::lock_guard lock(mutex);
  if (stopped) return;
  const int64_t now = command_clock_ms();
  while (!deadlines.empty() && deadlines.begin()->first <= now) {
    const int64_t id = deadlines.begin()->second;
    auto it = open.find(id);
    if (it == open.end()) {  // settled without clearing its deadline: cannot happen, but never loop on it
      deadlines.erase(deadlines.begin());
      continue;
    }
    const auto& r = it->second.record;
    const std::string within = " within " + std::to_string(r.timeout_s) + " s";
    if (r.state == CommandState::Released) {
      ++stats.timed_out;
      settle(it, CommandState::ResponseTimeout, kCommandNoReply, "no reply from the device" + within,
             kCommandNoReply, now, answers);
    } else if (r.pending_ttl_s > 0) {
      ++stats.expired;
      settle(it, CommandState::Expired, kCommandNotSentTimedOut,
             "not delivered within its pendingTtl of " + std::to_string(r.pending_ttl_s) + " s", 0, now,
             answers);
    } else {
      ++stats.timed_out;
      settle(it, CommandState::Failed, kCommandNotSentTimedOut, "could not be sent to the device" + within,
             kCommandNotSentTimedOut, now, answers);
    }
  }
  arm(now);
}

void CommandCenter::Impl::stop_timer() {
  std::lock_guard guard(life->mutex);
  timer.cancel();  // no wait may keep the timer io_context busy after stop
  life->impl = nullptr;
}

}  // namespace gridhub::hub
