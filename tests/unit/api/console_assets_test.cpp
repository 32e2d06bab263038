// The console's serving rules without a socket: Accept-Encoding, If-None-Match, path lookup, the reply for each
// case (embedded table and dev directory), and the Host header rules of the environment information.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "api/console_assets.hpp"
#include "api/routes.hpp"

namespace gridhub::api {
namespace {

// ---- Accept-Encoding ----

TEST(AcceptsGzip, PlainAndListed) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br,gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=1.0, *;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
}

TEST(AcceptsGzip, CaseInsensitive) {
  EXPECT_TRUE(accepts_gzip("GZIP"));
  EXPECT_TRUE(accepts_gzip("GZip;Q=0.5"));
  EXPECT_FALSE(accepts_gzip("Gzip;Q=0"));
}

TEST(AcceptsGzip, QZeroRefuses) {
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzip ; q = 0 , identity"));
  // The smallest positive weight still accepts.
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_TRUE(accepts_gzip("gzip;q=1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=1.000"));
}

TEST(AcceptsGzip, MalformedQRefusesThatEntry) {
  EXPECT_FALSE(accepts_gzip("gzip;q=2"));
  EXPECT_FALSE(accepts_gzip("gzip;q=1.001"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.0001"));  // four decimals: one more than allowed
  EXPECT_FALSE(accepts_gzip("gzip;q=abc"));
  EXPECT_FALSE(accepts_gzip("gzip;q="));
  EXPECT_FALSE(accepts_gzip("gzip;q=-1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.999"));  // three decimals: the most allowed
}

TEST(AcceptsGzip, StarOnlyWhenGzipIsNotNamed) {
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("identity, *;q=0.1"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));  // named gzip wins over *
  EXPECT_TRUE(accepts_gzip("gzip, *;q=0"));
}

TEST(AcceptsGzip, IdentityAndEmpty) {
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip(" , ,"));
  EXPECT_FALSE(accepts_gzip("gzipx"));  // a different coding, not a prefix match
  EXPECT_TRUE(accepts_gzip("gzip;level=9"));  // other parameters are ignored
}

// ---- If-None-Match ----

TEST(EtagMatches, ExactListWeakAndStar) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(etag_matches("\"abc\"", tag));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", tag));
  EXPECT_TRUE(etag_matches("\"x\",\"abc\",\"y\"", tag));
  EXPECT_TRUE(etag_matches("W/\"abc\"", tag));
  EXPECT_TRUE(etag_matches("*", tag));
  EXPECT_TRUE(etag_matches(" * ", tag));
  EXPECT_FALSE(etag_matches("", tag));
  EXPECT_FALSE(etag_matches("\"abcd\"", tag));
  EXPECT_FALSE(etag_matches("abc", tag));        // unquoted: not the same opaque tag
  EXPECT_FALSE(etag_matches("\"ABC\"", tag));    // entity tags are case-sensitive
  EXPECT_FALSE(etag_matches("w/\"abc\"", tag));  // the weak prefix is "W/" exactly
  EXPECT_FALSE(etag_matches("\"x\", *", tag));   // "*" only alone
}

TEST(ConsoleEtag, QuotedHexOfSha256AndDistinct) {
  const std::string a = console_etag("hello");
  EXPECT_EQ(a, "\"2cf24dba5fb0a30e26e83b2ac5b9e29e\"");  // sha256("hello"), first 16 bytes
  EXPECT_EQ(a.size(), 34u);
  EXPECT_NE(console_etag("hello!"), a);
  EXPECT_EQ(console_etag(""), "\"e3b0c44298fc1c149afbf4c8996fb924\"");
}

// ---- paths ----

TEST(ConsolePaths, OwnedPaths) {
  EXPECT_TRUE(is_console_path("/"));
  EXPECT_TRUE(is_console_path("/index.html"));
  EXPECT_TRUE(is_console_path("/favicon.svg"));
  EXPECT_TRUE(is_console_path("/assets/app.js"));
  EXPECT_TRUE(is_console_path("/assets/nope.js"));
  EXPECT_FALSE(is_console_path("/assets"));
  EXPECT_FALSE(is_console_path(""));
  EXPECT_FALSE(is_console_path("/healthz"));
  EXPECT_FALSE(is_console_path("/index.htm"));
  EXPECT_FALSE(is_console_path("//"));
  EXPECT_FALSE(is_console_path("/connect-service/v2.1/devices"));
  EXPECT_FALSE(is_console_path("/console/v1/live"));
}

