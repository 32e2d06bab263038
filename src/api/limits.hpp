// Every bound the HTTP API enforces (STYLE.md item 5); tests check each at N and N+1.
#pragma once
#include <chrono>
#include <cstddef>

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

// --- compiled models kept for attribute checks (one per model version; cleared past this) ---
inline constexpr std::size_t kMaxCachedModels = 1024;

}  // namespace gridhub::api
