// Feeds enos::parse_topic and the ACL checks arbitrary topics, and the downstream topic formatters arbitrary
// keys (input lines "pk\ndk\nid"), checking that what is formatted parses back to the same device and kind.
#include <cstdlib>
#include <string>
#include <string_view>

#include "enos/topic.hpp"

namespace {

using gridhub::enos::Topic;
using gridhub::enos::TopicKind;

bool contains(std::string_view whole, std::string_view part) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// One non-empty MQTT topic level that is not a wildcard.
bool single_level(std::string_view s) { return !s.empty() && s.find_first_of("/+#") == std::string_view::npos; }

void check_parsed(std::string_view topic) {
  auto t = gridhub::enos::parse_topic(topic);
  if (!t) return;
  // The views point into the topic, and the keys are single levels.
  if (!contains(topic, t->product_key) || !contains(topic, t->device_key) || !contains(topic, t->identifier))
    std::abort();
  if (!single_level(t->product_key)) std::abort();
  const bool integration = t->device_key.empty();
  if (!integration && !single_level(t->device_key)) std::abort();
  // A device topic lies in its own namespace (the ACL the hub applies before any handler).
  if (!integration && !gridhub::enos::in_device_namespace(topic, t->product_key, t->device_key)) std::abort();
  if (integration && !gridhub::enos::in_integration_namespace(topic, t->product_key)) std::abort();
  if ((t->kind == TopicKind::EventPost || t->kind == TopicKind::ServiceInvocationReply) &&
      !single_level(t->identifier))
    std::abort();
}

void expect(const std::string& topic, TopicKind kind, std::string_view pk, std::string_view dk) {
  auto t = gridhub::enos::parse_topic(topic);
  if (!t || t->kind != kind || t->product_key != pk || t->device_key != dk) std::abort();
}

// What the hub formats for a device must parse back as that device's reply topic.
void check_formatted(std::string_view pk, std::string_view dk, std::string_view id) {
  std::string out;
  gridhub::enos::append_measurepoint_set_topic(pk, dk, out);
  check_parsed(out);
  if (single_level(pk) && single_level(dk)) {
    if (!gridhub::enos::in_device_namespace(out, pk, dk)) std::abort();
    std::string reply;
    gridhub::enos::append_reply_topic(out, reply);
    expect(reply, TopicKind::MeasurepointSetReply, pk, dk);
  }
  out.clear();
  gridhub::enos::append_service_topic(pk, dk, id, out);
  check_parsed(out);
  if (single_level(pk) && single_level(dk) && single_level(id)) {
    std::string reply;
    gridhub::enos::append_reply_topic(out, reply);
    expect(reply, TopicKind::ServiceInvocationReply, pk, dk);
    if (gridhub::enos::parse_topic(reply)->identifier != id) std::abort();
  }
  for (auto* f : {&gridhub::enos::append_measurepoint_get_topic, &gridhub::enos::append_down_raw_topic,
                  &gridhub::enos::append_activate_info_topic}) {
    out.clear();
    (*f)(pk, dk, out);
    check_parsed(out);
    if (single_level(pk) && single_level(dk) && !gridhub::enos::in_device_namespace(out, pk, dk)) std::abort();
  }
  out.clear();
  gridhub::enos::append_sub_device_notice_topic(pk, dk, id, out);
  check_parsed(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  check_parsed(input);
  // Filters from SUBSCRIBE go through the same ACL with arbitrary keys.
  const std::size_t nl1 = input.find('\n');
  if (nl1 == std::string::npos) {
    (void)gridhub::enos::in_device_namespace(input, "pk", "dk");
    (void)gridhub::enos::in_integration_namespace(input, "pk");
    return 0;
  }
  const std::size_t nl2 = input.find('\n', nl1 + 1);
  std::string_view all(input);
  std::string_view pk = all.substr(0, nl1);
  std::string_view dk = all.substr(nl1 + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl1 - 1);
  std::string_view id = nl2 == std::string::npos ? std::string_view("svc") : all.substr(nl2 + 1);
  check_formatted(pk, dk, id);
  (void)gridhub::enos::in_device_namespace(id, pk, dk);
  return 0;
}
