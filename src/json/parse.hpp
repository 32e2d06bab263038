// gridhub::json::parse: boost::json::parse with exact doubles. Use it for every JSON that comes from a device,
// an API caller or the database (acknowledged data is stored exactly as sent).
#ifndef GRIDHUB_JSON_PARSE_HPP
#define GRIDHUB_JSON_PARSE_HPP

#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace gridhub::json {

// Same contract as boost::json::parse(s, ec, sp, opt) of Boost 1.81: one complete JSON text, surrounding
// whitespace allowed, anything else after it is error::extra_data; the options (max_depth, comments, trailing
// commas, invalid UTF-8) are honoured; on error `ec` is set and the result is null. Never throws except
// std::bad_alloc (as Boost's). The difference: a double is the correctly rounded value of its text, so
// parse(serialize(v)) == v bit for bit (Boost 1.81 can be one ulp off; 1.83's number_precision::precise
// fixes that there). Integers are int64/uint64 as in Boost; an integer beyond uint64 becomes a double, read
// exactly too. Out-of-range doubles behave as in Boost: 1e309 gives inf, 1e-400 gives 0, and an exponent
// beyond INT_MAX is error::exponent_overflow.
boost::json::value parse(std::string_view text, boost::system::error_code& ec,
                         const boost::json::parse_options& opt = {}, boost::json::storage_ptr sp = {});

// The same, except that a number beyond the double range is error::exponent_overflow instead of ±inf: Boost
// serializes inf as "Infinity", which is not JSON, so a value that is stored or echoed (device payloads,
// models, API bodies) must not hold one. Everything parse_finite returns serializes to JSON that parses back
// to it. (Found by fuzzing: docs/reliability.md.)
boost::json::value parse_finite(std::string_view text, boost::system::error_code& ec,
                                const boost::json::parse_options& opt = {}, boost::json::storage_ptr sp = {});

}  // namespace gridhub::json

#endif
