// Tests of JSON string escaping: every output is a valid JSON string, whatever bytes go in.
#include "enos/json_escape.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace gridhub::enos {
namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out;
}

// Parses `json` strictly (Boost.JSON rejects invalid UTF-8 and raw control characters) and returns the
// string.
std::string parsed(const std::string& json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  EXPECT_FALSE(ec) << json << ": " << ec.message();
  if (ec || !v.is_string()) return "<not a string>";
  return std::string(v.get_string());
}

TEST(JsonEscape, PlainAsciiIsQuotedUnchanged) {
  EXPECT_EQ(escaped(""), "\"\"");
  EXPECT_EQ(escaped("17"), "\"17\"");
  EXPECT_EQ(escaped("measurepoint [x] not found"), "\"measurepoint [x] not found\"");
  EXPECT_EQ(escaped("a\x7f"), "\"a\x7f\"");  // DEL needs no escape in JSON
}

TEST(JsonEscape, QuoteBackslashAndControlCharactersAreEscaped) {
  EXPECT_EQ(escaped("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(escaped("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(escaped(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
}

TEST(JsonEscape, ValidUtf8IsCopiedAsIs) {
  const std::string text =
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbf \xf4\x8f\xbf\xbf \xed\x9f\xbf";
  EXPECT_EQ(escaped(text), "\"" + text + "\"");
  EXPECT_EQ(parsed(escaped(text)), text);
}

TEST(JsonEscape, EachByteOfAnInvalidSequenceBecomesAReplacementCharacter) {
  EXPECT_EQ(escaped("\x80"), R"("\ufffd")");
  EXPECT_EQ(escaped("a\xc3"
                    "b"),
            R"("a\ufffdb")");                                               // lead byte without continuation
  EXPECT_EQ(escaped("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(escaped("\xe0\x80\x80"), R"("\ufffd\ufffd\ufffd")");            // overlong NUL
  EXPECT_EQ(escaped("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // UTF-16 surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(escaped("\xf5\x80"), R"("\ufffd\ufffd")");
  EXPECT_EQ(escaped("\xe2\x82"), R"("\ufffd\ufffd")");  // truncated at the end
  EXPECT_EQ(escaped("\xff"), R"("\ufffd")");
}

TEST(JsonEscape, EveryByteValueGivesValidJson) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string back = parsed(escaped(all));
  EXPECT_EQ(back.substr(0, 128), all.substr(0, 128));
}

TEST(JsonEscape, AppendsAfterExistingContent) {
  std::string out = "{\"k\":";
  append_json_string("v\n", out);
  EXPECT_EQ(out, "{\"k\":\"v\\n\"");
}

}  // namespace
}  // namespace gridhub::enos
