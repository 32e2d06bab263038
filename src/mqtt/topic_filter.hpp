// MQTT topic names and topic filters: validity and matching (MQTT 3.1.1 §4.7). No allocation.
#pragma once
#include <string_view>

namespace gridhub::mqtt {

// A topic a PUBLISH may carry: non-empty, at most 65535 bytes, valid UTF-8 without U+0000, no '+' or '#'.
[[nodiscard]] bool valid_topic_name(std::string_view topic) noexcept;

// A SUBSCRIBE filter: the topic-name rules except that '+' may stand for a whole level and '#' for the whole
// last level ("a/+/c", "a/#", "#"; not "a+", "a/#/c", "a#").
[[nodiscard]] bool valid_topic_filter(std::string_view filter) noexcept;

// Whether `topic` matches `filter` by MQTT rules: '+' matches one level (possibly empty), '#' the remaining
// levels including none ("a/#" matches "a"). Topics starting with '$' are not matched by a filter starting
// with a wildcard (MQTT-4.7.2-1). REQUIRES: valid_topic_filter(filter) and valid_topic_name(topic); other
// inputs give an unspecified result but are safe.
[[nodiscard]] bool topic_matches(std::string_view filter, std::string_view topic) noexcept;

}  // namespace gridhub::mqtt
