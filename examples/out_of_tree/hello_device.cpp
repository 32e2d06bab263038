// The smallest device program: log in, post one measure point, print the hub's answer.
//   hello_device tcp://127.0.0.1:11883 PRODUCT_KEY DEVICE_KEY DEVICE_SECRET
#include <gridhub/device.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: hello_device URL PRODUCT_KEY DEVICE_KEY DEVICE_SECRET\n";
    return 2;
  }
  gridhub::device::Options options;
  options.url = argv[1];
  options.product_key = argv[2];
  options.device_key = argv[3];
  options.device_secret = argv[4];
  gridhub::device::Client client(options);
  if (auto ec = client.connect()) {
    std::cerr << "connect: " << ec.message() << "\n";
    return 1;
  }
  auto reply = client.publish(gridhub::device::MeasurepointPost().add_measurepoint("temp", 50.5).build());
  if (!reply) {
    std::cerr << "post: " << reply.error().message() << "\n";
    return 1;
  }
  std::cout << "code " << reply->code << "\n";
  return reply->ok() ? 0 : 1;
}
