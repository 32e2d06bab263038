// Everything gridhub_command_bench's command line sets (main.cpp binds these to CLI11 flags).
#pragma once
#include <cstdint>
#include <string>

namespace gridhub::bench {

struct CommandBenchOptions {
  // The server under test.
  std::string host = "127.0.0.1";
  uint16_t mqtt_port = 0;
  uint16_t api_port = 0;
  int server_pid = 0;             // its CPU and RSS are read from /proc when set
  // Provisioning: devices are created through the API with admin.json's bearer token.
  std::string admin_file;         // DIR/admin.json {"orgId","token"}
  std::string model_id;           // a product of this model, named after device_prefix, is created; or
  std::string product_key;        // an existing product
  std::string device_prefix = "cmdbench-";
  // The call.
  std::string service_id = "high_frequency_report_service";
  std::string input_data = R"({"interval":2})";   // body: {"inputData": <this>}
  std::string expected_output = R"({"result":0})"; // what outputData must equal (the devices answer this)
  unsigned timeout_s = 5;         // the API's timeout= (1..60): how long the hub waits for the device
  double call_deadline_s = 15;    // client side: a call not answered by then is counted and its connection reset
  // Phase (a): one device, one HTTP connection, calls one after the other.
  std::size_t sequential_calls = 10'000;
  std::size_t sequential_warmup = 500;
  // Phase (b): `devices` devices, `connections` HTTP connections, closed loop, for duration_s after warmup_s.
  std::size_t devices = 100;
  std::size_t connections = 100;
  double duration_s = 15;
  double warmup_s = 2;
  unsigned threads = 1;           // io_contexts in this process; devices and HTTP connections are spread over them
  std::string label;              // copied into the result line
};

}  // namespace gridhub::bench
