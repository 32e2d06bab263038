// A small hand-written scanner for search expressions; no recursion, so no input can exhaust the stack.
#include "api/expression.hpp"

#include <boost/beast/core/string.hpp>

#include "api/limits.hpp"

namespace gridhub::api {

namespace {

bool word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || c == ':' || c == '/';
}


class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ == s_.size();
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && word_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // A quoted string or a bare word; false when neither is there or a quote is not closed.
  bool value(std::string& out) {
    skip_space();
    out.clear();
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      const char q = s_[pos_++];
      while (pos_ < s_.size()) {
        const char c = s_[pos_++];
        if (c != q) {
          out.push_back(c);
        } else if (pos_ < s_.size() && s_[pos_] == q) {
          out.push_back(q);
          ++pos_;
        } else {
          return true;
        }
      }
      return false;
    }
    const std::string_view w = word();
    out.assign(w);
    return !w.empty();
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

bool parse_expression(std::string_view text, std::vector<Condition>& out, std::string& message) {
  out.clear();
  if (text.size() > kMaxExpressionBytes) {
    message = "expression is longer than " + std::to_string(kMaxExpressionBytes) + " bytes";
    return false;
  }
  Scanner sc(text);
  auto fail = [&](std::string_view what) {
    message = "expression: " + std::string(what) + " at offset " + std::to_string(sc.pos());
    return false;
  };
  if (sc.at_end()) return true;
  for (;;) {
    if (out.size() == kMaxExpressionTerms)
      return fail("more than " + std::to_string(kMaxExpressionTerms) + " conditions");
    Condition c;
    const std::string_view field = sc.word();
    if (field.empty()) return fail("expected a field name");
    c.field.assign(field);
    if (sc.consume('=')) {
      c.op = Condition::Op::Eq;
    } else {
      const std::string_view op = sc.word();
      if (boost::beast::iequals(op, "like")) c.op = Condition::Op::Like;
      else if (boost::beast::iequals(op, "in")) c.op = Condition::Op::In;
      else return fail("expected =, like or in after " + c.field);
    }
    if (c.op == Condition::Op::In) {
      if (!sc.consume('(')) return fail("expected ( after in");
      do {
        if (c.values.size() == kMaxIdsPerRequest)
          return fail("more than " + std::to_string(kMaxIdsPerRequest) + " values in one list");
        std::string v;
        if (!sc.value(v)) return fail("expected a value");
        c.values.push_back(std::move(v));
      } while (sc.consume(','));
      if (!sc.consume(')')) return fail("expected )");
    } else {
      std::string v;
      if (!sc.value(v)) return fail("expected a value");
      c.values.push_back(std::move(v));
    }
    out.push_back(std::move(c));
    if (sc.at_end()) return true;
    if (!boost::beast::iequals(sc.word(), "and")) return fail("only 'and' may join conditions");
  }
}

}  // namespace gridhub::api
