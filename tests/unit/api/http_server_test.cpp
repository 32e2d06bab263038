// The real socket path once: ApiServer on port 0 with a running io thread, spoken to with Beast's sync client
// (keep-alive, auth, the body limit, 100-continue, a malformed request, stop()).
#include "api/api_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>

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
    server_ = std::make_unique<ApiServer>(std::vector<asio::io_context*>{&server_io_}, *registry_, *store_, *hub_,
                                          ApiOptions{"127.0.0.1", 0});
    ASSERT_FALSE(server_->start());
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_io_.run(); });
  }
  void TearDown() override {
    server_->stop();
    guard_.reset();
    thread_.join();
    server_.reset();
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

}  // namespace
}  // namespace gridhub::api::testing
