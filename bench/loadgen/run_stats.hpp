// What one worker thread counts; workers are merged after their threads have joined, so nothing is shared.
#pragma once
#include <chrono>
#include <algorithm>
#include <cstdint>
#include <map>

#include "loadgen/latency_histogram.hpp"

namespace gridhub::bench {

using Clock = std::chrono::steady_clock;

struct RunStats {
  // Connect phase.
  uint64_t connect_attempts = 0, connacks_ok = 0, connect_failed = 0, subscribed = 0;
  std::map<int, uint64_t> connack_refused;  // CONNACK return code -> count
  Clock::time_point first_connect{Clock::time_point::max()}, last_connack{Clock::time_point::min()};
  LatencyHistogram connect_latency_us;
  // Load phase: counted when the reply (or PUBACK in relay mode) arrives inside the measured window.
  uint64_t posts_sent = 0;      // published inside the window
  uint64_t posts_sent_total = 0;
  uint64_t acked = 0;           // reply code 200 (relay: PUBACK)
  uint64_t acked_total = 0;
  std::map<int, uint64_t> error_codes;  // reply code != 200 -> count
  uint64_t unmatched_replies = 0, unparsable_replies = 0, pubacks = 0;
  uint64_t disconnects = 0, protocol_errors = 0;
  uint64_t unanswered = 0;      // still waiting when the run ended
  uint64_t skipped = 0;         // paced posts not sent: every connection had its window full
  LatencyHistogram latency_us;
  // Relay mode: what the subscriber received.
  uint64_t delivered = 0, delivered_total = 0;
  LatencyHistogram delivery_latency_ms;  // publish "time" (epoch ms) to arrival: millisecond resolution
  // Connect storm (--reconnect-storm): wall-clock epoch ms, so that run.sh can set them against the moment it
  // restarted the server (INT64_MAX / INT64_MIN: nothing seen).
  uint64_t storm_dropped = 0, storm_back = 0, storm_attempts = 0, storm_failed = 0;
  std::map<int, uint64_t> storm_refused;  // CONNACK return code -> count, during the storm
  int64_t first_drop_ms = INT64_MAX, last_drop_ms = INT64_MIN, first_back_ms = INT64_MAX, last_back_ms = INT64_MIN;
  LatencyHistogram storm_reconnect_ms;    // one connection's drop to its CONNACK again

  void merge(const RunStats& o) {
    connect_attempts += o.connect_attempts;
    connacks_ok += o.connacks_ok;
    connect_failed += o.connect_failed;
    subscribed += o.subscribed;
    for (auto [k, v] : o.connack_refused) connack_refused[k] += v;
    first_connect = std::min(first_connect, o.first_connect);
    last_connack = std::max(last_connack, o.last_connack);
    connect_latency_us.merge(o.connect_latency_us);
    posts_sent += o.posts_sent;
    posts_sent_total += o.posts_sent_total;
    acked += o.acked;
    acked_total += o.acked_total;
    for (auto [k, v] : o.error_codes) error_codes[k] += v;
    unmatched_replies += o.unmatched_replies;
    unparsable_replies += o.unparsable_replies;
    pubacks += o.pubacks;
    disconnects += o.disconnects;
    protocol_errors += o.protocol_errors;
    unanswered += o.unanswered;
    skipped += o.skipped;
    latency_us.merge(o.latency_us);
    delivered += o.delivered;
    delivered_total += o.delivered_total;
    delivery_latency_ms.merge(o.delivery_latency_ms);
    storm_dropped += o.storm_dropped;
    storm_back += o.storm_back;
    storm_attempts += o.storm_attempts;
    storm_failed += o.storm_failed;
    for (auto [k, v] : o.storm_refused) storm_refused[k] += v;
    first_drop_ms = std::min(first_drop_ms, o.first_drop_ms);
    last_drop_ms = std::max(last_drop_ms, o.last_drop_ms);
    first_back_ms = std::min(first_back_ms, o.first_back_ms);
    last_back_ms = std::max(last_back_ms, o.last_back_ms);
    storm_reconnect_ms.merge(o.storm_reconnect_ms);
  }
};

}  // namespace gridhub::bench
