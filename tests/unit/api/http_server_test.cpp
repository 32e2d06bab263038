// The real socket path once: ApiServer on port 0 with a running io thread, spoken to with Beast's sync client
// (keep-alive, auth, the body limit, 100-continue, a malformed request, stop()), and the asynchronous path: an
// answer that comes later from another thread (a command waiting on a real device), in request order, the
// client leaving meanwhile, and the apim-* headers of application calls.
#include "api/api_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "../hub/test_device.hpp"
#include "api/apim_signature.hpp"
#include "api/limits.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

class HttpServerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // A hub that runs (on loopback, its own thread), so that commands reach real device connections.
    ctx_.reset();
    hub_.reset();
    hub::HubOptions o;
    o.bind = "127.0.0.1";
    o.mqtt_port = 0;
    o.connack_delay = std::chrono::milliseconds(0);
    o.commands.delivery_delay = std::chrono::milliseconds(50);
    hub_ = std::make_unique<hub::Hub>(std::vector<asio::io_context*>{&io_}, *registry_, *store_, *events_, o);
    ASSERT_FALSE(hub_->start());
    ctx_ = std::make_unique<ApiContext>(*registry_, *store_, *hub_, *events_);
    hub_thread_ = std::thread([this] { io_.run(); });
    server_ = std::make_unique<ApiServer>(std::vector<asio::io_context*>{&server_io_}, *registry_, *store_, *hub_, *events_,
                                          ApiOptions{"127.0.0.1", 0});
    ASSERT_FALSE(server_->start());
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    guard_.reset();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    if (hub_) hub_->stop();
    hub_guard_.reset();
    if (hub_thread_.joinable()) hub_thread_.join();
    ApiTest::TearDown();
  }

  tcp::socket connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return s;
  }

  http::response<http::string_body> roundtrip(tcp::socket& s, http::request<http::string_body> req) {
    req.prepare_payload();
    http::write(s, req);
    http::response<http::string_body> res;
    beast::flat_buffer buf;
    http::read(s, buf, res);
    return res;
  }

  http::request<http::string_body> request(http::verb verb, const std::string& target, const std::string& body = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token_);
    req.body() = body;
    return req;
  }

  asio::io_context server_io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(server_io_);
  asio::io_context client_io_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  asio::executor_work_guard<asio::io_context::executor_type> hub_guard_ = asio::make_work_guard(io_);
  std::thread hub_thread_;
};

std::string wire_of(http::request<http::string_body> req) {
  req.prepare_payload();
  std::ostringstream os;
  os << req;
  return os.str();
}

// The lab's device online, and the invokeService target that reaches it.
struct LabDevice {
  std::string invoke_target;
  std::unique_ptr<hub::TestDevice> device;
};

class HttpCommandTest : public HttpServerTest {
 protected:
  LabDevice lab() {
    const std::string pk = create_product("battery", import_seed());
    auto d = create_device(pk, "battery-1");
    LabDevice lab;
    lab.invoke_target = "/connect-service/v2.1/commands?action=invokeService&productKey=" + pk + "&deviceKey=" +
                        std::string(d["deviceKey"].as_string()) + "&serviceId=high_frequency_report_service";
    lab.device = std::make_unique<hub::TestDevice>(hub_->mqtt_port());
    const std::string dk(d["deviceKey"].as_string()), secret(d["deviceSecret"].as_string());
    EXPECT_EQ(lab.device->login(pk, dk, secret), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past the delivery delay
    return lab;
  }
  // Waits for the command, answers it after `delay`; returns the command id.
  std::string answer_after(hub::TestDevice& dev, std::chrono::milliseconds delay) {
    auto m = dev.next_publish();
    EXPECT_TRUE(m);
    if (!m) return {};
    const std::string id(boost::json::parse(m->payload).at("id").as_string());
    std::this_thread::sleep_for(delay);
    dev.reply(m->topic, id, 200, "", boost::json::object{{"result", 0}});
    return id;
  }
};

TEST_F(HttpServerTest, HealthzAndAuthenticatedCallsOnOneKeptAliveConnection) {
  auto s = connect();
  http::request<http::string_body> health{http::verb::get, "/healthz", 11};
  health.set(http::field::host, "x");
  auto res = roundtrip(s, health);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), R"({"status":"ok"})");
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_TRUE(res.keep_alive());

  res = roundtrip(s, request(http::verb::post, std::string(kProducts) + "?action=search", "{}"));
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(boost::json::parse(res.body()).at("code"), 0);

  auto unauth = request(http::verb::get, std::string(kProducts) + "?action=get&productKey=x");
  unauth.erase(http::field::authorization);
  res = roundtrip(s, unauth);
  EXPECT_EQ(res.result_int(), 401u);
  EXPECT_EQ(boost::json::parse(res.body()).at("code"), 401);
}

