// Topic name / filter validation and matching, level by level over string views.
#include "mqtt/topic_filter.hpp"

#include "mqtt/limits.hpp"
#include "mqtt/utf8.hpp"

namespace gridhub::mqtt {

bool valid_topic_name(std::string_view topic) noexcept {
  if (topic.empty() || topic.size() > kMaxStringLength) return false;
  if (topic.find_first_of("+#") != std::string_view::npos) return false;
  return valid_mqtt_utf8(topic);
}

bool valid_topic_filter(std::string_view filter) noexcept {
  if (filter.empty() || filter.size() > kMaxStringLength) return false;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) return false;
    if (c == '#' && i + 1 != filter.size()) return false;  // '#' must be the last level
  }
  return valid_mqtt_utf8(filter);
}

bool topic_matches(std::string_view filter, std::string_view topic) noexcept {
  if (!topic.empty() && topic.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#'))
    return false;
  std::size_t f = 0, t = 0;
  for (;;) {
    const std::size_t f_end = filter.find('/', f);
    const std::string_view f_level =
        filter.substr(f, f_end == std::string_view::npos ? std::string_view::npos : f_end - f);
    if (f_level == "#") return true;
    const std::size_t t_end = topic.find('/', t);
    const std::string_view t_level =
        topic.substr(t, t_end == std::string_view::npos ? std::string_view::npos : t_end - t);
    if (f_level != "+" && f_level != t_level) return false;
    if (f_end == std::string_view::npos) return t_end == std::string_view::npos;
    if (t_end == std::string_view::npos) return filter.substr(f_end + 1) == "#";  // "a/#" matches "a"
    f = f_end + 1;
    t = t_end + 1;
  }
}

}  // namespace gridhub::mqtt
