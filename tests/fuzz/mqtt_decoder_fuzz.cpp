// Feeds mqtt::Decoder arbitrary bytes in arbitrary chunks (feed() and prepare()/commit() mixed, the packet size
// limit varied), and checks that chunking changes nothing and that every decoded packet re-encodes to itself.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "mqtt/decoder.hpp"
#include "mqtt/encoder.hpp"
#include "mqtt/topic_filter.hpp"
#include "mqtt/utf8.hpp"

namespace {

using gridhub::mqtt::Decoder;
using gridhub::mqtt::Packet;

struct Run {
  std::vector<Packet> packets;
  boost::system::error_code ec;
};

void drain(Decoder& d, Run& run) {
  while (!run.ec) {
    auto p = d.next(run.ec);
    if (!p) return;
    run.packets.push_back(std::move(*p));
  }
}

// The whole input at once: the reference the chunked run must match.
Run decode_whole(std::string_view bytes, std::size_t max_size) {
  Decoder d(max_size);
  Run run;
  d.feed(bytes.data(), bytes.size());
  drain(d, run);
  return run;
}

void check_round_trip(const Packet& p) {
  if (const auto* c = std::get_if<gridhub::mqtt::Connect>(&p); c && c->protocol_level != 4) return;  // header only
  std::string wire;
  gridhub::mqtt::encode(p, wire);
  Decoder d(wire.size() + 16);
  d.feed(wire.data(), wire.size());
  boost::system::error_code ec;
  auto again = d.next(ec);
  if (ec || !again || !(*again == p)) std::abort();  // the encoder and the decoder disagree
  if (d.buffered() != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  // Small limits reach the size checks; the default is the hub's after login.
  static constexpr std::size_t kLimits[] = {gridhub::mqtt::kDefaultMaxPacketSize,
                                            gridhub::mqtt::kMaxConnectPacketSize, 2, 5, 64, 300};
  const std::size_t max_size = fdp.PickValueInArray(kLimits);
  const uint32_t chunk_seed = fdp.ConsumeIntegral<uint32_t>();
  const std::string bytes = fdp.ConsumeRemainingBytesAsString();

  const Run whole = decode_whole(bytes, max_size);

  // The same bytes in chunks whose sizes follow chunk_seed (1..64 bytes), half through prepare()/commit().
  Decoder d(max_size);
  Run chunked;
  uint32_t s = chunk_seed | 1;
  for (std::size_t at = 0; at < bytes.size() && !chunked.ec;) {
    s = s * 1103515245u + 12345u;
    std::size_t n = std::min<std::size_t>(bytes.size() - at, 1 + (s >> 16) % 64);
    if (s & 0x100) {
      auto span = d.prepare(n + (s >> 9) % 8);  // asks for a little more than it fills
      std::copy_n(bytes.data() + at, n, span.data());
      d.commit(n);
    } else {
      d.feed(bytes.data() + at, n);
    }
    at += n;
    drain(d, chunked);
  }
  // An error seen whole may come after the last packet; the chunked run stops at the same place.
  if (chunked.packets != whole.packets || chunked.ec != whole.ec) std::abort();

  for (const Packet& p : whole.packets) {
    check_round_trip(p);
    if (const auto* sub = std::get_if<gridhub::mqtt::Subscribe>(&p))
      for (const auto& [filter, qos] : sub->filters) (void)gridhub::mqtt::valid_topic_filter(filter);
    if (const auto* pub = std::get_if<gridhub::mqtt::Publish>(&p)) {
      if (gridhub::mqtt::valid_topic_name(pub->topic))
        (void)gridhub::mqtt::topic_matches("/sys/+/+/thing/#", pub->topic);
    }
  }
  return 0;
}
