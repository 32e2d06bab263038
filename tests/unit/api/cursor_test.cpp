// Cursor text: base64url, the versioned JSON inside, strict refusal of anything else, and the query hash.
#include "api/cursor.hpp"

#include <gtest/gtest.h>

#include <random>

namespace gridhub::api {
namespace {

std::string wrap(std::string_view json) { return base64url_encode(json); }

std::string refused(std::string_view text, std::size_t max_entries = 10) {
  Cursor c;
  std::string why;
  EXPECT_FALSE(decode_cursor(text, max_entries, c, why)) << text;
  EXPECT_FALSE(why.empty());
  return why;
}

TEST(CursorBase64, KnownVectorsAndRoundTrip) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  std::mt19937 rng(7);
  for (std::size_t n = 0; n < 80; ++n) {
    std::string bytes(n, '\0');
    for (auto& b : bytes) b = static_cast<char>(rng());
    std::string back;
    ASSERT_TRUE(base64url_decode(base64url_encode(bytes), back)) << n;
    ASSERT_EQ(back, bytes);
  }
}

TEST(CursorBase64, RefusesPaddingForeignCharactersAndNonCanonicalTails) {
  std::string out;
  EXPECT_FALSE(base64url_decode("Zg==", out));
  EXPECT_FALSE(base64url_decode("Zg=", out));
  EXPECT_FALSE(base64url_decode("Z", out));     // a length no encoding has
  EXPECT_FALSE(base64url_decode("Zh", out));    // leftover bits set
  EXPECT_FALSE(base64url_decode("Zm+v", out));  // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm/v", out));
  EXPECT_FALSE(base64url_decode("Zm9 v", out));
  EXPECT_TRUE(base64url_decode("Zg", out));
  EXPECT_EQ(out, "f");
}

TEST(CursorCodec, RoundTrip) {
  Cursor c;
  c.query_hash = 0xfedcba9876543210ULL;
  c.entries = {{0, 0}, {7, 1700000000001}, {2999, 253402300800000}};
  const std::string text = encode_cursor(c);
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  Cursor back;
  std::string why;
  ASSERT_TRUE(decode_cursor(text, 3000, back, why)) << why;
  EXPECT_EQ(back.query_hash, c.query_hash);
  ASSERT_EQ(back.entries.size(), 3u);
  EXPECT_EQ(back.entries[1].series, 7u);
  EXPECT_EQ(back.entries[1].resume_ms, 1700000000001);
  EXPECT_EQ(back.entries[2].resume_ms, 253402300800000);
}

TEST(CursorCodec, EntryCountAtTheBound) {
  Cursor c;
  for (uint32_t i = 0; i < 5; ++i) c.entries.push_back({i, 1});
  Cursor back;
  std::string why;
  EXPECT_TRUE(decode_cursor(encode_cursor(c), 5, back, why)) << why;
  EXPECT_NE(refused(encode_cursor(c), 4).find("more series"), std::string::npos);
}

TEST(CursorCodec, LengthAtTheBound) {
  EXPECT_NE(refused(std::string(kMaxCursorBytes + 1, 'A')).find("longer"), std::string::npos);
  // kMaxCursorBytes itself is read (and then fails as not a cursor, not as too long).
  EXPECT_EQ(refused(std::string(kMaxCursorBytes, 'A')).find("longer"), std::string::npos);
}

TEST(CursorCodec, RefusesAnythingElse) {
  const std::string q = R"("q":"0123456789abcdef")";
  EXPECT_NE(refused("").find("empty"), std::string::npos);
  EXPECT_NE(refused("not a cursor!").find("base64url"), std::string::npos);
  refused(wrap("not json"));
  refused(wrap("[1,2,3]"));
  refused(wrap(R"({"v":1,)" + q + R"(})"));  // no series
  EXPECT_NE(refused(wrap(R"({"v":2,)" + q + R"(,"s":[[0,1]]})")).find("version"), std::string::npos);
  refused(wrap(R"({"v":"1",)" + q + R"(,"s":[[0,1]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0,1]],"x":0})"));      // extra key
  refused(wrap(R"({"v":1,"q":"0123456789ABCDEF","s":[[0,1]]})"));  // upper-case hash
  refused(wrap(R"({"v":1,"q":"0123456789abcde","s":[[0,1]]})"));   // short hash
  refused(wrap(R"({"v":1,"q":12,"s":[[0,1]]})"));
  EXPECT_NE(refused(wrap(R"({"v":1,)" + q + R"(,"s":[]})")).find("no series"), std::string::npos);
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0,1,2]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[-1,1]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[4294967296,1]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0,1.5]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0,"1"]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[0,18446744073709551615]]})"));
  EXPECT_NE(refused(wrap(R"({"v":1,)" + q + R"(,"s":[[1,1],[1,2]]})")).find("order"), std::string::npos);
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[2,1],[1,2]]})"));
  refused(wrap(R"({"v":1,)" + q + R"(,"s":[[[[[[0]]]]]]})"));  // deeper than a cursor
}

TEST(CursorHash, FieldsAreDelimited) {
  EXPECT_EQ(QueryHash().add("ab").add("c").value(), QueryHash().add("ab").add("c").value());
  EXPECT_NE(QueryHash().add("ab").add("c").value(), QueryHash().add("a").add("bc").value());
  EXPECT_NE(QueryHash().add(int64_t{1}).value(), QueryHash().add(int64_t{2}).value());
  EXPECT_NE(QueryHash().add("").value(), QueryHash().value());
}

}  // namespace
}  // namespace gridhub::api
