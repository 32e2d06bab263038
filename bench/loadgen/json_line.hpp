// One result line as JSON text: Boost.JSON 1.81 prints every double in exponent form (3.3E-1); this writes
// numbers the shortest way that reads back exactly (std::to_chars), which a person can read too.
#pragma once
#include <boost/json/value.hpp>
#include <string>

namespace gridhub::bench {

std::string to_json_line(const boost::json::value& v);

}  // namespace gridhub::bench
