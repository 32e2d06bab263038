#include "sdk/url.hpp"

#include <gtest/gtest.h>

#include "gridhub/device/errc.hpp"

using gridhub::device::errc;
using gridhub::device::detail::parse_url;

TEST(Url, ParsesTcpAndSsl) {
  auto t = parse_url("tcp://127.0.0.1:11883");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, "11883");
  auto s = parse_url("ssl://hub.example:18883");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->tls);
  EXPECT_EQ(s->host, "hub.example");
  auto v6 = parse_url("tcp://[::1]:1883");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
}

TEST(Url, PortBoundsAtOneAnd65535) {
  EXPECT_TRUE(parse_url("tcp://h:1"));
  EXPECT_TRUE(parse_url("tcp://h:65535"));
  EXPECT_EQ(parse_url("tcp://h:0").error(), errc::invalid_url);
  EXPECT_EQ(parse_url("tcp://h:65536").error(), errc::invalid_url);
}

TEST(Url, RefusesWhatTheSdksRefuse) {
  for (const char* bad : {"", "h:1883", "mqtt://h:1883", "tcp://h", "tcp://:1883", "tcp://h:x", "tcp://h:12a",
                          "tcp://a:b:1883", "tcp://[::1]1883", "tcp://h/x:1883"})
    EXPECT_EQ(parse_url(bad).error(), errc::invalid_url) << bad;
}
