// Every bound the enos module enforces (STYLE.md item 5); tests check each at N and N+1.
#pragma once
#include <cstddef>

namespace gridhub::enos {

// Largest request or reply payload parse_request / parse_reply accept. The SDKs cap a message at 512 KiB and
// EnOS answers 1008 above its limit (spec §2).
inline constexpr std::size_t kMaxPayloadSize = 512 * 1024;

// Deepest nesting of JSON arrays/objects in a payload, the top-level object counting as 1. The envelope takes
// 2 levels, so thing-model values (STRUCT, ARRAY) get 30; it bounds parser work and recursive destruction.
inline constexpr std::size_t kMaxJsonDepth = 32;

}  // namespace gridhub::enos
