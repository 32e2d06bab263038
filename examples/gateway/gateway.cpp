// A gateway on the Gridhub device SDK: it logs in, puts its sub-devices in its topology, logs them in through
// its own connection, posts their measure points and answers their service calls (spec §4.6).
//
//   gateway --url tcp://127.0.0.1:11883 --product-key GPK --device-key GDK --device-secret GSECRET
//           --sub SUB_PK:SUB_DK:SUB_SECRET [--sub ...] [--count N] [--interval SECONDS]
#include <gridhub/device.hpp>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace device = gridhub::device;
namespace json = boost::json;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

int usage(const std::string& why) {
  std::cerr << "gateway: " << why << "\n"
            << "usage: gateway --url URL --product-key GPK --device-key GDK --device-secret S\n"
               "               --sub PK:DK:SECRET [--sub ...] [--count N] [--interval SECONDS]\n";
  return 2;
}

void print(const char* what, const device::SubDevice* sub, const boost::system::result<device::Response>& r) {
  std::cout << what;
  if (sub) std::cout << " " << sub->product_key << "/" << sub->device_key;
  if (r)
    std::cout << ": " << r->code << (r->message.empty() ? "" : " " + r->message) << std::endl;
  else
    std::cout << ": " << r.error().message() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  device::Options options;
  std::vector<device::SubDevice> subs;
  int64_t count = -1;
  double interval = 1;
  for (int i = 1; i + 1 < argc || (i < argc && std::string(argv[i]) == "--help"); i += 2) {
    std::string a = argv[i];
    if (a == "--help") return usage("a gateway and its sub-devices"), 0;
    std::string v = argv[i + 1];
    if (a == "--url") options.url = v;
    else if (a == "--product-key") options.product_key = v;
    else if (a == "--device-key") options.device_key = v;
    else if (a == "--device-secret") options.device_secret = v;
    else if (a == "--count") count = std::stoll(v);
    else if (a == "--interval") interval = std::stod(v);
    else if (a == "--sub") {
      auto c1 = v.find(':'), c2 = v.rfind(':');
      if (c1 == std::string::npos || c1 == c2) return usage("--sub is PK:DK:SECRET");
      subs.push_back({v.substr(0, c1), v.substr(c1 + 1, c2 - c1 - 1), v.substr(c2 + 1)});
    } else return usage("unknown option " + a);
  }
  if (options.url.empty() || options.product_key.empty() || options.device_key.empty() || subs.empty())
    return usage("--url, the gateway's keys and at least one --sub are required");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  device::Client client(options);
  // Commands for a sub-device arrive on its own topics over the gateway's connection.
  client.set_command_handler(device::CommandClass::service_invocation, [](const device::Command& c) {
    std::cout << "service " << c.service_id << " for " << c.product_key << "/" << c.device_key << std::endl;
    return device::Reply().add_output_data("result", 0).add_output_data("deviceKey", json::string(c.device_key));
  });
  for (auto cls : {device::CommandClass::sub_device_enable, device::CommandClass::sub_device_disable,
                   device::CommandClass::sub_device_delete})
    client.set_command_handler(cls, [](const device::Command& c) {
      std::cout << "notice " << c.method << " " << json::serialize(c.params) << std::endl;
      return device::Reply();
    });
  if (auto ec = client.connect()) {
    std::cerr << "gateway: cannot connect: " << ec.message() << std::endl;
    return 1;
  }
  std::cout << "gateway connected" << std::endl;

  device::TopoAdd topo;
  for (const auto& s : subs) topo.add_sub_device(s);
  print("topo add", nullptr, client.publish(topo.build()));
  for (const auto& s : subs) print("sub-device login", &s, client.publish(device::SubDeviceLogin(s).build()));

  for (int64_t n = 0; !g_stop && (count < 0 || n < count); ++n) {
    for (const auto& s : subs) {
      auto post = device::MeasurepointPost()
                      .add_measurepoint("temp", 40.0 + static_cast<double>(n))
                      .add_measurepoint("cycle_number", n)
                      .set_device(s.product_key, s.device_key)
                      .build();
      print("post", &s, client.publish(post));
    }
    if (count < 0 || n + 1 < count)
      for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
           !g_stop && std::chrono::steady_clock::now() < until;)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // With --count, stay a little so that commands can reach the sub-devices, then log them out.
  for (int i = 0; i < 100 && !g_stop && count >= 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (const auto& s : subs)
    print("sub-device logout", &s, client.publish(device::sub_device_logout(s.product_key, s.device_key)));
  client.close();
  return 0;
}
