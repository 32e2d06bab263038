// Whether one invokeService answer is a success: HTTP 200, envelope code 0, and data.outputData equal to what
// the devices reply. Anything else is named by a short kind that the result line counts.
#pragma once
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace gridhub::bench {

// Empty when the answer is a success; otherwise a failure kind such as "http 500", "code 11915",
// "outputData differs", "unparsable body" (bounded: never a copy of the body, so that the counts stay few).
std::string check_invoke_response(unsigned http_status, std::string_view body, const boost::json::value& expected);

}  // namespace gridhub::bench
