// Every bound the HTTP API enforces (STYLE.md item 5); tests check each at N and N+1.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace gridhub::api {

// --- HTTP (Beast's advanced server: body limit per message, header limit, timeout, bounded pipelining) ---
// Largest request body: a 5,000-element console model export fits with room to spare.
inline constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;
// Request line + headers (Beast's default).
inline constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
// A request must arrive, and its response leave, within this long; idle keep-alive connections close after it.
inline constexpr std::chrono::seconds kRequestTimeout{30};
// Pipelined responses waiting to be written; past this the session stops reading (backpressure).
inline constexpr std::size_t kMaxQueuedResponses = 8;
// After a response that closes the connection, what the peer still sends is read and dropped (so the close
// does not reset the connection under the response) for at most this long and this many bytes.
inline constexpr std::chrono::seconds kLingerTimeout{5};
inline constexpr std::size_t kMaxLingerBytes = 2 * kMaxBodyBytes;
inline constexpr std::size_t kLingerChunkBytes = 16 * 1024;

// --- request bodies ---
// JSON nesting of a request body (real requests nest about 6 deep; an API-format model about 8).
inline constexpr std::size_t kMaxJsonDepth = 64;
// `Authorization: Bearer <token>`: longer tokens cannot be valid, so they are refused before hashing.
inline constexpr std::size_t kMaxTokenLength = 256;
// A search `expression`: at most this many bytes and this many conditions.
inline constexpr std::size_t kMaxExpressionBytes = 4096;
inline constexpr std::size_t kMaxExpressionTerms = 32;
// measurepointIds of one queryLatest, and values of one `in (...)` list (EnOS: 5,000 elements per model).
inline constexpr std::size_t kMaxIdsPerRequest = 5000;

// --- paging (EnOS: pageNo from 1, default size 10, at most 200) ---
inline constexpr int kDefaultPageNo = 1;
inline constexpr int kDefaultPageSize = 10;
inline constexpr int kMaxPageSize = 200;

// --- who may use the API (auth.cpp, apim_*.cpp, access_routes.cpp; docs/api_access.md) ---
// EnOS application calls: apim-timestamp (and the token service's timestamp) may be this far from the server's
// clock, either way; at exactly this distance the call still passes.
inline constexpr int64_t kApimTimestampSkewMs = 5 * 60 * 1000;
// An access token lives this long (EnOS: "expire": 7200).
inline constexpr int64_t kApimTokenLifetimeMs = 7200 * 1000;
// token/get hands out the app's current token while more than this is left, else a new one: a token that
// expires on the way back to the client would be useless.
inline constexpr int64_t kApimTokenRenewMarginMs = 60 * 1000;
// Signatures (and token-service encryptions) accepted are remembered for twice the timestamp skew, which covers
// any timestamp still acceptable. Past this many remembered values, signed calls (token requests) are refused
// (429, apim code 1005) rather than accepted without the replay check; ~60 bytes each (measured), so at most
// ~60 MB for signatures: 3,333 signed calls/s sustained over 10 minutes. Token requests are rare.
inline constexpr std::size_t kMaxApimReplayEntries = 1'000'000;
inline constexpr std::size_t kMaxApimEncryptionEntries = 100'000;
// apim-timestamp: milliseconds as decimal digits, optionally with a fraction (the Python SDKs send floats).
inline constexpr std::size_t kMaxApimTimestampLength = 32;
// Console sessions (12 h, not yet configurable).
inline constexpr int64_t kSessionLifetimeMs = 12 * 3600 * 1000;
// username, appKey, password, encryption, accessToken in a login body: longer ones cannot be valid.
inline constexpr std::size_t kMaxCredentialFieldBytes = 256;
// Password checks (Argon2id, ~0.1 s and 64 MiB each) queued or running on ctx.workers; past this, logins and
// user writes are refused with 429 before hashing, so a flood cannot queue unbounded work or memory.
inline constexpr std::size_t kMaxQueuedPasswordChecks = 16;
// Failed API logins (session login, token/get, token/refresh) per source address and per username / appKey.
inline constexpr int kLoginFreeFailures = 5;
inline constexpr std::chrono::milliseconds kLoginFailureWindow{60'000};
inline constexpr std::chrono::milliseconds kLoginFirstBlock{1'000};
inline constexpr std::chrono::milliseconds kLoginMaxBlock{60'000};
inline constexpr std::size_t kLoginMaxTrackedKeys = 100'000;

// --- compiled models kept for attribute checks (one per model version; cleared past this) ---
inline constexpr std::size_t kMaxCachedModels = 1024;

// Commands (spec enos-platform.md §4.3): pendingTtl 0..48 h, timeout 1..60 s (default 30), a search page of
// 100 by default.
inline constexpr int kMaxCommandPendingTtlSeconds = 172800;
inline constexpr int kMinCommandTimeoutSeconds = 1;
inline constexpr int kMaxCommandTimeoutSeconds = 60;
inline constexpr int kDefaultCommandTimeoutSeconds = 30;
inline constexpr int kDefaultCommandPageSize = 100;

// --- the console's live stream (live_session.cpp; docs/api_live.md) ---
// The WebSocket path on the API port.
inline constexpr const char* kLivePath = "/console/v1/live";
// The client's first message, {"type":"auth",...}, must arrive within this long.
inline constexpr std::chrono::seconds kLiveAuthTimeout{10};
// No traffic for this long closes the stream; a ping goes out at half of it (Beast's keep_alive_pings).
inline constexpr std::chrono::seconds kLiveIdleTimeout{60};
// Largest message a client may send (auth, subscribe, unsubscribe are small).
inline constexpr std::size_t kMaxLiveClientMessageBytes = 4 * 1024;
// Devices one connection may watch.
inline constexpr std::size_t kMaxLiveDevicesPerConnection = 20;
// Frames waiting to be written to one client; past it new frames are dropped and counted, and an
// {"type":"overflow","dropped":n} notice goes out once there is room again.
inline constexpr std::size_t kMaxLiveQueuedFrames = 256;
// The live socket's kernel send buffer, fixed (no autotuning): what a client that does not read can pin in the
// kernel stays small too, and the frame queue fills soon enough to tell the client.
inline constexpr int kLiveSendBufferBytes = 64 * 1024;

}  // namespace gridhub::api
