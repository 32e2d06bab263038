// Bounds the hub enforces on a device connection (STYLE.md item 5: limits are named, tighter before login).
#pragma once
#include <chrono>
#include <cstddef>

namespace gridhub::hub {

// A socket that has not sent a complete CONNECT by then is closed.
inline constexpr std::chrono::seconds kConnectTimeout{10};
// Keepalive is enforced at 1.5x the interval the client announced (MQTT-3.1.2-24).
inline constexpr int kKeepaliveNumerator = 3;
inline constexpr int kKeepaliveDenominator = 2;
// Bytes waiting to be written to one device before we give up on it (a consumer that does not read).
inline constexpr std::size_t kMaxQueuedWriteBytes = 4 * 1024 * 1024;
// Requests of one connection waiting for the store; reading pauses beyond it (backpressure).
inline constexpr std::size_t kMaxInflightRequests = 64;
// Size of the per-thread read buffer shared by every connection of an io thread.
inline constexpr std::size_t kReadChunk = 64 * 1024;
// Measure points in one post (a post is at most 512 KiB anyway; this bounds work per message).
inline constexpr std::size_t kMaxPointsPerPost = 10000;
// Failed-login throttling keys on the CONNECT username, cut to this many bytes.
inline constexpr std::size_t kMaxLimiterKeyBytes = 128;
// Entries in one batch post.
inline constexpr std::size_t kMaxBatchEntries = 1000;
// Devices in one sub-device register request (spec §4.6).
inline constexpr std::size_t kMaxRegisterEntries = 1000;
// Raw uplinks (thing/model/up_raw) are kept in the event log under this event key, base64 in output.payload.
inline constexpr const char* kRawEventKey = "$up_raw";
// Sub-devices in one batch login.
inline constexpr std::size_t kMaxBatchLogin = 200;

// Live-feed subscriptions (console watchers of a device) over all connections; past it subscribe() refuses.
inline constexpr std::size_t kMaxLiveSubscriptions = 5000;

}  // namespace gridhub::hub
