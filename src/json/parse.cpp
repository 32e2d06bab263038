// gridhub::json::parse: one write of the whole text into basic_parser<ExactHandler> (as boost's parse.ipp does).
#include "json/parse.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include "json/exact_handler.hpp"

namespace gridhub::json {

namespace {
boost::json::value parse_impl(std::string_view text, boost::system::error_code& ec,
                              const boost::json::parse_options& opt, boost::json::storage_ptr sp,
                              bool refuse_non_finite) {
  // Small documents build on the stack, as in boost::json::parse.
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  boost::json::basic_parser<ExactHandler> p(opt, boost::json::storage_ptr(), temp, sizeof(temp));
  p.handler().st.reset(std::move(sp));
  p.handler().refuse_non_finite = refuse_non_finite;
  ec = {};
  const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (ec) return nullptr;
  if (n < text.size()) {
    ec = boost::json::error::extra_data;
    return nullptr;
  }
  return p.handler().st.release();
}
}  // namespace

boost::json::value parse(std::string_view text, boost::system::error_code& ec,
                         const boost::json::parse_options& opt, boost::json::storage_ptr sp) {
  return parse_impl(text, ec, opt, std::move(sp), false);
}

boost::json::value parse_finite(std::string_view text, boost::system::error_code& ec,
                                const boost::json::parse_options& opt, boost::json::storage_ptr sp) {
  return parse_impl(text, ec, opt, std::move(sp), true);
}

}  // namespace gridhub::json