TEST_F(HttpServerTest, ImportThroughTheSocket) {
  auto s = connect();
  auto res = roundtrip(s, request(http::verb::post, std::string(kModels) + "?action=import", read_file(seed_model_path())));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  res = roundtrip(s, request(http::verb::get, std::string(kModels) + "?action=get&modelId=SmartBattery0717"));
  EXPECT_EQ(boost::json::parse(res.body()).at("data").at("modelId"), "SmartBattery0717");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto s = connect();
  std::string wire;
  for (int i = 0; i < 20; ++i) {
    auto req = request(http::verb::post, std::string(kProducts) + (i % 2 ? "?action=search" : "?action=nope"), "{}");
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    wire += os.str();
  }
  asio::write(s, asio::buffer(wire));
  beast::flat_buffer buf;
  for (int i = 0; i < 20; ++i) {
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.result_int(), i % 2 ? 200u : 400u) << i;
  }
}

TEST_F(HttpServerTest, BodyOverTheLimitGets413AndTheConnectionCloses) {
  auto s = connect();
  auto res = roundtrip(s, request(http::verb::post, std::string(kProducts) + "?action=search",
                                  std::string(kMaxBodyBytes + 1, ' ')));
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_EQ(boost::json::parse(res.body()).at("code"), 99400);
  EXPECT_FALSE(res.keep_alive());
  beast::error_code ec;
  char byte;
  s.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST_F(HttpServerTest, BodyAtTheLimitIsRead) {
  auto s = connect();
  const std::string head = R"({"pad":")", tail = R"("})";
  auto res = roundtrip(s, request(http::verb::post, std::string(kProducts) + "?action=search",
                                  head + std::string(kMaxBodyBytes - head.size() - tail.size(), 'x') + tail));
  EXPECT_EQ(res.result_int(), 200u);
}

TEST_F(HttpServerTest, HeaderOverTheLimitGets431) {
  auto s = connect();
  auto req = request(http::verb::get, "/healthz");
  req.set("X-Filler", std::string(kMaxHeaderBytes, 'x'));
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result_int(), 431u);
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimAnswer) {
  auto s = connect();
  const std::string body = "{}";
  const std::string head = "POST " + std::string(kProducts) + "?action=search HTTP/1.1\r\nHost: x\r\n"
                           "Authorization: Bearer " + token_ + "\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  asio::write(s, asio::buffer(head));
  beast::flat_buffer buf;
  http::response<http::empty_body> interim;
  http::read(s, buf, interim);
  EXPECT_EQ(interim.result(), http::status::continue_);
  asio::write(s, asio::buffer(body));
  http::response<http::string_body> res;
  http::read(s, buf, res);
  EXPECT_EQ(res.result_int(), 200u);
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  auto s = connect();
  asio::write(s, asio::buffer(std::string("GARBAGE\r\n\r\n")));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(s, buf, res, ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.result_int(), 400u);
}

TEST_F(HttpServerTest, StopClosesOpenConnections) {
  auto s = connect();
  auto res = roundtrip(s, request(http::verb::get, "/healthz"));
  EXPECT_EQ(res.result_int(), 200u);
  server_->stop();
  beast::error_code ec;
  char byte;
  s.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
}

