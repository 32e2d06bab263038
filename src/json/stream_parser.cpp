// StreamParser: basic_parser<ExactHandler> driven the way boost's stream_parser.ipp drives its own.
#include "json/stream_parser.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace gridhub::json {

StreamParser::StreamParser(const boost::json::parse_options& opt, boost::json::storage_ptr sp)
    : p_(opt, boost::json::storage_ptr(), nullptr, 0) {
  p_.handler().st.reset(std::move(sp));
}

StreamParser::~StreamParser() = default;

void StreamParser::write(std::string_view piece, boost::system::error_code& ec) {
  ec = {};
  if (finished_) {
    ec = boost::json::error::incomplete;
    return;
  }
  const std::size_t n = p_.write_some(true, piece.data(), piece.size(), ec);
  if (!ec && n < piece.size()) {
    ec = boost::json::error::extra_data;
    p_.fail(ec);
  }
}

boost::json::value StreamParser::finish(boost::system::error_code& ec) {
  ec = {};
  if (finished_) {
    ec = boost::json::error::incomplete;
    return nullptr;
  }
  p_.write_some(false, nullptr, 0, ec);
  if (ec) return nullptr;
  if (!p_.done()) {  // cannot happen after a clean final write; belt and braces
    ec = boost::json::error::incomplete;
    return nullptr;
  }
  finished_ = true;
  return p_.handler().st.release();
}

}  // namespace gridhub::json
