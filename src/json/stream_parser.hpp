// StreamParser: gridhub::json::parse for a text that arrives in pieces (numbers may be split between them).
#ifndef GRIDHUB_JSON_STREAM_PARSER_HPP
#define GRIDHUB_JSON_STREAM_PARSER_HPP

#include <boost/json/basic_parser.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

#include "json/exact_handler.hpp"

namespace gridhub::json {

// Like boost::json::stream_parser, with exact doubles (see parse.hpp). Not thread-safe; one document per
// object. After an error every later call fails with the same error.
class StreamParser {
 public:
  explicit StreamParser(const boost::json::parse_options& opt = {}, boost::json::storage_ptr sp = {});
  ~StreamParser();
  StreamParser(const StreamParser&) = delete;
  StreamParser& operator=(const StreamParser&) = delete;

  // Feeds the next piece. Bytes after a complete document (other than whitespace) are error::extra_data.
  void write(std::string_view piece, boost::system::error_code& ec);
  // Ends the input and returns the document; error::incomplete if it is unfinished, null on any error.
  // Call it once: a second call, or a write after it, fails with error::incomplete.
  boost::json::value finish(boost::system::error_code& ec);

 private:
  boost::json::basic_parser<ExactHandler> p_;
  bool finished_ = false;  // the document was released (value_stack must not release twice)
};

}  // namespace gridhub::json

#endif