TEST(ConsolePaths, FileLookup) {
  ASSERT_NE(find_console_file("/"), nullptr);
  EXPECT_EQ(find_console_file("/")->path, "/index.html");
  EXPECT_EQ(find_console_file("/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(find_console_file("/assets/app.js")->content_type, "text/javascript");
  EXPECT_EQ(find_console_file("/assets/app.css")->content_type, "text/css");
  EXPECT_EQ(find_console_file("/favicon.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(find_console_file("/assets/nope.js"), nullptr);
  EXPECT_EQ(find_console_file("/assets/app.js.gz"), nullptr);  // the .gz copies are no paths of their own
  EXPECT_EQ(find_console_file("/assets/../index.html"), nullptr);
  EXPECT_EQ(find_console_file("/assets/app-style.css"), nullptr);
}

// ---- serving ----

std::string header(const ConsoleReply& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "<absent>";
}

void expect_security_headers(const ConsoleReply& r) {
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
  EXPECT_NE(header(r, "Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
}

class ConsoleServing : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const ConsoleFile& f : kConsoleFiles) {
      ConsoleAsset a{f.path, f.content_type, f.path == "/index.html" ? std::string_view(index_) : "body of file",
                     f.path == "/index.html" ? std::string_view(index_gz_) : std::string_view(), {}};
      a.etag = console_etag(a.bytes);
      source_.embedded.push_back(std::move(a));
    }
  }
  ConsoleReply serve(std::string_view method, std::string_view path, std::string_view ae = "",
                     std::string_view inm = "") {
    return serve_console(source_, ConsoleRequest{method, path, ae, inm});
  }
  std::string index_ = "<!doctype html><div id=\"app\"></div>";
  std::string index_gz_ = "pretend-gzip";
  ConsoleSource source_;
};

TEST_F(ConsoleServing, RootIsIndexWithHeaders) {
  auto r = serve("GET", "/");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, index_);
  EXPECT_FALSE(r.omit_body);
  EXPECT_EQ(header(r, "ETag"), console_etag(index_));
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(r, "Content-Encoding"), "<absent>");
  expect_security_headers(r);
  EXPECT_EQ(serve("GET", "/index.html").body, index_);
}

TEST_F(ConsoleServing, GzipOnlyWhenAcceptedAndAvailable) {
  auto r = serve("GET", "/", "gzip, br");
  EXPECT_EQ(r.body, index_gz_);
  EXPECT_EQ(header(r, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(r, "Vary"), "Accept-Encoding");
  r = serve("GET", "/", "gzip;q=0");
  EXPECT_EQ(r.body, index_);
  EXPECT_EQ(header(r, "Content-Encoding"), "<absent>");
  r = serve("GET", "/favicon.svg", "gzip");  // no gzip copy in this table
  EXPECT_EQ(r.body, "body of file");
  EXPECT_EQ(header(r, "Content-Encoding"), "<absent>");
}

TEST_F(ConsoleServing, NotModifiedOnMatchingEtag) {
  const std::string tag = console_etag(index_);
  auto r = serve("GET", "/", "gzip", tag);
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header(r, "ETag"), tag);
  expect_security_headers(r);
  EXPECT_EQ(serve("GET", "/", "", "\"other\", W/" + tag).status, 304u);
  EXPECT_EQ(serve("GET", "/", "", "\"other\"").status, 200u);
}

TEST_F(ConsoleServing, HeadKeepsLengthOmitsBody) {
  auto r = serve("HEAD", "/assets/app.js");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.omit_body);
  EXPECT_EQ(r.body, "body of file");  // kept for Content-Length
  EXPECT_EQ(r.content_type, "text/javascript");
}

TEST_F(ConsoleServing, OtherMethodsAre405WithAllow) {
  for (std::string_view m : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    auto r = serve(m, "/");
    EXPECT_EQ(r.status, 405u) << m;
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD");
    EXPECT_EQ(r.content_type, "application/json");
    expect_security_headers(r);
    auto json = boost::json::parse(r.body);
    EXPECT_EQ(json.at("code").as_int64(), 99405);
  }
}

TEST_F(ConsoleServing, UnknownAssetIs404Json) {
  auto r = serve("GET", "/assets/nope.js");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(r.body.find("unknown path /assets/nope.js"), std::string::npos);
  expect_security_headers(r);
}

TEST(ConsoleNotBuilt, EveryPathIs404SayingSo) {
  ConsoleSource none;
  for (std::string_view p : {"/", "/index.html", "/assets/app.js"}) {
    auto r = serve_console(none, ConsoleRequest{"GET", p, "", ""});
    EXPECT_EQ(r.status, 404u);
    EXPECT_NE(r.body.find("the console was not built"), std::string::npos) << r.body;
  }
}

// The dev directory: real files, read per request.
class ConsoleDevDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-console-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    source_.dir = tmpl;
    std::filesystem::create_directories(tmpl + "/assets");
    write("/index.html", "<div id=\"app\">one</div>");
    write("/index.html.gz", "stale gzip");
  }
  void TearDown() override { std::filesystem::remove_all(source_.dir); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(source_.dir + name, std::ios::binary) << text;
  }
  ConsoleSource source_;
};

