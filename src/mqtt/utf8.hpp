// The MQTT rule for string fields (MQTT 3.1.1 §1.5.3): well-formed UTF-8 without U+0000.
#pragma once
#include <string_view>

namespace gridhub::mqtt {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) and contains
// no U+0000. Other control characters are allowed: the spec only says senders SHOULD avoid them.
[[nodiscard]] bool valid_mqtt_utf8(std::string_view s) noexcept;

}  // namespace gridhub::mqtt