TEST_F(HttpCommandTest, AnswerFromAnotherThreadLaterKeepsPipelinedResponsesInOrder) {
  auto dev = lab();
  auto s = connect();
  // The command (answered 300 ms later, from the hub's thread) then a health check, in one write.
  const std::string body = R"({"inputData":{"interval":2}})";
  asio::write(s, asio::buffer(wire_of(request(http::verb::post, dev.invoke_target, body)) +
                              wire_of(request(http::verb::get, "/healthz"))));
  const std::string id = answer_after(*dev.device, std::chrono::milliseconds(300));
  beast::flat_buffer buf;
  http::response<http::string_body> first, second;
  http::read(s, buf, first);
  http::read(s, buf, second);
  EXPECT_EQ(first.result_int(), 200u);
  auto answer = boost::json::parse(first.body());
  EXPECT_EQ(answer.at("code"), 0) << first.body();
  EXPECT_EQ(answer.at("data").at("commandId"), boost::json::value(id));
  EXPECT_EQ(answer.at("data").at("outputData"), (boost::json::object{{"result", 0}}));
  EXPECT_EQ(second.body(), R"({"status":"ok"})");
  // The connection stays usable.
  auto res = roundtrip(s, request(http::verb::get, "/healthz"));
  EXPECT_EQ(res.result_int(), 200u);
}

TEST_F(HttpCommandTest, ClientLeavingCancelsNothingOnTheDevice) {
  auto dev = lab();
  {
    auto s = connect();
    const std::string body = R"({"inputData":{"interval":4}})";
    asio::write(s, asio::buffer(wire_of(request(http::verb::post, dev.invoke_target, body))));
    auto m = dev.device->next_publish();
    ASSERT_TRUE(m);
    s.close();  // gone before the device answers
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string id(boost::json::parse(m->payload).at("id").as_string());
    dev.device->reply(m->topic, id, 200, "", boost::json::object{{"result", 0}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // The command went on and succeeded; its answer was dropped with the connection.
    auto s2 = connect();
    auto res = roundtrip(s2, request(http::verb::get, "/connect-service/v2.1/commands?action=get&commandId=" + id));
    EXPECT_EQ(boost::json::parse(res.body()).at("data").at("state"), 5) << res.body();
  }
  // The server still answers on new connections.
  auto s = connect();
  EXPECT_EQ(roundtrip(s, request(http::verb::get, "/healthz")).result_int(), 200u);
}

TEST_F(HttpCommandTest, ApimHeadersReachTheRouter) {
  auto app = registry_->create_app(org_, "reader", "full");
  ASSERT_TRUE(app) << app.error().message();
  const std::string ts = std::to_string(system_now_ms());  // the server reads the real clock
  auto s = connect();
  http::request<http::string_body> token_req{http::verb::post, "/apim-token-service/v2.0/token/get", 11};
  token_req.set(http::field::host, "x");
  token_req.body() = boost::json::serialize(boost::json::object{
      {"appKey", app->app_key},
      {"encryption", token_encryption(app->app_key, ts, app->app_secret)},
      {"timestamp", ts}});
  auto res = roundtrip(s, token_req);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const std::string token(boost::json::parse(res.body()).at("data").at("accessToken").as_string());

  const std::string target = std::string(kProducts) + "?action=search&orgId=" + org_;
  const std::string body = "{}";
  http::request<http::string_body> signed_req{http::verb::post, target, 11};
  signed_req.set(http::field::host, "x");
  signed_req.set("apim-accesstoken", token);
  signed_req.set("apim-timestamp", ts);
  signed_req.set("apim-signature", request_signature(token, *params_data(target, body), ts, app->app_secret));
  signed_req.body() = body;
  res = roundtrip(s, signed_req);
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  // A wrong signature in the same header is refused: the router saw it.
  signed_req.set("apim-signature", std::string(64, '0'));
  res = roundtrip(s, signed_req);
  EXPECT_NE(res.result_int(), 200u) << res.body();
}

}  // namespace
}  // namespace gridhub::api::testing
