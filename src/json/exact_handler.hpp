// The basic_parser handler behind gridhub::json::parse and StreamParser: boost/json/detail/handler.hpp's
// value_stack builder, except that doubles are re-read from their text (see number_text.hpp).
#ifndef GRIDHUB_JSON_EXACT_HANDLER_HPP
#define GRIDHUB_JSON_EXACT_HANDLER_HPP

#include <boost/json/array.hpp>
#include <boost/json/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value_stack.hpp>
#include <cmath>
#include <cstdint>
#include <utility>

#include "json/number_text.hpp"

namespace gridhub::json {

struct ExactHandler {
  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  // `sp` is the storage of the parser's own stack; the result's storage is given to st.reset().
  ExactHandler(boost::json::storage_ptr sp, unsigned char* buffer, std::size_t size)
      : st(std::move(sp), buffer, size) {}

  boost::json::value_stack st;
  bool refuse_non_finite = false;  // parse_finite
  NumberText number;  // the earlier pieces of a number split across writes; empty otherwise

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(string_view s, error_code&) {
    number.append(std::string_view(s.data(), s.size()));
    return true;
  }
  // Integers are exact in Boost already (only those that overflow uint64 arrive as doubles).
  bool on_int64(std::int64_t i, string_view, error_code&) {
    number.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    number.clear();
    st.push_uint64(u);
    return true;
  }
  // `s` is the number's last piece (all of it, in a one-shot parse). With refuse_non_finite, a number beyond
  // the double range is error::exponent_overflow instead of ±inf (parse_finite).
  bool on_double(double approx, string_view s, error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (!number.empty()) {
      number.append(text);
      text = number.view();
    }
    const double d = exact_double(text, approx);
    number.clear();
    if (refuse_non_finite && !std::isfinite(d)) {
      ec = boost::json::error::exponent_overflow;
      return false;
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace gridhub::json

#endif
