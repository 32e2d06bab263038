// Tests of StreamParser and NumberText: a number split across pieces reads exactly as in one piece.
#include "json/stream_parser.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "json/number_text.hpp"
#include "json/parse.hpp"

namespace gridhub::json {
namespace {

namespace bj = boost::json;

bj::value parse_in_pieces(const std::vector<std::string_view>& pieces, boost::system::error_code& ec,
                          const bj::parse_options& opt = {}) {
  StreamParser p(opt);
  for (auto piece : pieces) {
    p.write(piece, ec);
    if (ec) return nullptr;
  }
  return p.finish(ec);
}

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

// Same kinds, same integers, same double bits, same strings.
void expect_identical(const bj::value& a, const bj::value& b, const std::string& where) {
  ASSERT_EQ(a.kind(), b.kind()) << where;
  switch (a.kind()) {
    case bj::kind::double_: ASSERT_EQ(bits(a.get_double()), bits(b.get_double())) << where; break;
    case bj::kind::array:
      ASSERT_EQ(a.get_array().size(), b.get_array().size()) << where;
      for (std::size_t i = 0; i < a.get_array().size(); ++i)
        expect_identical(a.get_array()[i], b.get_array()[i], where);
      break;
    case bj::kind::object:
      ASSERT_EQ(a.get_object().size(), b.get_object().size()) << where;
      for (const auto& kv : a.get_object()) {
        ASSERT_TRUE(b.get_object().contains(kv.key())) << where;
        expect_identical(kv.value(), b.get_object().at(kv.key()), where);
      }
      break;
    default: ASSERT_EQ(a, b) << where;
  }
}

const char* const kDocs[] = {
    R"({"soc":40.385231401401484,"n":-9223372036854775808,"u":18446744073709551615,"big":18446744073709551616})",
    R"([-0.0,1e309,-1e-400,5e-324,1.7976931348623157e308,0.1,-2.5E-3,1e+5,123456789012345678901234567890e-10])",
    "[0.1000000000000000055511151231257827021181583404541015625000000000000000000000000000000001e0]",
    "-40.385231401401484",
    "18446744073709553665",
};

TEST(StreamParser, EverySplitPointGivesTheOneShotResult) {
  for (std::string_view doc : kDocs) {
    boost::system::error_code ec;
    const bj::value whole = parse(doc, ec);
    ASSERT_FALSE(ec) << doc;
    for (std::size_t cut = 0; cut <= doc.size(); ++cut) {
      bj::value v = parse_in_pieces({doc.substr(0, cut), doc.substr(cut)}, ec);
      ASSERT_FALSE(ec) << doc << " cut at " << cut << ": " << ec.message();
      expect_identical(v, whole, std::string(doc) + " cut at " + std::to_string(cut));
    }
  }
}

TEST(StreamParser, OneByteAtATime) {
  for (std::string_view doc : kDocs) {
    std::vector<std::string_view> pieces;
    for (std::size_t i = 0; i < doc.size(); ++i) pieces.push_back(doc.substr(i, 1));
    boost::system::error_code ec;
    bj::value v = parse_in_pieces(pieces, ec);
    ASSERT_FALSE(ec) << doc;
    expect_identical(v, parse(doc, ec), std::string(doc));
  }
}

TEST(StreamParser, SplitNumberIsExactWhereBoostsStreamParserIsNot) {
  boost::system::error_code ec;
  bj::value v = parse_in_pieces({"[40.3852", "31401", "401484]"}, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(bits(v.at(0).as_double()), bits(40.385231401401484));
  bj::stream_parser boost_parser;
  boost_parser.write("[40.3852");
  boost_parser.write("31401");
  boost_parser.write("401484]");
  EXPECT_NE(bits(boost_parser.release().at(0).as_double()), bits(40.385231401401484));
}

// NumberText's inline buffer holds 64 bytes: numbers of 64 and 65 characters, split, must both be exact.
TEST(StreamParser, SplitNumbersAtTheInlineBufferBound) {
  for (std::size_t length : {NumberText::kInline - 1, NumberText::kInline, NumberText::kInline + 1, 1000ul}) {
    // "40.385231401401484" followed by zeros: the same double whatever the length.
    std::string number = "40.385231401401484";
    number.append(length - number.size(), '0');
    ASSERT_EQ(number.size(), length);
    for (std::size_t cut : {1ul, length / 2, length - 1}) {
      boost::system::error_code ec;
      bj::value v = parse_in_pieces({std::string_view(number).substr(0, cut), std::string_view(number).substr(cut)},
                                    ec);
      ASSERT_FALSE(ec) << length << "/" << cut;
      EXPECT_EQ(bits(v.as_double()), bits(40.385231401401484)) << length << "/" << cut;
    }
  }
}

TEST(StreamParser, NumbersAfterASplitOneStartClean) {
  // The pieces of the first number must not leak into the next.
  boost::system::error_code ec;
  bj::value v = parse_in_pieces({"[1.2", "5,7,2.5,1", "8446744073709551616, 0.", "5]"}, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(bj::serialize(v), "[1.25E0,7,2.5E0,1.8446744073709552E19,5E-1]");
}

TEST(StreamParser, ErrorsMatchTheOneShotParser) {
  boost::system::error_code ec;
  parse_in_pieces({"[1.5", "] x"}, ec);
  EXPECT_EQ(ec, bj::error::extra_data);
  parse_in_pieces({"[1.5", ","}, ec);
  EXPECT_EQ(ec, bj::error::incomplete);
  parse_in_pieces({}, ec);
  EXPECT_EQ(ec, bj::error::incomplete);
  parse_in_pieces({"1e21474", "83648"}, ec);
  EXPECT_EQ(ec, bj::error::exponent_overflow);
  bj::parse_options opt;
  opt.max_depth = 2;
  parse_in_pieces({"[[", "1.5]]"}, ec, opt);
  EXPECT_FALSE(ec);
  parse_in_pieces({"[[[", "1.5]]]"}, ec, opt);
  EXPECT_EQ(ec, bj::error::too_deep);
}

TEST(StreamParser, AfterAnErrorEveryCallFails) {
  StreamParser p;
  boost::system::error_code ec;
  p.write("[01", ec);
  EXPECT_EQ(ec, bj::error::syntax);
  p.write("]", ec);
  EXPECT_TRUE(ec);
  EXPECT_TRUE(p.finish(ec).is_null());
  EXPECT_TRUE(ec);
}

TEST(StreamParser, FinishTwiceFails) {
  StreamParser p;
  boost::system::error_code ec;
  p.write("[2.5]", ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(p.finish(ec).at(0).as_double(), 2.5);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(p.finish(ec).is_null());
  EXPECT_EQ(ec, bj::error::incomplete);
  p.write("1", ec);
  EXPECT_EQ(ec, bj::error::incomplete);
}

TEST(NumberText, InlineUpToItsSizeThenHeap) {
  NumberText t;
  EXPECT_TRUE(t.empty());
  t.append(std::string(NumberText::kInline - 1, '1'));
  t.append("2");  // exactly full
  EXPECT_EQ(t.view(), std::string(NumberText::kInline - 1, '1') + "2");
  t.append("3");  // one more: moves to the heap, keeps every byte
  EXPECT_EQ(t.view(), std::string(NumberText::kInline - 1, '1') + "23");
  t.append("45");
  EXPECT_EQ(t.view().size(), NumberText::kInline + 3);
  t.clear();
  EXPECT_TRUE(t.empty());
  t.append("7.5");
  EXPECT_EQ(t.view(), "7.5");
  t.append("");
  EXPECT_EQ(t.view(), "7.5");
}

TEST(NumberText, AFirstPieceLongerThanTheBufferGoesStraightToTheHeap) {
  for (std::size_t n : {NumberText::kInline, NumberText::kInline + 1}) {
    NumberText t;
    t.append(std::string(n, '9'));
    EXPECT_FALSE(t.empty()) << n;
    t.append("1");
    EXPECT_EQ(t.view(), std::string(n, '9') + "1");
  }
}

TEST(NumberText, ExactDoubleOutOfRangeFollowsBoostsDirection) {
  EXPECT_EQ(exact_double("1e400", 1e308), INFINITY);  // Boost may say DBL_MAX: it is still an overflow
  EXPECT_EQ(exact_double("-1e400", -INFINITY), -INFINITY);
  EXPECT_EQ(exact_double("1e-400", 0.0), 0.0);
  EXPECT_TRUE(std::signbit(exact_double("-1e-400", -0.0)));
  EXPECT_EQ(exact_double("40.385231401401484", 40.38523140140149), 40.385231401401484);
}

}  // namespace
}  // namespace gridhub::json