TEST_F(ConsoleDevDir, ReadsPerRequestUncompressed) {
  auto r = serve_console(source_, ConsoleRequest{"GET", "/", "gzip", ""});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "<div id=\"app\">one</div>");
  EXPECT_EQ(header(r, "Content-Encoding"), "<absent>");
  const std::string first_tag = header(r, "ETag");
  write("/index.html", "<div id=\"app\">two</div>");
  r = serve_console(source_, ConsoleRequest{"GET", "/", "", first_tag});
  EXPECT_EQ(r.status, 200u);  // changed: the old tag no longer matches
  EXPECT_EQ(r.body, "<div id=\"app\">two</div>");
  EXPECT_NE(header(r, "ETag"), first_tag);
  EXPECT_EQ(serve_console(source_, ConsoleRequest{"GET", "/", "", header(r, "ETag")}).status, 304u);
}

TEST_F(ConsoleDevDir, MissingFileAndDirectoryAre404) {
  auto r = serve_console(source_, ConsoleRequest{"GET", "/assets/app.js", "", ""});
  EXPECT_EQ(r.status, 404u);
  EXPECT_NE(r.body.find("does not exist"), std::string::npos);
  std::filesystem::create_directories(source_.dir + "/favicon.svg");  // a directory, not a file
  EXPECT_EQ(serve_console(source_, ConsoleRequest{"GET", "/favicon.svg", "", ""}).status, 404u);
}

TEST_F(ConsoleDevDir, SizeLimitAtNAndNPlusOne) {
  write("/assets/app.css", std::string(kMaxConsoleFileBytes, 'a'));
  auto r = serve_console(source_, ConsoleRequest{"GET", "/assets/app.css", "", ""});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.size(), kMaxConsoleFileBytes);
  write("/assets/app.css", std::string(kMaxConsoleFileBytes + 1, 'a'));
  r = serve_console(source_, ConsoleRequest{"GET", "/assets/app.css", "", ""});
  EXPECT_EQ(r.status, 500u);
  EXPECT_NE(r.body.find("larger than"), std::string::npos);
}

// ---- the Host header (environment information) ----

TEST(HostOfHeader, HostsWithAndWithoutPort) {
  EXPECT_EQ(host_of_header("10.0.0.5:8080"), "10.0.0.5");
  EXPECT_EQ(host_of_header("10.0.0.5"), "10.0.0.5");
  EXPECT_EQ(host_of_header("gridhub.example.com:80"), "gridhub.example.com");
  EXPECT_EQ(host_of_header("localhost"), "localhost");
  EXPECT_EQ(host_of_header("[::1]:8080"), "[::1]");
  EXPECT_EQ(host_of_header("[fe80::1]"), "[fe80::1]");
  EXPECT_EQ(host_of_header("a:65535"), "a");
  EXPECT_EQ(host_of_header("a:12345"), "a");
}

TEST(HostOfHeader, HostileOrMalformedIsEmpty) {
  for (std::string_view bad :
       {"", ":8080", "evil.com/x", "a b", "evil.com\"><script>", "a:", "a:123456", "a:8o", "[::1", "[::1]x",
        "[::1]:", "[nothost]:80", "::1", "a:b:c", "-a.com", "a-.com", "a..com", ".a.com", "a.com.", "a_b.com",
        "[::1%eth0]", "evil.com@x", "10.0.0.5:80:80"})
    EXPECT_EQ(host_of_header(bad), "") << bad;
  EXPECT_EQ(host_of_header(std::string(63, 'a') + ".com"), std::string(63, 'a') + ".com");
  EXPECT_EQ(host_of_header(std::string(64, 'a') + ".com"), "");
  std::string long_ok;  // 253 characters: 63*3 + 61 + 3 dots
  long_ok = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd');
  ASSERT_EQ(long_ok.size(), 253u);
  EXPECT_EQ(host_of_header(long_ok), long_ok);
  EXPECT_EQ(host_of_header(long_ok + "d"), "");
}

TEST(IsValidHost, ConfigValues) {
  EXPECT_TRUE(is_valid_host("gridhub.local"));
  EXPECT_TRUE(is_valid_host("192.168.1.10"));
  EXPECT_TRUE(is_valid_host("::1"));
  EXPECT_TRUE(is_valid_host("[2001:db8::1]"));
  EXPECT_FALSE(is_valid_host(""));
  EXPECT_FALSE(is_valid_host("host:80"));
  EXPECT_FALSE(is_valid_host("http://host"));
  EXPECT_FALSE(is_valid_host("[]"));
}

}  // namespace
}  // namespace gridhub::api
